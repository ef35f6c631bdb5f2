"""The job page: state, progress and message; while the job runs, htmx polls the status fragment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.jobs.models import Job


def _own_job(request: AuthedRequest, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, user=request.user).first()
    if job is None:  # another user's job is as absent as a missing one
        raise Http404
    return job


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job.html", {"job": _own_job(request, pk)})


@login_required
def job_status(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/_status.html", {"job": _own_job(request, pk)})
