"""Reads of the records app (CONVENTIONS §3): the provenance of past computations. Runs are province-wide
(they cover every county), so only those who may compute — province-level users with the right to approve
values (:func:`yigai.apps.records.services.may_compute`) — see any; everyone else gets none."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yigai.apps.records.models import RecordRun
from yigai.apps.records.services import may_compute


def record_runs(*, user: Any) -> QuerySet[RecordRun]:
    """Past runs, newest first as the model orders them, for a user who may see them; otherwise none."""
    runs = RecordRun.objects.select_related("user", "values_batch")
    return runs if may_compute(user) else runs.none()
