"""Issue 13, finding 3, re-run against the shipped production setup: three reporters each upload a
200,000-row × 14-column .xlsx (≈0.5 MB) to /ledger/import/ at once, through deploy/nginx/yigai.conf in front
of ``yigai serve`` (3 workers, the embedded job worker), while another user logs in and opens a page.

The uploads answer at once with their job pages (the reading is a background job, ADR 0005), the other
user is served, and each job ends as 失败 with the row limit and the file's name (the limits are raised
here so that the files pass the upload's quick checks and reach the job; with the shipped limits they are
refused by the expansion check in the request itself — ``YIGAI_MAX_UNZIPPED_MB``). No time is asserted:
the figures (worker RSS, login latency) are printed for docs/guide/deploy.md (run with ``-s``).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_front_server import _app_env, _free_port, _nginx, _nginx_conf, _running, _tls

pytestmark = pytest.mark.slow
ROWS, COLS, ATTACKERS = 200_000, 14, 3
PASSWORD = "heavy-imports-2026"
REFERER = "https://127.0.0.1/"  # nginx passes Host without the port (443 in production): CSRF compares them


def _wide_xlsx(rows: int, cols: int) -> bytes:
    import io

    from openpyxl import Workbook

    from yigai.apps.ledger.excel_layout import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工作台账")
    ws.append(list(HEADERS)[:cols])
    for r in range(rows):
        ws.append([r % 10 * cols + c for c in range(cols)])  # compresses like the probe's 459 KB file
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A cookie-keeping HTTPS client that does not follow redirects (so a 302 is seen as such)."""

    def __init__(self, base: str) -> None:
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=_tls()),
            _NoRedirect,
        )

    def send(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": REFERER, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode("utf-8", "replace"),
                )
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8", "replace")

    def csrf(self, path: str) -> str:
        page = self.send(path)[2]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]  # type: ignore[index]

    def login(self, username: str) -> int:
        token = self.csrf("/login/")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        return self.send("/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def upload(self, name: str, data: bytes) -> tuple[int, str, str]:
        token, boundary = self.csrf("/ledger/import/"), "----yigai-heavy"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.send(
            "/ledger/import/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def _rss_mb(root: int) -> dict[int, float]:
    """Resident memory of ``root``'s process tree (gunicorn master, workers, job worker, job children)."""
    found: dict[int, float] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        pid = int(status.parent.name)
        ppid = int(re.search(r"PPid:\s+(\d+)", text)[1])  # type: ignore[index]
        rss = re.search(r"VmRSS:\s+(\d+)", text)
        found[pid] = (ppid, int(rss[1]) / 1024 if rss else 0.0)  # type: ignore[assignment]
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        tree[pid] = found[pid][1] if pid in found else 0.0  # type: ignore[index]
        todo += [p for p, (pp, _r) in found.items() if pp == pid]  # type: ignore[misc]
    return tree


def _accounts(env: dict[str, str], names: list[str]) -> None:
    script = (
        "from yigai.cli.platform import _ready; _ready()\n"
        "from yigai.apps.accounts.services import user_upsert\n"
        "from yigai.apps.orgunits.models import OrgUnit\n"
        "from yigai.apps.units.services import unit_ensure\n"
        f"for name in {names!r}:\n"
        f"    user_upsert(username=name, password={PASSWORD!r}, role='unit_reporter',\n"
        "                org_unit=OrgUnit.objects.get(code='130600'), unit=unit_ensure(name='市卫生健康委'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]


def test_heavy_imports_are_jobs_and_another_user_is_served(tmp_path: Path) -> None:
    nginx = _nginx()
    env = _app_env(tmp_path) | {
        "YIGAI_MAX_UNZIPPED_MB": "512", "YIGAI_LOG_LEVEL": "WARNING",
        "YIGAI_AUDIT_KEY": secrets.token_urlsafe(48),  # logins are audited
    }  # fmt: skip
    attackers = [f"heavy{i}" for i in range(ATTACKERS)]
    _accounts(env, [*attackers, "bystander"])
    data = _wide_xlsx(ROWS, COLS)
    app_port, front = _free_port(), _free_port()
    serve = [sys.executable, "-c", "from yigai.cli import main; main()", "serve", "--port", str(app_port)]
    with _running(serve, env, app_port, tmp_path / "serve.log") as server:
        conf = _nginx_conf(tmp_path, front, app_port)
        if os.geteuid() == 0:  # workers would run as nobody, who cannot enter pytest's 0700 tmp_path to
            conf.write_text("user root;\n" + conf.read_text())  # buffer these (finished) bodies
        subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], check=True, capture_output=True)
        with _running(
            [nginx, "-p", str(tmp_path), "-c", str(conf)], os.environ.copy(), front, tmp_path / "nginx.log"
        ):
            base = f"https://127.0.0.1:{front}"
            browsers = [Browser(base) for _ in attackers]
            assert [b.login(name) for b, name in zip(browsers, attackers, strict=True)] == [302] * ATTACKERS
            answers: list[tuple[int, str, str]] = [(0, "", "")] * ATTACKERS

            def attack(i: int) -> None:
                answers[i] = browsers[i].upload(f"台账{i}.xlsx", data)

            threads = [threading.Thread(target=attack, args=(i,)) for i in range(ATTACKERS)]
            peak, sampling = {"rss": 0.0, "worst": 0.0}, threading.Event()

            def sample() -> None:
                while not sampling.is_set():
                    tree = _rss_mb(server.pid)
                    peak["rss"] = max(peak["rss"], sum(tree.values()))
                    peak["worst"] = max(peak["worst"], max(tree.values(), default=0.0))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            for t in threads:
                t.start()
            latencies: list[float] = []
            served: list[tuple[int, int]] = []
            other = Browser(base)

            def bystander() -> None:  # logs in (once: the login limit), then opens the ledger index
                started = time.monotonic()
                status = other.login("bystander") if not served else 302
                served.append((status, other.send("/ledger/")[0]))
                latencies.append(time.monotonic() - started)

            while any(t.is_alive() for t in threads) or not served:
                bystander()
            for t in threads:
                t.join(120)
            jobs = [re.fullmatch(r"/jobs/(\d+)/", location) for _status, location, _page in answers]
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:  # the jobs run one after another; the bystander goes on
                bystander()
                pages = [
                    b.send(f"/jobs/{m[1]}/")[2] if m else "" for b, m in zip(browsers, jobs, strict=True)
                ]
                if all("job-failed" in p or "job-done" in p for p in pages) or not all(jobs):
                    break
                time.sleep(1)
            sampling.set()
    print(
        f"\nheavy imports: {ATTACKERS} × {ROWS}×{COLS} .xlsx ({len(data) / 1024:.0f} KB each); answers "
        f"{[(s, loc) for s, loc, _ in answers]}; bystander (login, then the ledger index): {len(latencies)} rounds, "
        f"median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
        f"server tree RSS peak {peak['rss']:.0f} MB, largest process {peak['worst']:.0f} MB"
    )
    assert [s for s, _loc, _page in answers] == [302] * ATTACKERS, [a[2][:300] for a in answers]
    assert all(jobs), answers
    assert set(served) == {(302, 200)}, served  # the bystander logged in and was served every time
    for i, page in enumerate(pages):
        assert (
            "job-failed" in page
            and f"台账{i}.xlsx" in page
            and "超过 500000 个单元格（行 × 列）的上限" in page
        ), page[-2000:]
