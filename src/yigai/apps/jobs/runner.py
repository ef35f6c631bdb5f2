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
from collections.abc import Callable

from django.utils.translation import gettext as _

from yigai.apps.jobs.kinds import KINDS
from yigai.apps.jobs.models import Job
from yigai.apps.jobs.services import job_fail, job_file

logger = logging.getLogger(__name__)


def memory_limit(kind: str = "") -> int:
    """Bytes of address space a job's child may use: its kind's own cap, else ``YIGAI_JOB_MEMORY_MB``."""
    own = KINDS[kind].memory_mb if kind in KINDS else None
    mb = own if own is not None else float(os.environ.get("YIGAI_JOB_MEMORY_MB", "2048"))
    return int(mb * 1024 * 1024)


def time_limit(kind: str = "") -> float:
    """Seconds a job's child may run: its kind's own limit, else ``YIGAI_JOB_TIMEOUT``."""
    own = KINDS[kind].timeout if kind in KINDS else None
    return own if own is not None else float(os.environ.get("YIGAI_JOB_TIMEOUT", "300"))


def _out_of_memory(job: Job) -> str:
    return _("%(file)s：处理所需内存超过上限（%(mb).0f MB），未导入任何数据；请拆分文件后重试") % {
        "file": job.file_name, "mb": memory_limit(job.kind) / 1048576,
    }  # fmt: skip


def run_in_process(job: Job) -> None:
    from yigai.apps.accounts.backends import account_refusal

    if job.user is not None and account_refusal(job.user) is not None:  # disabled or expired since it queued
        message = _("%(file)s：提交任务的账号已停用或已过有效期，任务未执行") % {"file": job.file_name}
        job_fail(job=job, message=message)
        return
    try:
        data = job_file(job).read_bytes()
        KINDS[job.kind].handler(job, data)
    except MemoryError:
        job_fail(job=job, message=_out_of_memory(job))
    except Exception as exc:  # a bug must end the job with a message, not leave it running forever
        logger.exception("job %s failed", job.pk)
        job_fail(
            job=job,
            message=_("%(file)s：处理失败（%(error)s）")
            % {"file": job.file_name, "error": type(exc).__name__},
        )


def _memory_cap(cap: int) -> Callable[[], None]:
    def limit() -> None:  # pragma: no cover - runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit


def child_command(job: Job) -> list[str]:
    return [sys.executable, "-m", "yigai.apps.jobs.child", str(job.pk)]


def run_limited(job: Job) -> None:
    command = child_command(job)
    try:
        # preexec_fn only sets an rlimit; the command is this interpreter and a fixed module and job id
        done = subprocess.run(
            command, preexec_fn=_memory_cap(memory_limit(job.kind)), timeout=time_limit(job.kind), check=False
        )  # nosec B603
    except subprocess.TimeoutExpired:
        message = _("%(file)s：处理超时（超过 %(s).0f 秒），未导入任何数据；请拆分文件后重试")
        job_fail(job=job, message=message % {"file": job.file_name, "s": time_limit(job.kind)})
        return
    job.refresh_from_db()
    if job.finished:
        return
    if done.returncode < 0 or done.returncode == 1:  # killed, or a MemoryError before the job could say so
        job_fail(job=job, message=_out_of_memory(job))
    else:
        message = _("%(file)s：处理失败（退出码 %(code)s）")
        job_fail(job=job, message=message % {"file": job.file_name, "code": done.returncode})
