"""Running a job within limits: in a child process (``python -m yigai.apps.jobs.child <id>``) whose address
space is capped (``YIGAI_JOB_MEMORY_MB``, default 2048) and which is killed after ``YIGAI_JOB_TIMEOUT``
seconds (default 300). Whatever happens to the child, the job ends with a Chinese message.

When the queue runs tasks immediately (tests, ``YIGAI_JOBS_IMMEDIATE=1``) the job runs in this process:
the child could not see a test database."""

from __future__ import annotations

import logging
import os
import resource
import subprocess  # nosec B404  # runs our own interpreter with a fixed module, no shell
import sys

from django.utils.translation import gettext as _

from yigai.apps.jobs.models import Job
from yigai.apps.jobs.services import job_fail, job_file

logger = logging.getLogger(__name__)


def memory_limit() -> int:
    return int(float(os.environ.get("YIGAI_JOB_MEMORY_MB", "2048")) * 1024 * 1024)


def time_limit() -> float:
    return float(os.environ.get("YIGAI_JOB_TIMEOUT", "300"))


def run_in_process(job: Job) -> None:
    from yigai.apps.jobs.handlers import HANDLERS

    try:
        data = job_file(job).read_bytes()
        HANDLERS[job.kind](job, data)
    except MemoryError:
        job_fail(job=job, message=_("处理所需内存超过上限，未导入任何数据；请拆分文件后重试"))
    except Exception as exc:  # a bug must end the job with a message, not leave it running forever
        logger.exception("job %s failed", job.pk)
        job_fail(job=job, message=_("处理失败（%(error)s）") % {"error": type(exc).__name__})


def _limit_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    cap = memory_limit()
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def child_command(job: Job) -> list[str]:
    return [sys.executable, "-m", "yigai.apps.jobs.child", str(job.pk)]


def run_limited(job: Job) -> None:
    command = child_command(job)
    try:
        # preexec_fn only sets an rlimit; the command is this interpreter and a fixed module and job id
        done = subprocess.run(command, preexec_fn=_limit_memory, timeout=time_limit(), check=False)  # nosec B603
    except subprocess.TimeoutExpired:
        job_fail(
            job=job,
            message=_("处理超时（超过 %(s).0f 秒），未导入任何数据；请拆分文件后重试") % {"s": time_limit()},
        )
        return
    job.refresh_from_db()
    if job.finished:
        return
    if done.returncode < 0 or done.returncode == 1:  # killed, or a MemoryError before the job could say so
        job_fail(job=job, message=_("处理所需内存超过上限，未导入任何数据；请拆分文件后重试"))
    else:
        job_fail(job=job, message=_("处理失败（退出码 %(code)s）") % {"code": done.returncode})
