"""Security settings for every environment (等保2.0 level 3, OWASP ASVS L2); production adds HTTPS-only ones.

Variables (all optional):
- ``YIGAI_PASSWORD_MIN_LENGTH`` (8), ``YIGAI_PASSWORD_MAX_AGE_DAYS`` (90; 0 = never expires — see ADR 0003);
- ``YIGAI_PASSWORD_HISTORY`` (5: a new password may not equal any of the last five; 0 = no check);
- ``YIGAI_DORMANT_DAYS`` (90: accounts unused this long are disabled at login or by
  ``yigai user disable-dormant``; 0 = never);
- ``YIGAI_LOGIN_FAILURE_LIMIT`` (5) and ``YIGAI_LOCKOUT_MINUTES`` (15);
- ``YIGAI_SESSION_IDLE_MINUTES`` (30) and ``YIGAI_SESSION_MAX_HOURS`` (8);
- ``YIGAI_API_RATE`` (``120/60``: requests per seconds, per token or address), ``YIGAI_LOGIN_RATE``
  (``20/300``: login posts per address and account) and ``YIGAI_LOGIN_ADDRESS_RATE`` (``200/300``: login
  posts per address, whatever the account);
- ``YIGAI_TRUSTED_PROXIES`` (empty: addresses or networks of the reverse proxies in front of yigai,
  comma-separated; ``X-Forwarded-For`` is believed only from these — :mod:`yigai.apps.accounts.addresses`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Passwords: argon2 first (older hashes are upgraded at the next login), complexity per 等保 8.1.4.1a.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_MIN_LENGTH = _int("YIGAI_PASSWORD_MIN_LENGTH", 8)
PASSWORD_MAX_AGE_DAYS = _int("YIGAI_PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_HISTORY = _int("YIGAI_PASSWORD_HISTORY", 5)  # read by PasswordHistoryValidator at each check
DORMANT_DAYS = _int("YIGAI_DORMANT_DAYS", 90)  # yigai.apps.accounts.selectors.user_is_dormant
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "yigai.apps.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {"NAME": "yigai.apps.accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yigai.apps.accounts.validators.PasswordHistoryValidator"},
]

# Login: django-axes locks a username from one address after 5 failures, for 15 minutes; the login rate
# limit below caps guessing from one address across usernames (ASVS 6.1.1: no deliberate lockouts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yigai.apps.accounts.backends.AccountBackend",
]
AXES_FAILURE_LIMIT = _int("YIGAI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_int("YIGAI_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yigai.apps.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "yigai.apps.accounts.addresses.client_address"

# Sessions: 30 minutes idle, 8 hours at most (yigai.web.security.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = _int("YIGAI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = _int("YIGAI_SESSION_MAX_HOURS", 8) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Second factor (TOTP, django-otp) for the three administrator roles.
OTP_TOTP_ISSUER = "yigai 医改工作平台"
OTP_TOTP_THROTTLE_FACTOR = 1

# Headers on every response (production adds HSTS and secure cookies).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts anywhere: scripts only from our own static files. Inline *style attributes* are still
# allowed (they cannot run code). The API docs use django-ninja's packaged Swagger UI ("ninja" app).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# Rate limits: "count/seconds" per API token (or address); login posts per address and account (an office
# behind one NAT does not share one bucket), and a wider cap per address across accounts.
API_RATE_LIMIT = os.environ.get("YIGAI_API_RATE", "120/60")
LOGIN_RATE_LIMIT = os.environ.get("YIGAI_LOGIN_RATE", "20/300")
LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("YIGAI_LOGIN_ADDRESS_RATE", "200/300")
# The reverse proxies whose X-Forwarded-For is believed (yigai.apps.accounts.addresses).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("YIGAI_TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"YIGAI_TRUSTED_PROXIES 中的 {_proxy!r} 不是 IP 地址或网段（例：10.0.0.1,192.168.5.0/24）"
        ) from None
