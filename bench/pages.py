"""One request at a time: the cost of each page and API call of the load mix (bench/load.py), in process.

    .venv/bin/python bench/pages.py                      # every endpoint, each user, 10 times
    .venv/bin/python bench/pages.py --only dashboard --profile   # where one endpoint's time goes
    .venv/bin/python bench/pages.py --cold --data-dir var --users leader   # first request after start, demo

``--cold``: each endpoint's *first* request in a process of its own (as after a server start: nothing
imported lazily yet, templates not compiled, the cache empty and cleared), one request per endpoint and
user; ``--data-dir`` runs on a demo's SQLite data directory (``yigai demo``) with ``make run``'s settings
instead of the load database.

Runs against the database ``bench/load.py`` builds (``--database``, default ``yigai_load`` on
127.0.0.1:5432; run the load script once first) with the production settings (DEBUG off), through the
whole middleware stack (Django's test client, a logged-in session or a bearer token). Prints the median
and the best wall time per request, the CPU time, and the number of SQL queries; ``--profile`` adds a
pyinstrument profile of the chosen endpoint. Nothing is asserted: the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from django.db.models import F

HOST = "127.0.0.1"
USERS = ("owner", "owner_bd", "leader", "reviewer_lf", "reporter_lf")


def setup(database: str, data_dir: str = "") -> None:
    if data_dir:  # a demo (yigai demo / make run): its SQLite file and make run's settings (DEBUG off)
        os.environ.update({
            "YIGAI_DATA_DIR": data_dir, "YIGAI_ALLOWED_HOSTS": "testserver", "YIGAI_API_RATE": "1000000/60",
            "YIGAI_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "yigai.web.settings",
        })  # fmt: skip
        os.environ.pop("DATABASE_URL", None)
        import django

        django.setup()
        return
    os.environ.update({
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}", "YIGAI_ENV": "production",
        "YIGAI_SECRET_KEY": secrets.token_urlsafe(64), "YIGAI_ALLOWED_HOSTS": "testserver",
        "YIGAI_SSL_REDIRECT": "0", "YIGAI_INSECURE_COOKIES": "1", "YIGAI_API_RATE": "1000000/60",
        "YIGAI_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "yigai.web.settings",
        # production never creates integrity keys itself: a throwaway audit key for the logins this bench makes
        "YIGAI_AUDIT_KEY": os.environ.get("YIGAI_AUDIT_KEY") or secrets.token_urlsafe(48),
    })  # fmt: skip
    import django

    django.setup()


def endpoints(username: str) -> dict[str, tuple[str, dict[str, Any], bool]]:
    """name → (path, query, is_api) for what ``username`` may open (the load test's mix)."""
    from yigai.apps.accounts.models import User
    from yigai.apps.ledger.board import ledger_plans
    from yigai.apps.ledger.selectors import item_list
    from yigai.apps.plans.selectors import plan_list

    user = User.objects.get(username=username)
    plan = next((p.pk for p in reversed(ledger_plans(user=user))), None)
    code = item_list(user=user).values_list("code", flat=True).first()
    page = plan_list(user=user).values_list("pk", flat=True).last()
    if plan is None or code is None:
        return {}
    return {
        "ledger index": ("/ledger/", {}, False),
        "ledger list": (f"/ledger/plan/{plan}/", {"page": 2}, False),
        "warning board": (f"/ledger/plan/{plan}/board/", {}, False),
        "item page": (f"/ledger/items/{code}/", {}, False),
        "plan list": ("/plans/", {}, False),
        "plan page": (f"/plans/{page}/", {}, False),
        "dashboard": ("/dashboard/", {}, False),
        "map data": ("/dashboard/map-data/", {"org": user.org_unit.code, "mode": "warning"}, False),
        "API ledger items": ("/api/ledger/items", {"plan": plan, "limit": 50, "offset": 100}, True),
        "API warnings": ("/api/ledger/warnings", {"plan": plan}, True),
        "API plans": ("/api/plans", {}, True),
        "API tasks": ("/api/tasks", {"limit": 50}, True),
        "API item": (f"/api/ledger/items/{code}", {}, True),
    }


def client_for(username: str, api: bool) -> Any:
    from django.test import Client

    from yigai.apps.accounts.models import User

    user = User.objects.get(username=username)
    if api:
        from yigai.apps.accounts.services import api_token_create

        token = api_token_create(user=user, name="bench pages")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    c = Client()
    c.force_login(user)
    return c


def ledger_write() -> None:
    """What any write to the ledger does to the cache: its generation moves (a no-op update of one item
    fires the trigger), so every page that shows ledger data is rebuilt on its next request."""
    from yigai.apps.ledger.models import LedgerItem

    LedgerItem.objects.filter(pk=LedgerItem.objects.order_by("pk").values("pk")[:1]).update(order=F("order"))


def measure(
    call: Callable[[], Any], n: int, before: Callable[[], None] | None = None
) -> tuple[list[float], list[float], int]:
    from django.db import connection, reset_queries

    walls, cpus = [], []
    queries = 0
    for _ in range(n):
        if before is not None:
            before()
        reset_queries()
        w, c = time.perf_counter(), time.process_time()
        response = call()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        queries = len(connection.queries)
        if response.status_code >= 300:
            raise SystemExit(f"status {response.status_code}")
    return walls, cpus, queries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", default="yigai_load")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--only", default="", help="one endpoint name (as printed)")
    ap.add_argument("--users", default=",".join(USERS))
    ap.add_argument("--profile", action="store_true", help="pyinstrument profile of --only")
    ap.add_argument(
        "--no-cache",
        action="store_true",
        help="no cache at all: every request builds everything it shows, indicator status too",
    )
    ap.add_argument(
        "--cold",
        action="store_true",
        help="the first request after a server start: one request per endpoint, each in a new process",
    )
    ap.add_argument("--data-dir", default="", help="a demo's data directory (SQLite) instead of --database")
    ap.add_argument("--one", default="", help=argparse.SUPPRESS)  # user/endpoint: a --cold child
    ap.add_argument(
        "--after-write",
        action="store_true",
        help="a ledger write before each request: what the first reader after a progress report pays",
    )
    args = ap.parse_args()
    if args.cold and not args.one:
        cold(args)
        return
    setup(args.database, args.data_dir)
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    if args.one:
        first_request(*args.one.split("/", 1))
        return
    if args.no_cache:
        from django.test.utils import override_settings

        override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        ).enable()
    connection.force_debug_cursor = True  # count queries with DEBUG off
    print(f"{'endpoint':<18}{'user':<13}{'median ms':>10}{'best ms':>9}{'cpu ms':>8}{'queries':>8}")
    medians: list[float] = []
    for username in args.users.split(","):
        clients: dict[bool, Any] = {}
        for name, (path, query, api) in endpoints(username).items():
            if args.only and name != args.only:
                continue
            client = clients.get(api) or clients.setdefault(api, client_for(username, api))

            def call(client: Any = client, path: str = path, query: dict[str, Any] = query) -> Any:
                return client.get(path, query)

            call()  # warm: imports, caches
            walls, cpus, queries = measure(call, args.repeat, ledger_write if args.after_write else None)
            med = statistics.median(walls) * 1000
            medians.append(med)
            print(f"{name:<18}{username:<13}{med:>10.1f}{min(walls) * 1000:>9.1f}"
                  f"{statistics.median(cpus) * 1000:>8.1f}{queries:>8}", flush=True)  # fmt: skip
            if args.profile:
                from pyinstrument import Profiler

                with Profiler(interval=0.0005) as p:
                    for _ in range(args.repeat):
                        call()
                p.print(file=sys.stdout, show_all=False)
    if medians:
        print(f"mean of medians: {statistics.mean(medians):.1f} ms over {len(medians)} endpoint×user pairs")


def first_request(username: str, name: str) -> None:
    """In a fresh process: log in, clear the cache, time the endpoint's first request; one JSON line."""
    import json

    from django.core.cache import cache
    from django.db import connection, reset_queries

    import yigai.web.wsgi  # noqa: F401  # what a server does at its start (the WSGI application, URL patterns)

    connection.force_debug_cursor = True  # count queries with DEBUG off
    path, query, api = endpoints(username)[name]
    client = client_for(username, api)
    cache.clear()
    reset_queries()
    w, c = time.perf_counter(), time.process_time()
    response = client.get(path, query)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    print(
        json.dumps(
            {"status": response.status_code, "wall": wall, "cpu": cpu, "queries": len(connection.queries)}
        )
    )


def cold(args: argparse.Namespace) -> None:
    """One new process per endpoint and user (see ``first_request``); prints the same columns."""
    import json
    import subprocess

    setup(args.database, args.data_dir)
    base = [sys.executable, __file__, "--cold", "--database", args.database, "--data-dir", args.data_dir]
    print(f"{'endpoint':<18}{'user':<13}{'first ms':>10}{'cpu ms':>9}{'queries':>8}")
    walls = []
    for username in args.users.split(","):
        for name in endpoints(username):
            if args.only and name != args.only:
                continue
            out = subprocess.run(
                [*base, "--one", f"{username}/{name}"], capture_output=True, text=True, check=True
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            if r["status"] >= 300:
                raise SystemExit(f"{name} {username}: status {r['status']}")
            walls.append(r["wall"] * 1000)
            print(f"{name:<18}{username:<13}{r['wall'] * 1000:>10.1f}{r['cpu'] * 1000:>9.1f}{r['queries']:>8}", flush=True)  # fmt: skip
    if walls:
        print(
            f"slowest first request: {max(walls):.0f} ms; mean {statistics.mean(walls):.0f} ms over {len(walls)}"
        )


if __name__ == "__main__":
    main()
