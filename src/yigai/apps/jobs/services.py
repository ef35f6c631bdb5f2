"""Creating, running and reporting jobs. A job's input file lives under ``DATA_DIR/jobs/`` until it ends."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User
from yigai.apps.jobs.models import Job

logger = logging.getLogger(__name__)


def job_file(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{job.pk}.bin"


class JobsBusy(Exception):
    """The user already has ``settings.JOB_MAX_ACTIVE`` jobs waiting or running (message in Chinese)."""

    def __init__(self, limit: int) -> None:
        self.message = _("已有 %(n)s 个后台任务在排队或处理中，请等其完成后再提交") % {"n": limit}
        super().__init__(self.message)


#: A waiting or running job untouched this long no longer counts against its user (its worker died).
STALE = dt.timedelta(hours=1)


def job_room_check(*, user: User | None) -> None:
    """Raise :class:`JobsBusy` when ``user`` has ``settings.JOB_MAX_ACTIVE`` unfinished jobs (the command
    line, ``user=None``, is not counted)."""
    if user is None:
        return
    limit = settings.JOB_MAX_ACTIVE
    unfinished = Job.objects.filter(
        user=user, state__in=(Job.State.QUEUED, Job.State.RUNNING), updated_at__gte=timezone.now() - STALE
    )
    if unfinished.count() >= limit:
        raise JobsBusy(limit)


def job_create(*, kind: str, user: User | None, file_name: str, data: bytes, params: dict[str, Any]) -> Job:
    """Store the input and queue the job (after the transaction commits, so the worker finds it; at once
    when the queue runs jobs immediately); :class:`JobsBusy` when the user has too many waiting already."""
    from huey.contrib.djhuey import HUEY

    from yigai.apps.jobs.tasks import job_task

    job_room_check(user=user)
    job = Job.objects.create(kind=kind, user=user, file_name=file_name, params=params)
    path = job_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if HUEY.immediate:
        job_task(job.pk)
    else:
        transaction.on_commit(lambda: job_task(job.pk))
    return job


def job_progress(*, job: Job, progress: int, message: str = "") -> None:
    job.progress, job.message = max(0, min(progress, 100)), message or job.message
    job.state = Job.State.RUNNING
    job.save(update_fields=["progress", "message", "state", "updated_at"])


class ProgressReporter:
    """Progress a handler may report as often as it likes (every row): the job row is written at most
    every ``every`` seconds, and whenever ``force`` is given."""

    def __init__(self, job: Job, *, every: float = 0.5) -> None:
        self.job, self.every, self.last = job, every, 0.0

    def __call__(self, progress: int, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            job_progress(job=self.job, progress=progress, message=message)


def job_finish(*, job: Job, message: str, result_url: str = "", keep_file: bool = False) -> None:
    """End the job as done; its input file is deleted unless ``keep_file`` (a later step reads it)."""
    job.state, job.progress, job.message, job.result_url = Job.State.DONE, 100, message, result_url
    job.save(update_fields=["state", "progress", "message", "result_url", "result", "updated_at"])
    if not keep_file:
        job_file(job).unlink(missing_ok=True)


def job_fail(*, job: Job, message: str, keep_file: bool = False) -> None:
    job.state, job.message = Job.State.FAILED, message
    job.save(update_fields=["state", "message", "result", "updated_at"])
    if not keep_file:
        job_file(job).unlink(missing_ok=True)
    logger.info("job %s (%s) failed: %s", job.pk, job.kind, message)
