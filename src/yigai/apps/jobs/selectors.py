"""Reads of jobs. A job belongs to the user who started it; a system administrator may look at it
(``Perm.READ_JOBS``, to help), nobody else sees it, and only its owner acts on it."""

from __future__ import annotations

from django.http import Http404

from yigai.apps.accounts.models import User
from yigai.apps.jobs.models import Job
from yigai.core.permissions import Perm, may


def access_job(*, user: User, pk: int) -> Job:
    """The user's own job, or any job for a reader of jobs; another user's job is as absent as a missing
    one (404)."""
    jobs = Job.objects.all() if may(user, Perm.READ_JOBS) else Job.objects.filter(user=user)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def own_job(*, user: User, pk: int, kinds: tuple[str, ...]) -> Job:
    """The user's own job of one of ``kinds`` (to act on it: nobody acts on another's job), else 404."""
    job = Job.objects.filter(pk=pk, user=user, kind__in=kinds).first()
    if job is None:
        raise Http404
    return job
