"""The background job that runs a record computation started from the analyst's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yigai.apps.jobs.models import Job
from yigai.apps.jobs.services import job_fail, job_finish, job_progress


def records_compute_job(job: Job, data: bytes) -> None:
    from yigai.apps.records.services import RecordsComputeError, records_compute

    params = job.params or {}
    job_progress(job=job, progress=5, message=_("正在读取记录并计算"))
    try:
        done = records_compute(
            user=job.user, engine=params.get("engine", "duckdb"), indicators=tuple(params.get("indicators") or ()),
            period=params.get("period") or None, store=bool(params.get("store")), reason=params.get("reason", ""),
        )  # fmt: skip
    except RecordsComputeError as exc:
        job_fail(job=job, message=str(exc))
        return
    message = _("已计算 %(n)s 个指标值（%(engine)s，%(s).1f 秒）") % {
        "n": sum(1 for r in done.rows if r.value is not None),
        "engine": done.run.engine,
        "s": done.run.seconds,
    }
    if done.run.values_batch:
        message += _("，已存入指标数据")
    job_finish(job=job, message=message, result_url=reverse("records:run", args=[done.run.pk]))
