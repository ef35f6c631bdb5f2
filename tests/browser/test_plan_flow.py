"""Browser test: Debian's chromium drives the live server through the plan owner's whole flow.

Log in as a plan owner, upload a document through the form (an empty file first: rejected), correct a
task's lead unit, publish, find the plan in the list; then a unit reporter of one county sees the task
and a reporter of another county does not. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = Path("test-artifacts/screenshots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip(f"{CHROMIUM} not installed (make browser-deps installs it as root)", allow_module_level=True)


def _engine_is_stub() -> bool:
    from yigai.core.parse import extract

    return "placeholder until the engine lands" in inspect.getsource(extract)


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's loop shares the test thread
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield page
        browser.close()


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(todo|dashboard|plans)/$"))  # each role's landing page


def logout(page) -> None:
    page.click("form[action='/logout/'] button")


def test_owner_uploads_corrects_publishes_and_scoping_holds(
    live_server, browser_page, make_user, fake_extract, monkeypatch, tmp_path
) -> None:
    page, base = browser_page, live_server.url
    make_user("owner", "plan_owner", "130600", "市卫生健康委")
    make_user("rc", "unit_reporter", "130629", "容城县卫生健康局")
    make_user("xx", "unit_reporter", "130638", "雄县卫生健康局")
    if not _engine_is_stub():
        monkeypatch.undo()  # the real engine: upload a real sample plan
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sample = Path(__file__).parents[2] / "src/yigai/data/samples/002_fef9474401728958.txt"
    document = tmp_path / sample.name
    shutil.copy(sample, document)
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")

    login(page, base, "owner")
    page.goto(f"{base}/plans/import/")
    page.set_input_files("input[type=file]", str(empty))
    page.click("main button[type=submit]")
    assert "文件为空（0 字节）" in page.inner_text("#import-errors")
    page.screenshot(path=SHOTS / "01_upload_rejected.png", full_page=True)

    page.set_input_files("input[type=file]", str(document))
    page.click("main button[type=submit]")
    page.wait_for_selector(".task")
    assert "已导入" in page.inner_text(".messages")
    plan_url = page.url
    page.screenshot(path=SHOTS / "02_plan_outline.png", full_page=False)

    first = page.locator(".task").first
    task_id = first.get_attribute("id")
    first.get_by_text("编辑", exact=True).click()
    form = page.locator(f"form#{task_id}")
    form.locator("input[name=lead_units]").fill("容城县卫生健康局")
    page.screenshot(path=SHOTS / "03_task_edit.png", full_page=False)
    form.get_by_role("button", name="保存").click()
    page.wait_for_selector(f"div#{task_id}")
    assert "牵头：容城县卫生健康局" in page.inner_text(f"div#{task_id}")
    title = page.inner_text(f"div#{task_id} .task-title") or page.inner_text(f"div#{task_id} .task-text")[:10]

    page.click("#publish-button")  # the preview first, then the confirmation
    page.wait_for_selector("#publish-preview")
    page.click("#confirm-publish")
    page.wait_for_selector("#plan-status:has-text('已发布')")
    page.screenshot(path=SHOTS / "04_published.png", full_page=False)

    page.goto(f"{base}/plans/")
    row = page.locator("#plan-table tbody tr").filter(has_text="已发布")
    assert row.count() == 1
    page.screenshot(path=SHOTS / "05_plan_list.png", full_page=True)
    logout(page)

    login(page, base, "rc")  # 容城's health bureau: the corrected task is its task
    page.goto(f"{base}/plans/tasks/")
    assert title.strip()[:10] in page.inner_text("#task-table")
    page.screenshot(path=SHOTS / "06_reporter_rongcheng.png", full_page=True)
    logout(page)

    login(page, base, "xx")  # 雄县's health bureau: another county, sees none of it
    page.goto(f"{base}/plans/tasks/")
    assert "没有符合条件的任务" in page.inner_text("#task-table")
    page.screenshot(path=SHOTS / "07_reporter_xiongxian.png", full_page=True)
    response = page.goto(plan_url)
    assert response is not None and response.status == 404
