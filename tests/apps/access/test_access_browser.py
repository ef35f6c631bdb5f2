"""Browser test: a city user opens 医疗服务圈; the map (packaged boundaries, points of the stored run) draws
under the CSP without page errors, and hovering the uncovered village shows its name and minutes as text."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("test-artifacts/screenshots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip(f"{CHROMIUM} not installed (make browser-deps installs it as root)", allow_module_level=True)


def test_city_map_and_tooltip(live_server, page, make_user, access_run) -> None:
    access_run(2026)
    make_user("sjz", "plan_owner", "130100", "市卫生健康委")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "sjz")
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/access/")
    for _ in range(150):  # polling: the CSP forbids the eval wait_for_function uses
        if page.evaluate("() => document.getElementById('access-map').dataset.drawn || ''") == "4":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("map not drawn")
    assert "路网出行时间" in page.inner_text("#run-info")
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('access-map')).convertToPixel({geoIndex: 0}, [115.052, 38.04])"
    )  # P2, outside the circle
    page.evaluate("() => window.scrollTo(0, document.getElementById('access-map').offsetTop - 20)")
    box = page.locator("#access-map").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(400)
    tip = page.inner_text("#access-map")
    assert "示例二村" in tip and "16.8" in tip and "500" in tip
    assert page.inner_text("#gap-table tbody tr").startswith("示例二村")
    page.screenshot(path=SHOTS / "access_city.png", full_page=True)
    assert errors == []
