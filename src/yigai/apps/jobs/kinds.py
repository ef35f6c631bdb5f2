"""The kinds of job and how to add one (ADR 0005, "Adding a job kind").

A kind is a name, a handler ``(job, input bytes) -> None`` that ends the job itself (:func:`job_finish` or
:func:`job_fail` in :mod:`yigai.apps.jobs.services`), its limits (memory and time of the child process;
None takes ``YIGAI_JOB_MEMORY_MB`` / ``YIGAI_JOB_TIMEOUT``) and, optionally, a template the job page
includes once the job has ended (it gets ``job`` and ``job.result``). An app registers its kinds in its
``AppConfig.ready()``, so the worker and the child process (both run ``django.setup()``) know them::

    register(JobKind("ledger_preview", ledger_preview, label=_("台账 Excel 预览"),
                     result_template="ledger/_import_preview.html"))

A handler reports progress through :class:`~yigai.apps.jobs.services.ProgressReporter` (throttled, so
it may be called for every row) and puts what the page shows in ``job.result`` (JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yigai.apps.jobs.models import Job

Handler = Callable[[Job, bytes], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    label: Any = ""  # what the job page calls it (a lazy translation)
    memory_mb: float | None = None  # the child's address-space cap; None: YIGAI_JOB_MEMORY_MB (2048)
    timeout: float | None = None  # seconds before the child is killed; None: YIGAI_JOB_TIMEOUT (300)
    result_template: str = ""  # included on the job page once the job has ended


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Add a kind (registering the same name again replaces it: apps are set up once per process)."""
    KINDS[kind.name] = kind
    return kind


def kind_of(job: Job) -> JobKind | None:
    return KINDS.get(job.kind)
