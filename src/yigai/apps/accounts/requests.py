"""Request types for views behind ``login_required`` / API auth: ``request.user`` is our User."""

from __future__ import annotations

from django.http import HttpRequest

from yigai.apps.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # narrowed: only authenticated requests reach these views
    htmx: bool  # set by yigai.web.middleware.HtmxMiddleware
