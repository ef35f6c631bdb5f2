"""Org-unit pages: the reporting tree with population, and the population file import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.orgunits import selectors, services
from yigai.core.permissions import Perm, may


class PopulationForm(forms.Form):
    file = forms.FileField(label=_("人口文件（CSV 或 Excel .xlsx）"))


@login_required
def orgunit_tree(request: AuthedRequest) -> HttpResponse:
    units = selectors.orgunit_list().exclude(level="facility").prefetch_related("population", "groups")
    return render(request, "orgunits/tree.html", {"units": units, "form": PopulationForm()})


def _jurisdiction(request: AuthedRequest) -> str | None:
    """A plan owner imports figures for its own org-unit subtree only; the system admin for all."""
    user = request.user
    if user.role == "admin":
        return None
    return user.org_unit.path if user.org_unit else "\0"


@login_required
def population_import(request: AuthedRequest) -> HttpResponse:
    if not may(request.user, Perm.IMPORT_POPULATION):
        raise PermissionDenied(gettext("无权导入人口数据"))
    form = PopulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = services.population_import(
                file_name=upload.name, data=upload.read(), within=_jurisdiction(request)
            )
        except services.PopulationImportError as exc:
            return render(request, "orgunits/population_errors.html", {"errors": exc.errors}, status=400)
        messages.success(request, gettext("已导入 %(n)s 行人口数据") % {"n": n})
        return redirect("orgunits:tree")
    return redirect("orgunits:tree")
