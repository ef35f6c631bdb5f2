"""Settings for every environment; everything variable comes from environment variables.

- ``DATABASE_URL``: any dj-database-url URL; default a SQLite file ``yigai.sqlite3`` in the data directory.
- ``YIGAI_DEBUG``: ``1`` turns on Django's debug pages (developers only; default off, even for ``yigai run``).
- ``YIGAI_DATA_DIR``: where the SQLite file and uploads live (default ``var/`` under the working directory).
- ``YIGAI_API_DOCS_LOGIN``: ``0`` opens /api/docs and /api/openapi.json to anyone (default ``1``: login needed).
- ``YIGAI_AUDIT_KEY`` / ``YIGAI_BACKUP_KEY``: the audit chain and backup signing keys (else 0600 files under
  ``YIGAI_DATA_DIR/keys/``; required in production); ``YIGAI_AUDIT_HEAD_FILE``: the audit head's copy.
- ``YIGAI_SQLITE_TIMEOUT``: seconds a SQLite writer waits for another before giving up (default 20).
- ``YIGAI_MAX_UPLOAD_MB``: largest accepted policy document (default 20).
- ``YIGAI_EVIDENCE_MAX_MB``: largest 佐证材料 file (default 20); kept under ``YIGAI_DATA_DIR/evidence/``.
- ``YIGAI_SMTP_HOST`` (+ ``_PORT``, ``_USER``, ``_PASSWORD``, ``_TLS``, ``YIGAI_MAIL_FROM``): e-mail reminders.
- ``YIGAI_REMINDER_WEBHOOK_URL``: a JSON webhook for reminders (企业微信/钉钉 bots); unset = none.
- ``YIGAI_MAX_REQUEST_MB``: largest request body, refused from its Content-Length before it is read
  (default 64); ``YIGAI_MAX_UNZIPPED_MB`` (64), ``YIGAI_MAX_ZIP_RATIO`` (100), ``YIGAI_MAX_SHEET_ROWS``
  (50000), ``YIGAI_MAX_SHEET_CELLS`` (500000), ``YIGAI_MAX_PDF_PAGES`` (1000): limits on heavy input
  (:mod:`yigai.core.limits`).
- ``YIGAI_JOB_MAX_ACTIVE``: background jobs one user may have waiting or running at once (default 3).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from yigai.core.limits import Limits

WEB_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("YIGAI_DATA_DIR", "var")).resolve()

SECRET_KEY = os.environ.get("YIGAI_SECRET_KEY", "yigai-development-only-not-secret")
# Off unless YIGAI_DEBUG=1 (developers only): Django's debug pages list every URL pattern and setting, and
# under DEBUG they replace the Chinese error pages (yigai.web.errors). Static files are served by whitenoise
# from the package either way (WHITENOISE_USE_FINDERS), so `yigai run` needs no collectstatic.
DEBUG = os.environ.get("YIGAI_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("YIGAI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its packaged Swagger UI (no CDN; allowed by the CSP)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "yigai.apps.audit",
    "yigai.apps.orgunits",
    "yigai.apps.units",
    "yigai.apps.accounts",
    "yigai.apps.plans",
    "yigai.apps.ledger",
    "yigai.apps.indicators",
    "yigai.apps.dashboard",
    "yigai.apps.throttle",
    "yigai.apps.caching",
    "yigai.apps.jobs",
    "yigai.apps.assessment",
    "yigai.apps.access",
    "yigai.apps.records",
    "yigai.apps.todo",
    "huey.contrib.djhuey",  # the job queue's worker command (yigai manage run_huey)
]

MIDDLEWARE = [
    "yigai.web.limits.RequestSizeMiddleware",  # before anything reads the body
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yigai.apps.audit.middleware.AuditContextMiddleware",
    "yigai.web.security.RateLimitMiddleware",
    "yigai.web.security.SessionTimeoutMiddleware",
    "yigai.web.security.SecondFactorMiddleware",
    "yigai.web.security.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yigai.web.security.ContentSecurityPolicyMiddleware",
    "yigai.web.middleware.HtmxMiddleware",
    "yigai.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yigai.web.urls"
CSRF_FAILURE_VIEW = "yigai.web.errors.csrf_failure"
WSGI_APPLICATION = "yigai.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'yigai.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite as a real default: write-ahead log (readers never block the writer), transactions that take the
    # write lock when they begin (a deferred one that reads first cannot wait for the lock later: SQLite
    # answers "database is locked" at once), and a busy timeout so a writer queues behind another.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("YIGAI_SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Authentication backends, password rules, lockout, session limits, headers: yigai.web.settings.security
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # leaders land on the dashboard, everyone else on the plan list
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR.parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = os.environ.get("YIGAI_STATIC_ROOT") or None  # optional: collectstatic target
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step for `yigai serve`

API_DOCS_REQUIRE_LOGIN = os.environ.get("YIGAI_API_DOCS_LOGIN", "1") != "0"

MAX_UPLOAD_BYTES = int(float(os.environ.get("YIGAI_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# Request bodies (issue 13, finding 5): refused from Content-Length before anything is read, and every file
# part stops streaming at the upload limit (yigai.web.limits); nginx enforces the same cap in front.
MAX_REQUEST_BYTES = int(float(os.environ.get("YIGAI_MAX_REQUEST_MB", "64")) * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "yigai.web.limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
INPUT_LIMITS = Limits(
    max_unzipped_bytes=int(float(os.environ.get("YIGAI_MAX_UNZIPPED_MB", "64")) * 1024 * 1024),
    max_entry_ratio=int(os.environ.get("YIGAI_MAX_ZIP_RATIO", "100")),
    max_rows=int(os.environ.get("YIGAI_MAX_SHEET_ROWS", "50000")),
    max_cells=int(os.environ.get("YIGAI_MAX_SHEET_CELLS", "500000")),
    max_pdf_pages=int(os.environ.get("YIGAI_MAX_PDF_PAGES", "1000")),
)

# Ledger: evidence files and reminder channels (in-app always; e-mail / webhook when configured).
# A parent's indicator value is final (used for target status, projections, the map, scorecards and the
# briefing) when at least this share of the reporters below it have reported; 1 = every one (official).
# (checked at start-up, yigai.E101: a share in (0, 1], e.g. 0.95)
INDICATOR_COMPLETENESS_THRESHOLD = os.environ.get("YIGAI_COMPLETENESS_THRESHOLD", "1")
LEDGER_EVIDENCE_DIR = DATA_DIR / "evidence"
LEDGER_EVIDENCE_MAX_BYTES = int(float(os.environ.get("YIGAI_EVIDENCE_MAX_MB", "20")) * 1024 * 1024)
LEDGER_WEBHOOK_URL = os.environ.get("YIGAI_REMINDER_WEBHOOK_URL", "")
LEDGER_REMINDER_MAX_ATTEMPTS = int(os.environ.get("YIGAI_REMINDER_MAX_ATTEMPTS", "5"))
EMAIL_HOST = os.environ.get("YIGAI_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("YIGAI_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("YIGAI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("YIGAI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("YIGAI_SMTP_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("YIGAI_MAIL_FROM", "yigai@localhost")

# Background jobs (ADR 0005): huey with an SQLite file in the data directory — no server to install — or
# Redis when YIGAI_REDIS_URL is set (production). `yigai serve` / `yigai run` start one worker with them
# unless YIGAI_JOBS_EMBEDDED=0 (then run `yigai manage run_huey` as its own service). YIGAI_JOBS_IMMEDIATE=1
# runs jobs inside the request (tests).
_REDIS_URL = os.environ.get("YIGAI_REDIS_URL", "")
if not _REDIS_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
HUEY = {
    "name": "yigai",
    "immediate": os.environ.get("YIGAI_JOBS_IMMEDIATE", "0") == "1",
    "results": False,
    "consumer": {"workers": int(os.environ.get("YIGAI_JOB_WORKERS", "1")), "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": _REDIS_URL}
        if _REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}
    ),
}
# Jobs one user may have waiting or running at once (a flood from one account would hold the one worker
# for everyone and fill the data directory with input files): YIGAI_JOB_MAX_ACTIVE, default 3.
JOB_MAX_ACTIVE = int(os.environ.get("YIGAI_JOB_MAX_ACTIVE", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIGAI_LOG_LEVEL", "WARNING")},
    # every committed move of the audit chain head, a second copy outside the database (yigai.apps.audit.head):
    # INFO in the web server (wsgi.py/asgi.py turn it on), quiet in command-line output unless asked for
    "loggers": {
        "yigai.audit.chain": {
            "handlers": ["console"],
            "level": os.environ.get("YIGAI_AUDIT_HEAD_LOG", "WARNING"),
            "propagate": False,
        }
    },
}
# The audit chain head's append-only copy outside the database (the key: YIGAI_AUDIT_KEY or keys/audit.key).
AUDIT_HEAD_FILE = Path(os.environ.get("YIGAI_AUDIT_HEAD_FILE", "") or DATA_DIR / "audit" / "chain-head.log")

from yigai.web.settings.security import *  # noqa: E402,F403  # security settings, split by concern (§12)
