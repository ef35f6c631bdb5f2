"""Background jobs (issue 13, "heavy work off the request"): a plan upload answers at once with a job page
that polls its progress; the job runs in a child process that is killed past its time limit and cannot
grow past its memory limit, and either way the job ends with a clear Chinese message."""

from __future__ import annotations

import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from yigai.apps.jobs import runner
from yigai.apps.jobs.models import Job
from yigai.apps.jobs.runner import run_in_process, run_limited
from yigai.apps.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The queue as in production: jobs wait for a worker instead of running in the request."""
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr("yigai.apps.jobs.tasks.job_task", lambda pk: None)


def test_plan_upload_answers_with_a_job_page_that_polls(
    client, make_user, fake_extract, queued, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    owner = make_user("owner", "plan_owner", "130600", "市卫生健康委")
    client.force_login(owner)
    upload = SimpleUploadedFile("plan.txt", "一、重点任务\n1. 培养基层医务人员。".encode())
    response = client.post(reverse("plans:import"), {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert Plan.objects.count() == 0  # nothing parsed in the request
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and f'hx-get="{reverse("jobs:status", args=[job.pk])}"' in page
    run_in_process(job)  # what the worker does
    status = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    plan = Plan.objects.get()
    assert "已完成" in status and "hx-get" not in status
    assert reverse("plans:detail", args=[plan.pk]) in status
    other = make_user("other", "plan_owner", "130600", "市医疗保障局")
    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_a_failed_parse_ends_the_job_with_the_reason(client, make_user, queued, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    settings.INPUT_LIMITS = settings.INPUT_LIMITS.__class__(max_cells=10)
    owner = make_user("owner", "plan_owner", "130600", "市卫生健康委")
    client.force_login(owner)
    from hostile_files import wide_xlsx

    client.post(reverse("plans:import"), {"file": SimpleUploadedFile("分工表.xlsx", wide_xlsx(20, cols=3))})
    job = Job.objects.get()
    run_in_process(job)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "分工表.xlsx" in job.message and "10 个单元格" in job.message


def _job(tmp_path, settings) -> Job:
    settings.DATA_DIR = tmp_path
    return Job.objects.create(kind="plan_import", file_name="x.pdf", state=Job.State.RUNNING)


def test_a_job_past_its_memory_limit_fails_clearly(monkeypatch, settings, tmp_path) -> None:
    job = _job(tmp_path, settings)
    monkeypatch.setenv("YIGAI_JOB_MEMORY_MB", "300")
    monkeypatch.setattr(runner, "child_command", lambda job: [sys.executable, "-c", "b = bytearray(1024**3)"])
    run_limited(job)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "内存超过上限（300 MB）" in job.message
    assert job.message.startswith("x.pdf：")  # names the file


def test_a_job_past_its_time_limit_is_killed(monkeypatch, settings, tmp_path) -> None:
    job = _job(tmp_path, settings)
    monkeypatch.setenv("YIGAI_JOB_TIMEOUT", "1")
    monkeypatch.setattr(
        runner, "child_command", lambda job: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    run_limited(job)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message.startswith("x.pdf：处理超时（超过 1 秒）")


def test_a_job_of_an_account_disabled_while_it_waited_does_nothing(
    client, make_user, fake_extract, queued, settings, tmp_path
) -> None:
    """Probe (session 4): a queued job ran with its user's rights whatever became of the account — an
    account disabled (or past its expiry) after uploading still had its plan imported or its ledger
    changes applied by the worker."""
    settings.DATA_DIR = tmp_path
    owner = make_user("owner", "plan_owner", "130600", "市卫生健康委")
    client.force_login(owner)
    upload = SimpleUploadedFile("plan.txt", "一、重点任务\n1. 培养基层医务人员。".encode())
    client.post(reverse("plans:import"), {"file": upload})
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    job = Job.objects.get()
    run_in_process(job)
    job.refresh_from_db()
    assert (
        job.state == Job.State.FAILED
        and job.message == "plan.txt：提交任务的账号已停用或已过有效期，任务未执行"
    )
    assert Plan.objects.count() == 0 and not list((tmp_path / "jobs").iterdir())
