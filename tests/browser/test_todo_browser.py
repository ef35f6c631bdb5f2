"""Each role's 待办 in a real browser (issue 14): a reporter, a plan owner, a reviewer and an analyst log in,
land on their 待办, see the entries and counts their work gives them (the menu's count equals the page's),
and following an entry leads to the place to act. Any console error or CSP violation fails the test."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "/usr/bin/chromium not installed (make browser-deps installs it as root)", allow_module_level=True
    )


@pytest.fixture
def working_day(make_user, fake_document, settings, tmp_path) -> dict[str, Any]:
    """A published 保定 plan with work waiting for everyone: T1 due a report and under a 督办 for 市卫生健康委,
    清苑区's copy of T2 asking for 销号, 满城区's for 延期; a county's 2024 value waiting for approval."""
    from django.utils import timezone

    from yigai.apps.indicators.models import DataElement, DataValue
    from yigai.apps.indicators.services import catalogue_ensure
    from yigai.apps.ledger import services
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.orgunits.models import OrgUnit
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    today = timezone.localdate()
    plan = plan_store_document(document=fake_document(), content_hash="todo")
    plan_publish(plan=plan)
    LedgerItem.objects.update(status="in_progress", start=today - dt.timedelta(days=95),
                              deadline=today + dt.timedelta(days=200), light_on=None)  # fmt: skip
    users = {
        "lead": make_user("lead", "unit_reporter", "130600", "市卫生健康委"),
        "qy": make_user("qy", "unit_reporter", "130608", "清苑区人民政府"),
        "owner": make_user("owner", "plan_owner", "130600", "市卫生健康委"),
        "reviewer": make_user("rev", "reviewer", "130000", "省卫生健康委"),
        "analyst": make_user("tj", "analyst", "130600"),
    }
    t1 = LedgerItem.objects.get(task__ext_id="T1")
    services.notice_issue(item=t1, user=users["reviewer"], content="请于本周报送医务人员培养进展",
                          reply_by=today + dt.timedelta(days=5))  # fmt: skip
    qy = LedgerItem.objects.get(task__ext_id="T2", org_unit__code="130608")
    LedgerItem.objects.filter(pk=qy.pk).update(
        status="close_requested", close_requested_by="qy", progress=100
    )
    mc = LedgerItem.objects.get(task__ext_id="T2", org_unit__code="130607")
    LedgerItem.objects.filter(pk=mc.pk).update(
        pending_deadline=today + dt.timedelta(days=300),
        pending_reason="设备未到货",
        pending_requested_by="mc",
    )
    catalogue_ensure()
    DataValue.objects.create(data_element=DataElement.objects.get(code="BEDS"),
                             org_unit=OrgUnit.objects.get(code="130608"), period="2024", period_type="year",
                             year=2024, value=1200)  # fmt: skip
    return {"t1": t1, "qy_item": qy, "mc": mc, **users}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _counts(page: Any) -> dict[str, int]:
    """Each section's count on the 待办 page."""
    return page.eval_on_selector_all(
        ".todo-section", "ss => Object.fromEntries(ss.map(s => [s.id.slice(5), Number(s.dataset.count)]))"
    )


def _menu(page: Any) -> int:
    return int(page.get_attribute(".main-nav [data-todo-count]", "data-todo-count") or 0)


def _follow(page: Any, section: str, code: str) -> None:
    """Click the section's entry for item ``code``: the item page opens."""
    with page.expect_navigation():
        page.click(f"#todo-{section} a.todo-link:has-text('{code}')")
    assert f"/ledger/items/{code}/" in page.url
    assert code in page.text_content("main")


def test_reporters_todo(live_server, guarded, working_day) -> None:
    page, base, t1 = guarded.page, live_server.url, working_day["t1"]
    _login(page, base, "lead")
    assert page.url == f"{base}/todo/"  # the landing page
    counts = _counts(page)
    assert counts == {"reports": 1, "sent_back": 0, "notices": 1, "reminders": 0}
    assert (
        _menu(page) == sum(counts.values()) == int(page.get_attribute("[data-todo-total]", "data-todo-total"))
    )
    assert "请于本周报送医务人员培养进展" in page.text_content("#todo-notices")
    _follow(page, "reports", t1.code)
    assert page.url.endswith("#report-form")


def test_reporter_todo_fits_a_phone(live_server, guarded, working_day) -> None:
    page, base = guarded.page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, base, "qy")
    assert page.url == f"{base}/todo/"
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide at 390"
    assert _counts(page)["reports"] == 1  # asking for 销号 does not end this period's report
    _follow(page, "reports", working_day["qy_item"].code)


def test_owners_todo(live_server, guarded, working_day) -> None:
    page, base = guarded.page, live_server.url
    _login(page, base, "owner")
    assert page.url == f"{base}/todo/"
    counts = _counts(page)
    assert counts["closures"] == 1 and counts["extensions"] == 1 and counts["notices_overdue"] == 0
    assert _menu(page) == sum(counts.values())
    _follow(page, "extensions", working_day["mc"].code)
    assert page.is_visible("input[name=action][value=approve_extension] ~ button")


def test_reviewers_todo_and_notice_list(live_server, guarded, working_day) -> None:
    page, base = guarded.page, live_server.url
    _login(page, base, "rev")
    assert page.url == f"{base}/todo/"
    counts = _counts(page)
    assert counts["closures"] == 1 and "extensions" not in counts  # a reviewer does not approve extensions
    assert _menu(page) == sum(counts.values())
    _follow(page, "closures", working_day["qy_item"].code)
    assert page.is_visible("input[name=action][value=approve_close] ~ button")
    page.click(".main-nav a[href='/todo/notices/']")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector_all(
        "#notice-table tr[data-state]", "rs => rs.map(r => r.dataset.state)"
    ) == ["open"]
    page.select_option("select[name=state]", "overdue")
    with page.expect_navigation():
        page.click("#notice-filters button[type=submit]")
    assert "state=overdue" in page.url and page.locator("#notice-table tr[data-state]").count() == 0


def test_analysts_todo(live_server, guarded, working_day) -> None:
    page, base = guarded.page, live_server.url
    _login(page, base, "tj")
    assert page.url == f"{base}/todo/"
    counts = _counts(page)
    assert counts["values_waiting"] == 1 and counts["unreported"] > 10  # 保定's other counties
    assert _menu(page) == sum(counts.values())
    with page.expect_navigation():
        page.click("#todo-values_waiting a.todo-link")
    assert "/indicators/entry/?org=130608&period=2024" in page.url


def test_the_header_stays_one_row_for_the_longest_menu(live_server, guarded, working_day) -> None:
    """Issue 14: the header wrapped, and after 待办, 督办, 考核, 医疗服务圈 and 记录级指标 joined the menu it ran
    off the page at 1440 px (the 退出 button cut off). Less frequent destinations sit behind 更多."""
    page, base = guarded.page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 800})
    _login(page, base, "owner")  # a plan owner has the most menu entries (导入方案 besides the rest)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert page.evaluate("() => document.querySelector('.site-header').offsetHeight") < 80  # one row
    assert page.is_visible(".user-box button[type=submit]")  # 退出 on screen
    assert not page.is_visible(".nav-more-menu a[href='/access/']")  # folded until asked
    page.click(".nav-more > summary")
    with page.expect_navigation():
        page.click(".nav-more-menu a[href='/access/']")
    assert page.url.endswith("/access/")
    assert "active" in (page.get_attribute(".nav-more", "class") or "")  # 更多 marks where you are
