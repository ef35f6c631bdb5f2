"""The job page: state, progress and message; while the job runs, htmx polls the status fragment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.jobs.selectors import access_job


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job.html", {"job": access_job(user=request.user, pk=pk)})


@login_required
def job_status(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/_status.html", {"job": access_job(user=request.user, pk=pk)})
