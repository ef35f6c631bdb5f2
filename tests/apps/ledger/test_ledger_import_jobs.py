"""Issue 13, "heavy work off the request": the ledger Excel import runs as background jobs. The upload
answers at once with a job page that polls the rows read; the finished job shows the same diff the upload
page showed, which only its uploader may confirm (a system administrator may look); confirming hands the
kept file to an apply job, which applies it in one transaction or shows the new diff when the ledger moved.
Limits still end the job as 失败 with a message naming the file."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hostile_files import wide_xlsx
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from yigai.apps.jobs.models import Job
from yigai.apps.jobs.runner import run_in_process
from yigai.apps.jobs.services import job_file
from yigai.apps.ledger import excel_import
from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.services import progress_report_submit
from yigai.core.limits import Limits

pytestmark = pytest.mark.django_db
COL = {h: i + 1 for i, h in enumerate(HEADERS)}


@pytest.fixture
def queued(monkeypatch, settings, tmp_path):
    """The queue as in production: jobs wait for a worker instead of running in the request."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr("yigai.apps.jobs.tasks.job_task", lambda pk: None)


def _filled(client, plan, code: str, text: str) -> SimpleUploadedFile:
    wb = load_workbook(io.BytesIO(client.get(reverse("ledger:export", args=[plan.pk])).content))
    ws = wb[SHEET]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, COL["台账编号"]).value == code)
    ws.cell(row, COL["进展情况"]).value = text
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def _run(pk: int) -> Job:
    """What the worker does with a queued job."""
    job = Job.objects.get(pk=pk)
    run_in_process(job)
    job.refresh_from_db()
    return job


def test_upload_is_a_job_whose_page_shows_the_diff_only_to_its_uploader(
    client, plan, users, t1, queued, otp_client
) -> None:
    client.force_login(users["lead"])
    response = client.post(
        reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "后台读取的进展")}
    )
    job = Job.objects.get(kind="ledger_preview")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and f'hx-get="{reverse("jobs:status", args=[job.pk])}"' in page
    assert "后台读取的进展" not in page  # nothing read in the request

    assert _run(job.pk).state == Job.State.DONE
    status = client.get(reverse("jobs:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"  # the page reloads to show the diff
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已完成" in page and "后台读取的进展" in page and 'id="confirm-import"' in page
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == ""  # a preview writes nothing

    for name in ("other", "county"):  # another reporter: the job, its diff and its file are not theirs
        client.force_login(users[name])
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404
        refused = client.post(reverse("ledger:confirm"), {"job": job.pk, "digest": "x"})
        assert refused.status_code == 404
    seen = otp_client(users["admin"]).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # a system administrator (past the second factor) may look, not confirm
    assert "后台读取的进展" in seen and 'id="confirm-import"' not in seen
    assert job_file(job).is_file()  # still waiting for its uploader

    client.force_login(users["lead"])
    digest = page.split('name="digest" value="')[1].split('"')[0]
    confirmed = client.post(reverse("ledger:confirm"), {"job": job.pk, "digest": digest})
    apply_job = Job.objects.get(kind="ledger_apply")
    assert confirmed["Location"] == reverse("jobs:detail", args=[apply_job.pk])
    assert not job_file(job).exists()  # handed over: a preview is confirmed once
    assert _run(apply_job.pk).state == Job.State.DONE
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == "后台读取的进展"
    done = client.get(confirmed["Location"]).content.decode()
    assert "已导入" in done and 'id="confirm-import"' not in done
    again = client.post(reverse("ledger:confirm"), {"job": job.pk, "digest": digest})
    assert again.status_code == 302 and again["Location"] == reverse("ledger:upload")
    assert not list((job_file(job).parent).iterdir())  # no input file left behind


def test_a_ledger_that_moved_after_the_preview_shows_the_new_diff(client, plan, users, t1, queued) -> None:
    client.force_login(users["lead"])
    client.post(reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "表格里的进展")})
    preview = _run(Job.objects.get(kind="ledger_preview").pk)
    digest = preview.result["preview"]["digest"]
    item = LedgerItem.objects.get(pk=t1.pk)
    progress_report_submit(item=item, user=users["lead"], text="网页上先报的进展", percent=10,
                           expected_version=item.version)  # fmt: skip
    client.post(reverse("ledger:confirm"), {"job": preview.pk, "digest": digest})
    moved = _run(Job.objects.get(kind="ledger_apply").pk)
    assert moved.state == Job.State.FAILED and "预览后台账又有变化" in moved.message
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == "网页上先报的进展"  # nothing applied
    page = client.get(reverse("jobs:detail", args=[moved.pk])).content.decode()
    assert "冲突（不导入）" in page and "网页上先报的进展" in page and 'id="confirm-import"' not in page


def test_a_stale_confirmation_is_shown_the_current_diff_to_confirm(client, plan, users, t1, queued) -> None:
    client.force_login(users["lead"])
    client.post(reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "表格里的进展")})
    preview = _run(Job.objects.get(kind="ledger_preview").pk)
    client.post(reverse("ledger:confirm"), {"job": preview.pk, "digest": "stale"})
    moved = _run(Job.objects.get(kind="ledger_apply").pk)
    assert moved.state == Job.State.FAILED and LedgerItem.objects.get(pk=t1.pk).progress_text == ""
    page = client.get(reverse("jobs:detail", args=[moved.pk])).content.decode()
    assert "表格里的进展" in page and f'name="job" value="{moved.pk}"' in page
    client.post(reverse("ledger:confirm"), {"job": moved.pk, "digest": moved.result["preview"]["digest"]})
    assert _run(Job.objects.filter(kind="ledger_apply").first().pk).state == Job.State.DONE
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == "表格里的进展"


def test_a_sheet_over_the_limits_fails_the_job_naming_the_file(client, plan, users, queued, settings) -> None:
    settings.INPUT_LIMITS = dataclasses.replace(Limits(), max_rows=100_000, max_cells=2000)
    client.force_login(users["lead"])
    data = wide_xlsx(200, cols=len(HEADERS), header=HEADERS)
    client.post(reverse("ledger:upload"), {"file": SimpleUploadedFile("大台账.xlsx", data)})
    job = _run(Job.objects.get().pk)
    assert job.state == Job.State.FAILED and job.message.startswith("大台账.xlsx")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "失败" in page and "超过 2000 个单元格（行 × 列）的上限" in page
    assert not job_file(job).exists()


def test_a_zip_bomb_is_refused_before_any_job(client, plan, users, queued, settings) -> None:
    settings.INPUT_LIMITS = dataclasses.replace(Limits(), max_unzipped_bytes=200_000)
    client.force_login(users["lead"])
    data = wide_xlsx(2000, cols=len(HEADERS), header=HEADERS)
    response = client.post(reverse("ledger:upload"), {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert response.status_code == 400 and "疑似压缩炸弹" in response.content.decode()
    assert not Job.objects.exists()


def test_preview_reports_the_rows_it_reads(plan, users, settings) -> None:
    data = wide_xlsx(1200, cols=len(HEADERS), header=HEADERS)
    seen: list[tuple[str, int, int]] = []
    excel_import.preview(user=users["lead"], file_name="台账.xlsx", data=data,
                         progress=lambda stage, done, total: seen.append((stage, done, total)))  # fmt: skip
    read = [done for stage, done, _total in seen if stage == "read"]
    assert read == list(range(1, 1201))
    checked = [(done, total) for stage, done, total in seen if stage == "check"]
    assert checked[-1][0] == checked[-1][1] > 0


def test_a_user_cannot_flood_the_job_queue(client, plan, users, t1, queued, settings, make_user) -> None:
    """Probe (session 4): 30 uploads in 3.6 s (a fresh session each) queued 30 jobs and kept 30 files — one
    worker runs jobs one at a time (up to 300 s each), so one user could hold everyone's imports for hours
    and fill the disk with 20 MB files. A user may have YIGAI_JOB_MAX_ACTIVE (3) jobs waiting or running."""
    settings.JOB_MAX_ACTIVE = 3
    client.force_login(users["lead"])
    for n in range(3):
        assert (
            client.post(
                reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, f"第{n}次")}
            ).status_code
            == 302
        )
    refused = client.post(reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "第4次")})
    assert refused.status_code == 429
    assert "已有 3 个后台任务在排队或处理中，请等其完成后再提交" in refused.content.decode()
    assert Job.objects.count() == 3 and len(list(job_file(Job.objects.first()).parent.iterdir())) == 3
    owner = make_user("planner", "plan_owner", "130600", "市卫生健康委")  # the same user, another page
    Job.objects.update(user=owner)
    client.force_login(owner)
    upload = SimpleUploadedFile("plan.txt", "一、重点任务\n1. 培养基层医务人员。".encode())
    refused = client.post(reverse("plans:import"), {"file": upload})
    assert refused.status_code == 429 and "已有 3 个后台任务" in refused.content.decode()
    client.force_login(users["co"])  # everyone else is not held up by the cap
    assert (
        client.post(
            reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "配合单位")}
        ).status_code
        == 302
    )
    Job.objects.filter(user=owner).update(state=Job.State.DONE)  # finished jobs do not count
    client.force_login(owner)
    upload = SimpleUploadedFile("plan.txt", "一、重点任务\n1. 培养基层医务人员。".encode())
    assert client.post(reverse("plans:import"), {"file": upload}).status_code == 302


def test_a_full_queue_does_not_use_up_the_confirmed_preview(
    client, plan, users, t1, queued, settings
) -> None:
    settings.JOB_MAX_ACTIVE = 1
    client.force_login(users["lead"])
    client.post(reverse("ledger:upload"), {"file": _filled(client, plan, t1.code, "确认时队列已满")})
    preview = _run(Job.objects.get(kind="ledger_preview").pk)
    Job.objects.create(kind="plan_import", user=users["lead"], file_name="x.pdf")  # one more waiting
    page = client.get(reverse("jobs:detail", args=[preview.pk])).content.decode()
    digest = page.split('name="digest" value="')[1].split('"')[0]
    refused = client.post(reverse("ledger:confirm"), {"job": preview.pk, "digest": digest})
    assert refused.status_code == 429 and "已有 1 个后台任务" in refused.content.decode()
    assert job_file(preview).is_file() and not Job.objects.filter(kind="ledger_apply").exists()
