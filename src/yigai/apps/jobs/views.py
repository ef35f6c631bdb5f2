"""The job page: state, progress and message; while the job runs, htmx polls the status fragment. A kind
with a result template (:mod:`yigai.apps.jobs.kinds`) shows its result below once the job has ended; the
status fragment then asks the page to reload (``HX-Refresh``) to show it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.jobs.kinds import kind_of
from yigai.apps.jobs.selectors import access_job


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = access_job(user=request.user, pk=pk)
    kind = kind_of(job)
    context = {"job": job, "kind": kind, "mine": job.user_id == request.user.pk}
    return render(request, "jobs/job.html", context)


@login_required
def job_status(request: AuthedRequest, pk: int) -> HttpResponse:
    job = access_job(user=request.user, pk=pk)
    response = render(request, "jobs/_status.html", {"job": job})
    kind = kind_of(job)
    if job.finished and kind is not None and kind.result_template and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the page shows the result; the fragment alone cannot
    return response
