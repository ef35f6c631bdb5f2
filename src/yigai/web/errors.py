"""Error answers for every route: a Chinese HTML page for pages, ``{"detail": …}`` JSON for ``/api/`` paths.

Used by the URLconf's ``handler403/404/500``, by the CSRF failure view and by the rate limit (429). The
page is a standalone template (no user, menu or database access), so it renders even when the error came
from the database or the session. Under ``DEBUG`` Django shows its own debug pages instead; ``yigai run``
and ``yigai serve`` therefore run with ``DEBUG`` off unless ``YIGAI_DEBUG=1`` (docs/guide/platform.md).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


def _texts() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求有误"), _("请求的内容无法处理，请返回上一页重试。")),
        403: (_("没有权限"), _("您没有权限访问此页面或执行此操作。如需权限，请联系本单位的系统管理员。")),
        404: (_("页面不存在"), _("您访问的页面不存在或已被删除，请检查网址。")),
        429: (_("请求过于频繁"), _("请求过于频繁，请稍后再试")),
        500: (_("服务器出错"), _("服务器出错，已记录错误，请稍后再试；如反复出现请联系系统管理员。")),
    }


def error_response(request: HttpRequest, status: int, *, retry_after: int | None = None) -> HttpResponse:
    """The answer for ``status``: JSON ``detail`` under /api/, else the Chinese error page."""
    title, detail = _texts()[status]
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": f"{title}：{detail}" if status != 429 else detail}, status=status
        )
    else:
        context = {"status": status, "title": title, "detail": detail, "retry_after": retry_after}
        response = HttpResponse(loader.render_to_string("errors.html", context), status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale form (页面停留过久) answers the 403 page rather than Django's English CSRF page."""
    return error_response(request, 403)
