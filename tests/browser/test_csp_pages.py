"""Every script works under the site's CSP (no inline handlers): the targets page's plan dropdown submits
its form, and the pages a plan owner walks through raise no console error or CSP violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "/usr/bin/chromium not installed (make browser-deps installs it as root)", allow_module_level=True
    )


def test_targets_dropdown_submits_without_csp_violation(
    live_server, guarded, make_user, fake_document
) -> None:
    from yigai.apps.indicators.services import catalogue_sync, targets_link_plan
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    catalogue_sync()

    first = plan_store_document(document=fake_document(), content_hash="a1")
    second = plan_store_document(document=fake_document(source="second.txt"), content_hash="b2")
    plan_publish(plan=first)
    plan_publish(plan=second)
    for plan in (first, second):
        targets_link_plan(plan=plan, auto=True)
    make_user("owner", "plan_owner", "130600", "市卫生健康委")
    page, base = guarded.page, live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for path in ("/plans/", "/plans/tasks/", "/ledger/", "/dashboard/", "/indicators/targets/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    other = next(v for v in page.eval_on_selector_all("select[name=plan] option", "os => os.map(o => o.value)")
                 if v != page.input_value("select[name=plan]"))  # fmt: skip
    with page.expect_navigation():
        page.select_option("select[name=plan]", other)
    assert f"plan={other}" in page.url
