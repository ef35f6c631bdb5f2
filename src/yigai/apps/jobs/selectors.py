"""Reads of jobs. A job belongs to the user who started it; nobody else sees it."""

from __future__ import annotations

from django.http import Http404

from yigai.apps.accounts.models import User
from yigai.apps.jobs.models import Job


def access_job(*, user: User, pk: int) -> Job:
    """The user's own job; another user's job is as absent as a missing one (404)."""
    job = Job.objects.filter(pk=pk, user=user).first()
    if job is None:
        raise Http404
    return job
