"""待办 and 督办 pages: each parses, calls one selector (or service), renders (CONVENTIONS.md §4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.ledger.services import lights_ensure
from yigai.apps.todo import notices, selectors, services
from yigai.core.permissions import Perm, may


@login_required
def todo(request: AuthedRequest) -> HttpResponse:
    """The user's 待办 (their landing page): every section their rights give them."""
    lights_ensure()  # the day's first read refreshes the stored lights
    filled = selectors.todo_page(user=request.user, today=timezone.localdate())
    context = {"sections": filled, "total": sum(f.count for f in filled), "today": timezone.localdate()}
    return render(request, "todo/todo.html", context)


@login_required
@require_POST
def reminders_read(request: AuthedRequest) -> HttpResponse:
    n = services.reminders_mark_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条提醒标为已读") % {"n": n})
    return redirect("todo:index")


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    """Every 督办单 in the user's jurisdiction, filtered (state, unit, plan, reply dates) and paged."""
    if not may(request.user, Perm.LIST_NOTICES):
        raise PermissionDenied(_("无权查看督办清单"))
    today = timezone.localdate()
    f = notices.NoticeFilters.parse(request.GET)
    qs = notices.notice_list(user=request.user, filters=f, today=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": f, "today": today, "rows": notices.rows(page.object_list, today),
        "plans": notices.plan_choices(user=request.user), "states": notices.STATE_CHOICES,
    }  # fmt: skip
    return render(request, "todo/notices.html", context)
