"""Browser test: Debian's chromium opens the 挂图作战 timeline and the 预警看板 warning board and finds the
ECharts canvas on each (the vendored library loads under the CSP, the chart data parses, bars draw)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = Path("test-artifacts/screenshots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip(f"{CHROMIUM} not installed (make browser-deps installs it as root)", allow_module_level=True)


def test_timeline_and_board_draw_charts(live_server, page, plan, users) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/plans/")
    for name in ("timeline", "board"):
        page.goto(f"{base}/ledger/plan/{plan.pk}/{name}/")
        page.wait_for_selector(f"#{name}-chart canvas", timeout=10_000)
        assert page.locator(f"#{name}-chart canvas").count() >= 1
        page.screenshot(path=SHOTS / f"ledger_{name}.png", full_page=True)
    assert "挂图作战" in page.inner_text("nav.ledger-tabs")
    assert errors == []
