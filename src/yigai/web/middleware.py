"""Small request helpers for htmx (instead of a dependency for one attribute)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class HtmxMiddleware:
    """Sets ``request.htmx`` to True for requests htmx makes (header ``HX-Request: true``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = request.headers.get("HX-Request") == "true"  # type: ignore[attr-defined]  # our attribute
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response the application itself produces: item pages, lists,
    exports, evidence, the briefing, audit pages and the API all hold ledger or personal data, so no browser
    or shared proxy may keep a copy. Static files never reach this middleware (WhiteNoise answers them
    earlier with its own long-lived caching); the server-side page cache (ADR 0004) is not affected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        return response
