"""The medical service circle page: coverage by area, the map of covered and uncovered points, the gap list
and the ranked new 卫生院 sites, for a scope the user may see (their own org unit by default)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yigai.apps.access import selectors
from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.dashboard.inputs import access_scope
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.permissions import Perm, may


def _scope(request: AuthedRequest) -> OrgUnit:
    if not may(request.user, Perm.VIEW):
        raise PermissionDenied(_("无权查看"))
    return access_scope(user=request.user, code=request.GET.get("org", ""))


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    run = selectors.run_latest(scope=scope)
    context: dict[str, object] = {"scope": scope, "run": run}
    if run is not None:
        total, areas = selectors.coverage_by_area(run=run, scope=scope)
        context.update(
            total=total,
            areas=areas,
            gaps=list(selectors.gap_list(run=run, scope=scope)),
            sites=list(selectors.site_list(run=run, scope=scope)),
            up=scope.parent if scope.parent_id and scope != request.user.org_unit else None,
            map_config={
                "scope": scope.code,
                "geoUrl": reverse("dashboard:geometry"),
                "pointsUrl": reverse("access:points"),
            },
        )
    return render(request, "access/index.html", context)


@login_required
def points(request: AuthedRequest) -> JsonResponse:
    """The points of the latest run inside the scope, for the map layer."""
    scope = _scope(request)
    run = selectors.run_latest(scope=scope)
    data = (
        selectors.map_points(run=run, scope=scope) if run else {"points": [], "minutes": None, "method": ""}
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
