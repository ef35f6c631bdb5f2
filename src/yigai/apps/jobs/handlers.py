"""The jobs app's own kind: parsing a plan document on upload. Other apps register theirs in their
``ready()`` (:mod:`yigai.apps.jobs.kinds`). Each handler ends the job itself (:func:`job_finish` or
:func:`job_fail`); an exception that escapes becomes a failure too."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yigai.apps.jobs.kinds import JobKind, register
from yigai.apps.jobs.models import Job
from yigai.apps.jobs.services import job_fail, job_finish, job_progress


def plan_import(job: Job, data: bytes) -> None:
    from yigai.apps.orgunits.models import OrgUnit
    from yigai.apps.plans import services

    region_pk = (job.params or {}).get("region")
    region = OrgUnit.objects.filter(pk=region_pk).first() if region_pk else None
    job_progress(job=job, progress=10, message=_("正在识别文件内容"))
    try:
        result = services.plan_import(
            name=job.file_name,
            data=data,
            org_unit=job.user.org_unit if job.user else None,
            user=job.user,
            region=region,
        )
    except services.ImportRejected as exc:
        job_fail(job=job, message=exc.message)
        return
    note = (
        _("已导入：%(plan)s") if result.created else _("该文件此前已导入（内容相同），未重复保存：%(plan)s")
    )
    job_finish(
        job=job,
        message=note % {"plan": result.plan},
        result_url=reverse("plans:detail", args=[result.plan.pk]),
    )


register(JobKind("plan_import", plan_import, label=_lazy("方案文件识别")))
