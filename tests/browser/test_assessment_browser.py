"""考核 in a browser: an assessor clicks from a rank to its explanation and exports; a county sees only
itself; no console error or CSP violation on the way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..apps.assessment.conftest import SCHEME, history  # noqa: F401, TID252  # the golden fixture
from ..apps.ledger.conftest import evidence_dir, plan, users  # noqa: F401, TID252  # its plan and users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "/usr/bin/chromium not installed (make browser-deps installs it as root)", allow_module_level=True
    )


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-test-123")
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_rank_to_explanation_export_and_own_view(live_server, guarded, history, users) -> None:  # noqa: F811
    from yigai.apps.assessment import services

    services.scheme_save(actor=users["owner"], text=SCHEME)
    page, base = guarded.page, live_server.url
    _login(page, base, "rev")
    page.goto(f"{base}/assessment/golden/2024/")
    first = page.locator("#results-table tbody tr").first
    assert first.locator("td").nth(1).inner_text().startswith("清苑区")
    with page.expect_navigation():
        first.locator("td").first.locator("a").click()
    assert "102.00" in page.inner_text("h1") and page.locator("#component-closure").is_visible()
    page.goto(f"{base}/assessment/golden/2024/")
    with page.expect_download() as download:
        page.click("#assessment-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.context.clear_cookies()
    _login(page, base, "qy")
    page.goto(f"{base}/assessment/golden/2024/")
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 1 and "清苑区" in rows.first.inner_text()


def test_self_assessment_with_a_file_seen_by_the_reviewer(
    live_server,
    guarded,
    history,  # noqa: F811  # the imported fixture
    users,  # noqa: F811
    tmp_path,
) -> None:
    from yigai.apps.assessment import services

    from ..apps.ledger.conftest import PDF  # noqa: TID252  # the ledger tests' sample PDF

    services.scheme_save(actor=users["owner"], text=SCHEME)
    page, base = guarded.page, live_server.url
    upload = tmp_path / "清苑区验收报告.pdf"
    upload.write_bytes(PDF)
    _login(page, base, "qy")
    page.goto(f"{base}/assessment/golden/2024/130608/")
    page.fill("#self-assessment input[name=score]", "100")
    page.fill("#self-assessment textarea[name=text]", "全部按期完成")
    page.set_input_files("#self-assessment input[name=files]", str(upload))
    with page.expect_navigation():
        page.click("#self-assessment button[type=submit]")
    assert (
        page.locator("#self-assessment input[name=score]").input_value() == "100.0"
    )  # kept for the next edit
    page.context.clear_cookies()
    _login(page, base, "rev")
    page.goto(f"{base}/assessment/golden/2024/130608/")
    link = page.locator("#self-assessment a", has_text="清苑区验收报告.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "清苑区验收报告.pdf"
