"""The Excel import as background jobs (ADR 0005): ``ledger_preview`` reads and checks an uploaded ledger
workbook and keeps it for the confirm step; ``ledger_apply`` reads it again and applies it in one
transaction, provided it still changes what the user confirmed. Both run in the memory- and time-capped
child process, report the rows read and checked, and leave the preview (the same diff the upload page
showed) in ``job.result`` for the job page (``ledger/_import_preview.html``).

``job.result``: ``preview`` (:func:`~yigai.apps.ledger.excel_import.preview_data`), ``applied``,
``confirmable`` (the job's file is kept and its diff may be confirmed by its owner) and ``confirmed``
(set by the confirm view, which hands the file to a ``ledger_apply`` job).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yigai.apps.jobs.kinds import JobKind, register
from yigai.apps.jobs.models import Job
from yigai.apps.jobs.services import ProgressReporter, job_fail, job_finish

if TYPE_CHECKING:
    from yigai.apps.ledger.excel_import import Preview, Progress

# excel_import (openpyxl, numpy) is imported by the jobs when they run: registering the kinds happens at
# every start-up (AppConfig.ready), and every `yigai` command and web process would pay ~0.5 s for it.


def _progress(job: Job) -> Progress:
    report = ProgressReporter(job)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "read":
            share = done / total if total else 0.0
            report(5 + int(55 * share), _("已读取 %(n)s 行") % {"n": f"{done:,}"})
        elif stage == "check":
            report(
                60 + 35 * done // max(total, 1),
                _("正在核对第 %(n)s / %(total)s 行") % {"n": done, "total": total},
            )
        else:
            report(95, _("正在写入改动（%(n)s / %(total)s 行）") % {"n": done, "total": total}, force=True)

    return progress


def _end(job: Job, p: Preview, *, applied: bool) -> None:
    from yigai.apps.ledger import excel_import

    confirmable = not applied and not p.errors and bool(p.changes)
    job.result = {"preview": excel_import.preview_data(p), "applied": applied, "confirmable": confirmable}
    if p.errors:
        message = _("%(file)s 有 %(n)s 处错误，未导入任何数据") % {"file": p.file_name, "n": len(p.errors)}
        job_fail(job=job, message=message)
    else:
        job_finish(job=job, message=excel_import.summary(p, applied=applied), keep_file=confirmable)


def ledger_preview(job: Job, data: bytes) -> None:
    if job.user is None:
        job_fail(job=job, message=_("%(file)s：上传人的账号已不存在") % {"file": job.file_name})
        return
    from yigai.apps.ledger import excel_import

    p = excel_import.preview(user=job.user, file_name=job.file_name, data=data, progress=_progress(job))
    _end(job, p, applied=False)


def ledger_apply(job: Job, data: bytes) -> None:
    if job.user is None:
        job_fail(job=job, message=_("%(file)s：上传人的账号已不存在") % {"file": job.file_name})
        return
    from yigai.apps.ledger import excel_import

    digest = str((job.params or {}).get("digest", ""))
    try:
        done = excel_import.apply(
            user=job.user, file_name=job.file_name, data=data, digest=digest, progress=_progress(job)
        )
    except excel_import.ImportRejected as exc:
        _end(job, excel_import.Preview(job.file_name, errors=exc.errors), applied=False)
    except excel_import.PreviewMoved as exc:  # the new diff, confirmable in its turn
        job.result = {"preview": excel_import.preview_data(exc.preview), "applied": False,
                      "confirmable": bool(exc.preview.changes), "moved": True}  # fmt: skip
        job_fail(
            job=job,
            message=_("预览后台账又有变化，请核对下面最新的改动后再确认"),
            keep_file=bool(exc.preview.changes),
        )
    else:
        _end(job, done, applied=True)


def register_kinds() -> None:
    template = "ledger/_import_preview.html"
    register(
        JobKind("ledger_preview", ledger_preview, label=_lazy("台账 Excel 预览"), result_template=template)
    )
    register(JobKind("ledger_apply", ledger_apply, label=_lazy("台账 Excel 导入"), result_template=template))
