"""Browser test (issue 12): a city plan from outside the seeds and outside the shipped tree (株洲市, Hunan; "各区人民政府",
ratio targets 床人比 1:1.6 and 医护比 1:1.2) is imported, reviewed (targets listed with their quotes highlighted, a
target edited), refused at the preview while its region is unsettled, given a region, previewed and published.
Screenshots go to test-artifacts/screenshots/ (desktop 1440 wide, the preview also at 390×844)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("test-artifacts/screenshots")
DOCUMENT = Path(__file__).parent / "data/zhuzhou_2024_gongli_yiyuan.txt"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip(f"{CHROMIUM} not installed (make browser-deps installs it as root)", allow_module_level=True)


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(todo|dashboard|plans)/$"))  # each role's landing page


def test_outside_city_plan_imported_reviewed_previewed_published(live_server, page, make_user) -> None:
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.plans.models import Plan
    from yigai.apps.units.services import units_load_directory

    units_load_directory()
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    make_user("owner", "plan_owner", "130000", "省卫生健康委")
    login(page, base, "owner")

    page.goto(f"{base}/plans/import/")
    page.set_input_files("input[type=file]", str(DOCUMENT))
    page.click("main button[type=submit]")
    page.wait_for_selector("#targets")
    assert "待确认" in page.inner_text(".plan-meta")  # 株洲 lies outside the tree: the owner must choose
    assert "?" not in page.inner_text(".plan-meta") and "至2025年" in page.inner_text(".plan-meta")
    targets = page.inner_text("#targets")
    assert "≥ 1:1.6" in targets and "≥ 1:1.2" in targets and ":N" not in targets
    assert page.locator("#targets mark").count() == page.locator(".target-row").count() >= 4
    page.screenshot(path=SHOTS / "12_01_review_targets.png", full_page=True)

    page.click("#publish-button")  # refused: the region is not settled
    page.wait_for_selector("#publish-preview")
    assert "株洲市人民政府办公室" in page.inner_text("#publish-blockers")
    assert page.locator("#confirm-publish").count() == 0
    page.screenshot(path=SHOTS / "12_02_preview_refused.png", full_page=True)

    page.go_back()
    page.wait_for_selector("#region-form")
    page.select_option("#region-form select[name=org_unit]", label="\u3000石家庄市")
    page.click("#region-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "石家庄市" in page.inner_text(".plan-meta") and "待确认" not in page.inner_text(".plan-meta")

    row = page.locator(".target-row").filter(has_text="医护比").first
    row.get_by_role("link", name="编辑").click()
    page.wait_for_selector("#target-form")
    assert page.input_value("#target-form input[name=value]") == "1:1.2"
    page.fill("#target-form input[name=value]", "1:1.25")
    page.screenshot(path=SHOTS / "12_03_target_edit.png", full_page=True)
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("#targets")
    assert "≥ 1:1.25" in page.inner_text("#targets")

    page.click("#publish-button")
    page.wait_for_selector("#confirm-publish")
    rows = [r.split("\t") for r in page.inner_text("#unit-counts tbody").splitlines()]
    governments = {unit: place for unit, place, *_ in rows if unit.endswith("人民政府")}
    assert governments["长安区人民政府"] == "长安区" and governments["鹿泉区人民政府"] == "鹿泉区"
    assert all(u == p + "人民政府" and p.endswith("区") for u, p in governments.items()), (
        governments
    )  # districts only
    page.screenshot(path=SHOTS / "12_04_preview.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "12_05_preview_phone.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("#confirm-publish")
    page.wait_for_selector("#plan-status:has-text('已发布')")
    assert page.locator("#region-form").count() == 0  # no longer editable

    plan = Plan.objects.get()
    names = set(LedgerItem.objects.filter(ledger__plan=plan).values_list("lead_unit__name", flat=True))
    assert "长安区人民政府" in names and not any(n.startswith(("区", "县（")) for n in names if n)

    page.goto(f"{base}/plans/")
    table = page.inner_text("#plan-table")
    assert (
        "株洲市推动公立医院高质量发展实施方案" in table
        and "株政办发〔2024〕12号" in table
        and ".txt" not in table
    )
    page.screenshot(path=SHOTS / "12_06_plan_list.png", full_page=True)
