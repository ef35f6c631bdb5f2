"""The HTTP API (django-ninja): session auth for the browser, bearer tokens for machine clients."""

from __future__ import annotations

from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, django_auth

from yigai.apps.accounts.services import TokenRefused, api_token_authenticate
from yigai.apps.indicators.api import router as indicators_router
from yigai.apps.ledger.api import router as ledger_router
from yigai.apps.plans.api import router as plans_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yg_…``; the token's SHA-256 is looked up, never the key itself. A valid token
    of an administrator role (no second factor) or of a disabled account answers 403 with the reason."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = api_token_authenticate(key=token, request=request)
        except TokenRefused as exc:
            raise AuthorizationError(message=str(exc)) from exc
        if user is not None:
            request.user = user
            request.token_auth = True  # type: ignore[attr-defined]  # no session for token clients
        return user


api = NinjaAPI(
    title="yigai 医改工作平台 API",
    version="1",
    description="方案、任务的查询与导入。机器客户端使用 Bearer 令牌（`yigai token 用户名` 生成）。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/", plans_router)
api.add_router("/", ledger_router)
api.add_router("/", indicators_router)


def out_of_range(request: HttpRequest, exc: Any) -> HttpResponse:  # Any: ninja types handlers per class
    """An id, plan or offset beyond the database's integer range (PostgreSQL: "bigint out of range";
    SQLite: OverflowError) is the client's mistake: 400, not a server error (found by schemathesis)."""
    return api.create_response(request, {"detail": "参数超出范围（整数过大）"}, status=400)


api.add_exception_handler(DataError, out_of_range)
api.add_exception_handler(OverflowError, out_of_range)
