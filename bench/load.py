"""Load test (issue 6): 50 simulated users for 10 minutes against the production server on PostgreSQL with
≥10,000 ledger items; prints p50/p95/p99 and the error rate per endpoint and overall. Goal: p95 ≤ 200 ms
and no errors on 2 cores.

    .venv/bin/python bench/load.py                 # 10 minutes, 50 users
    .venv/bin/python bench/load.py --minutes 1     # a quick run

What it does, all on loopback:

1. a PostgreSQL database (``--database``, default ``yigai_load`` on 127.0.0.1:5432) is created if missing
   and given the demo (``yigai demo``); the demo ledgers are topped up to ``--items`` (10,000) items by
   bulk-copying demo items (with milestones and co-units) into the counties of each plan, marked 示例数据;
2. ``yigai ledger refresh`` stores the day's lights (what the nightly job does; its time is printed), and
   API tokens come from ``yigai token`` for the bearer-token users;
3. ``yigai serve`` runs with ``YIGAI_ENV=production`` (gunicorn, ``--workers`` workers, dummy secrets from
   this script; HTTPS redirect and secure cookies off because the test speaks plain HTTP on 127.0.0.1; the
   API/login rate limits raised, as a load test from one address would otherwise be throttled);
4. ``--users`` threads log in as demo users of every non-administrator role (the administrators need a
   second factor) and loop over the ledger list, warning board, item pages, dashboard, plan pages and the
   API with a think time of ``--think`` seconds (uniform between half and one and a half times it), like
   Locust's ``between``; each stops by itself at the deadline;
5. writes: the reporters' API clients submit a progress report (read the item for its ETag, then
   ``POST …/reports`` with ``If-Match``; one retry on 412, as a client would) in ``--report-share`` of their
   steps, so every cached page is invalidated as often as reports arrive (a month-end 报送 rush).

Every user also opens a **trivial page** (``GET /login/`` without a session: the same gunicorn workers,
middleware, session and template stack, no ledger query) as often as any other page, and every endpoint's
p95 is printed as a multiple of that page's p95 in the same run (``× trivial``): a figure that compares
across machines and loads, where the milliseconds do not.

Nothing is asserted: it prints figures (``docs/benchmarks.md`` keeps them).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HOST = "127.0.0.1"  # loopback only
PG = f"postgres://postgres@{HOST}:5432"
PASSWORD = "yigai2026"  # the printed 示例 password of the demo accounts  # nosec B105
# (username, what it mostly does): every role but the three administrators (second factor)
PEOPLE = [
    ("owner", "html"), ("owner_bd", "html"), ("reviewer", "html"), ("leader", "html"),
    ("reviewer_lf", "html"), ("reporter_lf", "html"), ("reporter_ga", "html"), ("reporter_rc", "html"),
    ("owner", "api"), ("reviewer_lf", "api"), ("reporter_lf", "api"),
]  # fmt: skip


def yigai(*args: str, env: dict[str, str], **kw: Any) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from yigai.cli import main; main()", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, **kw)  # nosec B603


# ---- 1. data ------------------------------------------------------------------------------------------


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def top_up_items(target: int) -> int:
    """Copy demo items into counties of their plan's area until the ledgers hold ``target`` items."""
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Max

    from yigai.apps.ledger.models import Ledger, LedgerItem, Milestone
    from yigai.apps.orgunits.models import OrgUnit

    have = LedgerItem.objects.count()
    if have >= target:
        return have
    templates = list(LedgerItem.objects.filter(is_demo=True, parent__isnull=True).select_related("ledger__plan__org_unit")
                     .prefetch_related("milestones", "co_units"))  # fmt: skip
    counties = {p: list(OrgUnit.objects.filter(path__startswith=p, level="county").order_by("code"))
                for p in {t.ledger.plan.org_unit.path for t in templates}}  # fmt: skip
    numbers = {lg.pk: lg.next_number for lg in Ledger.objects.all()}
    rng = random.Random(6)  # nosec B311  # seeded demo data
    made, m_rows, links = [], [], []
    i = 0
    with transaction.atomic():
        while have + len(made) < target:
            t = templates[i % len(templates)]
            places = counties[t.ledger.plan.org_unit.path] or [t.org_unit]
            n = numbers[t.ledger_id]
            numbers[t.ledger_id] += 1
            copy = LedgerItem(
                ledger_id=t.ledger_id, code=f"L{t.ledger.plan_id}-{n:05d}", section_id=t.section_id,
                title=t.title, text=t.text, lead_unit_id=t.lead_unit_id, org_unit=places[i % len(places)],
                start=t.start, deadline=t.deadline, status=rng.choice(["not_started", "in_progress", "in_progress"]),
                progress=rng.choice([None, 20, 40, 60]), order=t.order + 1000 + i, is_demo=True,
            )  # fmt: skip
            made.append((copy, t))
            i += 1
        LedgerItem.objects.bulk_create([c for c, _ in made], batch_size=1000)
        for copy, t in made:
            m_rows += [Milestone(item=copy, name=m.name, due=m.due, expected_progress=m.expected_progress,
                                 clamped=m.clamped) for m in t.milestones.all()]  # fmt: skip
            links += [
                LedgerItem.co_units.through(ledgeritem_id=copy.pk, unit_id=u.pk) for u in t.co_units.all()
            ]
        Milestone.objects.bulk_create(m_rows, batch_size=2000)
        LedgerItem.co_units.through.objects.bulk_create(links, batch_size=2000)
        for ledger_id, n in numbers.items():
            Ledger.objects.filter(pk=ledger_id, next_number__lt=n).update(next_number=n)
    assert LedgerItem.objects.aggregate(m=Max("pk"))["m"]
    return LedgerItem.objects.count()


def vacuum_analyze(*, full: bool = False) -> None:
    """What autovacuum does some minutes after a bulk write: planner statistics and the visibility map.
    Without them the planner takes the 10,000 copied items for a few dozen (measured: nested loops where a
    hash join belongs, no index-only scans). ``full`` compacts the tables first: every run of this script
    rewrites each item at least twice (the refresh, the reports), and a database reused for many runs
    had grown to 11 times its live rows (74 MB of heap for 6.5 MB of items), which no real deployment
    with autovacuum reaches."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM (FULL, ANALYZE)" if full else "VACUUM ANALYZE")


# ---- 2. the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    server_env = {
        **env, "YIGAI_ENV": "production", "YIGAI_SECRET_KEY": secrets.token_urlsafe(64),
        "YIGAI_ALLOWED_HOSTS": HOST, "YIGAI_SSL_REDIRECT": "0", "YIGAI_INSECURE_COOKIES": "1",
        "YIGAI_WORKERS": str(workers), "YIGAI_API_RATE": "1000000/60", "YIGAI_LOGIN_RATE": "100000/300",
        "YIGAI_LOG_LEVEL": "ERROR",
    }  # fmt: skip
    cmd = [
        sys.executable,
        "-c",
        "from yigai.cli import main; main()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, env=server_env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # nosec B603
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:  # a loaded machine may take longer than a moment to answer the first request
            if requests.get(f"http://{HOST}:{port}/login/", timeout=10).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"server did not start; see {log}")


# ---- 3. the users --------------------------------------------------------------------------------------


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)
    slow: list[tuple[float, float, str]] = field(default_factory=list)  # (start in the run, seconds, name)
    steady: list[float] = field(default_factory=list)  # requests that started after the first minute
    steady_trivial: list[float] = field(default_factory=list)  # the trivial page's, after the first minute
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[name].append(seconds)
            at = time.monotonic() - self.started - seconds
            if seconds > SLOW:
                self.slow.append((at, seconds, name))
            if at >= 60 and not name.startswith("POST /login"):
                self.steady.append(seconds)
                if name == TRIVIAL:
                    self.steady_trivial.append(seconds)
            if error:
                self.errors[name] += 1
                self.samples.setdefault(name, error)


@dataclass
class Site:
    base: str
    plans: dict[str, list[int]]  # per user: the plans whose ledger it sees
    plan_pages: dict[str, list[int]]  # per user: the plans whose page it may open
    items: dict[str, list[str]]  # per user: a sample of the item codes it may open
    open_items: dict[str, list[str]]  # per reporter: a sample of open items it may report on
    report_share: float
    dashboard: bool
    tokens: dict[str, str]


class User(threading.Thread):
    def __init__(self, n: int, username: str, kind: str, site: Site, stats: Stats, until: float,
                 think: float) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.username, self.kind, self.site, self.stats, self.until, self.think = (
            username,
            kind,
            site,
            stats,
            until,
            think,
        )
        self.rng = random.Random(n)  # nosec B311  # request mix, not security
        self.http = requests.Session()
        self.anonymous = requests.Session()  # for the trivial page
        self.geometry_seen: set[str] = set()

    def trivial(self) -> None:
        """The yardstick: the login page, anonymous (same server stack, no ledger or plan query)."""
        self.get(TRIVIAL, "/login/", session=self.anonymous)

    def get(
        self, name: str, path: str, session: requests.Session | None = None, **params: Any
    ) -> requests.Response | None:
        start = time.perf_counter()
        error = None
        response = None
        try:
            http = session or self.http
            response = http.get(self.site.base + path, params=params, timeout=60, allow_redirects=False)
            if response.status_code >= 400 or (self.kind == "html" and response.status_code >= 300):
                error = f"{response.status_code} {path}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__} {path}"
        self.stats.record(name, time.perf_counter() - start, error)
        return response

    def login(self) -> None:
        start = time.perf_counter()
        page = self.http.get(self.site.base + "/login/", timeout=60)
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        done = self.http.post(self.site.base + "/login/", timeout=60, allow_redirects=False,
                              data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token})  # fmt: skip
        error = None if done.status_code == 302 else f"login {done.status_code}"
        self.stats.record("POST /login/", time.perf_counter() - start, error)

    def step(self) -> None:
        s, r = self.site, self.rng
        plan, code = r.choice(s.plans[self.username]), r.choice(s.items[self.username])
        if self.kind == "api" and s.open_items.get(self.username) and r.random() < s.report_share:
            self.report(r.choice(s.open_items[self.username]))
            return
        if self.kind == "api":
            r.choice([
                lambda: self.get("API ledger items", "/api/ledger/items", plan=plan, limit=50, offset=r.randrange(0, 200)),
                lambda: self.get("API warnings", "/api/ledger/warnings", plan=plan),
                lambda: self.get("API plans", "/api/plans"),
                lambda: self.get("API tasks", "/api/tasks", limit=50),
                lambda: self.get("API item", f"/api/ledger/items/{code}"),
                self.trivial,
            ])()  # fmt: skip
            return
        pages = [
            lambda: self.get("ledger index", "/ledger/"),
            lambda: self.get("ledger list", f"/ledger/plan/{plan}/", page=r.randrange(1, 5)),
            lambda: self.get("warning board", f"/ledger/plan/{plan}/board/"),
            lambda: self.get("item page", f"/ledger/items/{code}/"),
            lambda: self.get("plan list", "/plans/"),
            lambda: self.get("plan page", f"/plans/{r.choice(s.plan_pages[self.username])}/"),
            self.trivial,
        ]
        if s.dashboard:
            pages.append(self.dashboard)
        r.choice(pages)()

    def dashboard(self) -> None:
        """What a browser does: the page, then its map's data (every view) and boundaries (first view only:
        the answer may be cached for an hour)."""
        page = self.get("dashboard", "/dashboard/")
        found = (
            re.search(r'"scope": "(\d+)"', page.text)
            if page is not None and page.status_code == 200
            else None
        )
        if found is None:
            return
        scope = found.group(1)
        self.get("map data", "/dashboard/map-data/", org=scope, mode="warning")
        if scope not in self.geometry_seen:
            self.geometry_seen.add(scope)
            self.get("map geometry", "/dashboard/geometry/", org=scope)

    def report(self, code: str) -> None:
        """报送进展 through the API: the item's ETag, then the report with If-Match (one retry on 412)."""
        for _attempt in range(2):
            got = self.get("API item", f"/api/ledger/items/{code}")
            if got is None or got.status_code != 200:
                return
            start, error = time.perf_counter(), None
            try:
                done = self.http.post(
                    f"{self.site.base}/api/ledger/items/{code}/reports", timeout=60,
                    data={"text": "本月按计划推进（负载测试）", "percent": str(self.rng.randrange(10, 90))},
                    headers={"If-Match": got.headers.get("ETag", "")},
                )  # fmt: skip
                if done.status_code == 412:
                    self.stats.record("API report (412, retried)", time.perf_counter() - start, None)
                    continue
                error = None if done.status_code == 200 else f"{done.status_code} report {code}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__} report {code}"
            self.stats.record("API report", time.perf_counter() - start, error)
            return

    def run(self) -> None:
        if self.kind == "api":
            self.http.headers["Authorization"] = f"Bearer {self.site.tokens[self.username]}"
        else:
            self.login()
        while time.monotonic() < self.until:
            self.step()
            time.sleep(self.rng.uniform(0.5 * self.think, 1.5 * self.think))


# ---- 4. figures -----------------------------------------------------------------------------------------


SLOW = 0.5  # seconds: requests slower than this are listed by the minute they started in
TRIVIAL = "trivial page"  # the yardstick every endpoint's p95 is divided by


def slow_by_minute(stats: Stats) -> str:
    """When the slow requests happened: a burst at the start (50 logins' argon2 hashes, cold caches) reads
    differently from spikes spread over the run."""
    minutes = defaultdict(int)
    for at, _seconds, _name in stats.slow:
        minutes[int(max(at, 0) // 60)] += 1
    cells = ", ".join(f"min {m + 1}: {n}" for m, n in sorted(minutes.items())) or "none"
    return f"requests over {SLOW * 1000:.0f} ms by the minute they started in: {cells}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def report(stats: Stats, seconds: float) -> str:
    rows = [
        f"{'endpoint':<26}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        f"{'× trivial':>11}"
    ]
    base = pct(stats.times[TRIVIAL], 95) if stats.times.get(TRIVIAL) else None

    def times(t: list[float]) -> str:
        ratio = f"{pct(t, 95) / base:>10.1f}×" if base else f"{'—':>11}"
        return f"{pct(t, 50):>9.0f}{pct(t, 95):>9.0f}{pct(t, 99):>9.0f}{max(t) * 1000:>9.0f}", ratio

    everything: list[float] = []
    for name in sorted(stats.times):
        t = stats.times[name]
        everything += t
        ms, ratio = times(t)
        rows.append(f"{name:<26}{len(t):>9}{ms}{stats.errors[name] / len(t):>7.1%}{ratio}")
    n_err = sum(stats.errors.values())
    ms, ratio = times(everything)
    rows.append(f"{'ALL':<26}{len(everything):>9}{ms}{n_err / len(everything):>7.1%}{ratio}")
    rows.append(
        f"throughput {len(everything) / seconds:.1f} requests/s; mean {statistics.mean(everything) * 1000:.0f} ms"
    )
    rows += [f"first error of {k}: {v}" for k, v in stats.samples.items()]
    if stats.steady:
        s = stats.steady
        rows.append(f"after the first minute (ramp-up: 50 logins, cold caches): {len(s)} requests, p50 "
                    f"{pct(s, 50):.0f} ms, p95 {pct(s, 95):.0f} ms, p99 {pct(s, 99):.0f} ms, max {max(s) * 1000:.0f} ms"
                    + (f"; p95 {pct(s, 95) / pct(stats.steady_trivial, 95):.1f}× the trivial page's "
                       f"({pct(stats.steady_trivial, 95):.0f} ms) in the same minutes" if stats.steady_trivial else ""))  # fmt: skip
    if base:
        rows.append(f"trivial page (GET /login/, anonymous): p95 {base:.0f} ms — the unit of the × column")
    rows.append(slow_by_minute(stats))
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers (2–4 on 2 cores)")
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds between one user's requests")
    ap.add_argument(
        "--report-share",
        type=float,
        default=0.2,
        help="share of the reporters' API steps that submit a progress report (0 = read only)",
    )
    ap.add_argument("--database", default="yigai_load")
    ap.add_argument("--data-dir", default="var/load")
    args = ap.parse_args()

    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("YIGAI_ENV",)}
    env |= {"DATABASE_URL": f"{PG}/{args.database}", "YIGAI_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "yigai.web.settings"}  # fmt: skip
    ensure_database(args.database)
    print(f"database {args.database}: demo …", flush=True)
    yigai("demo", env=env, timeout=900)
    os.environ.update(env)
    n_items = top_up_items(args.items)
    vacuum_analyze(full=True)  # a reused database: drop what earlier runs' refreshes and reports left
    t0 = time.monotonic()  # the nightly job (yigai ledger refresh): the day's lights, stored on the items
    yigai("ledger", "refresh", env=env, timeout=900)
    print(f"yigai ledger refresh: {n_items} items in {time.monotonic() - t0:.1f} s", flush=True)
    vacuum_analyze()  # what autovacuum does after the nightly refresh rewrote every item
    from yigai.apps.accounts.models import User as Account
    from yigai.apps.ledger.board import ledger_plans
    from yigai.apps.ledger.selectors import item_list
    from yigai.apps.plans.selectors import plan_list

    plans, plan_pages, items, open_items = {}, {}, {}, {}
    for username in {u for u, _kind in PEOPLE}:  # what each user may open: no 404s by construction
        account = Account.objects.get(username=username)
        plans[username] = [p.pk for p in ledger_plans(user=account)]
        items[username] = list(item_list(user=account).order_by("?").values_list("code", flat=True)[:300])
        plan_pages[username] = list(plan_list(user=account).values_list("pk", flat=True))
        if account.role == "unit_reporter":
            mine = item_list(user=account).filter(status__in=["not_started", "in_progress"])
            open_items[username] = list(mine.order_by("?").values_list("code", flat=True)[:300])
    people = [(u, kind) for u, kind in PEOPLE if plans[u] and items[u] and plan_pages[u]]
    for u in sorted({u for u, _k in PEOPLE} - {u for u, _k in people}):
        print(f"note: {u} sees no ledger item in this data; left out of the rotation", flush=True)
    tokens = {u: yigai("token", u, "--name", "load test", env=env).stdout.strip().splitlines()[-1]
              for u in {u for u, kind in people if kind == "api"}}  # fmt: skip
    print(
        f"{n_items} ledger items; starting gunicorn ({args.workers} workers)",
        flush=True,
    )
    port = free_port()
    server = start_server(env, port, args.workers, data_dir / "server.log")
    try:
        base = f"http://{HOST}:{port}"
        dashboard = requests.get(base + "/dashboard/", timeout=10, allow_redirects=False).status_code != 404
        site = Site(base, plans, plan_pages, items, open_items, args.report_share, dashboard, tokens)
        stats = Stats()
        until = time.monotonic() + args.minutes * 60
        users = [User(n, *people[n % len(people)], site, stats, until, args.think) for n in range(args.users)]
        started = stats.started = time.monotonic()
        for u in users:  # ramp up over 10 seconds
            u.start()
            time.sleep(10 / args.users)
        for u in users:
            u.join(timeout=args.minutes * 60 + 120)
        elapsed = time.monotonic() - started
        print(f"\n{args.users} users, {args.minutes:g} min, think {args.think:g} s, {args.workers} gunicorn workers, "
              f"{n_items} items, report share {args.report_share:g}, {os.cpu_count()} cores\n")  # fmt: skip
        print(report(stats, elapsed))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
