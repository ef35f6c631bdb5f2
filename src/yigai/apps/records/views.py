"""The analyst's page: the record zone (batches, never rows), a form that runs a computation as a
background job, and the provenance of past runs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.jobs.services import JobsBusy, job_create
from yigai.apps.records.forms import ComputeForm
from yigai.apps.records.selectors import record_runs
from yigai.apps.records.services import data_dir, may_compute
from yigai.core.records import batches, shipped_specs
from yigai.core.records.definitions import shipped_definitions
from yigai.core.records.reference import zone_drg_weights


def _allowed(request: AuthedRequest) -> None:
    if not may_compute(request.user):
        raise PermissionDenied


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    _allowed(request)
    form = ComputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        params = {"engine": d["engine"], "indicators": [d["indicator"]] if d["indicator"] else [],
                  "period": d["period"], "store": d["store"], "reason": d["reason"]}  # fmt: skip
        try:
            job = job_create(
                kind="records_compute", user=request.user, file_name="记录级指标计算", data=b"", params=params
            )
        except JobsBusy as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("jobs:detail", job.pk)
    zone = data_dir()
    datasets = [{"spec": spec, "batches": batches(zone, spec.code)} for spec in shipped_specs().values()]
    context = {"form": form, "datasets": datasets, "weights": zone_drg_weights(zone),
               "runs": record_runs(user=request.user)[:20]}  # fmt: skip
    return render(request, "records/index.html", context, status=429 if form.non_field_errors() else 200)


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(record_runs(user=request.user), pk=pk)
    catalogue = shipped_definitions().catalogue
    names = {code: catalogue.indicator(code) for code in run.indicators}
    rows = [
        {**r, "name": names[r["indicator"]].name if r["indicator"] in names else r["indicator"],
         "unit": names[r["indicator"]].unit if r["indicator"] in names else ""}
        for r in run.summary
    ]  # fmt: skip
    province = [r for r in rows if r.get("level") == "province"]
    return render(request, "records/run.html", {"run": run, "rows": province})
