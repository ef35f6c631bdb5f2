"""A reporter on a phone (390 × 844): the page fits the screen, the menu folds behind 菜单, a progress report
goes in with a photo from the camera field, and the closure request follows — with no console error or
CSP violation on any page (``guarded``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "/usr/bin/chromium not installed (make browser-deps installs it as root)", allow_module_level=True
    )

PHONE = {"width": 390, "height": 844}
SHOTS = Path("test-artifacts/screenshots")


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_phone_report_and_closure_request(live_server, guarded, make_user, fake_document, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from yigai.apps.ledger.demo import demo_png
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    plan_publish(plan=plan_store_document(document=fake_document(), content_hash="a1"))
    item = LedgerItem.objects.filter(lead_unit__name="市卫生健康委").order_by("pk").first()
    assert item is not None
    make_user("rep", "unit_reporter", item.org_unit.code, "市卫生健康委")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(demo_png())

    page, base = guarded.page, live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/login/")
    assert fits(page)
    page.fill("input[name=username]", "rep")
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/ledger/items/{item.code}/")
    assert fits(page), "the item page is wider than the phone"
    assert not page.is_visible("nav.main-nav")  # folded
    page.click("[data-nav-toggle]")
    assert page.is_visible("nav.main-nav") and page.is_visible(".user-box")
    assert page.get_attribute("[data-nav-toggle]", "aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "phone_menu.png"))
    page.click("[data-nav-toggle]")
    assert not page.is_visible("nav.main-nav")

    camera = page.locator("#report-form .camera-field input[type=file]")
    assert camera.is_visible()
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") is not None
    page.fill("#report-form textarea[name=text]", "已完成验收，附现场照片。")
    page.fill("#report-form input[name=percent]", "100")
    camera.set_input_files(str(photo))
    page.screenshot(path=str(SHOTS / "phone_report.png"), full_page=True)
    page.click("#report-form button[type=submit]")
    page.wait_for_load_state()
    assert "进展已报送" in page.content() and "现场照片.png" in page.content()
    assert fits(page)

    page.click("form.action-form:has(input[value=request_close]) button")
    page.wait_for_load_state()
    assert "已办理：申请销号" in page.content()
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone_closure.png"), full_page=True)
    item.refresh_from_db()
    assert item.status == "close_requested" and item.evidence.count() == 1
