"""The HTTP API (django-ninja): session auth for the browser, bearer tokens for machine clients."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DataError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
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


def docs_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """/api/docs and /api/openapi.json only for logged-in users unless ``API_DOCS_REQUIRE_LOGIN`` is off
    (``YIGAI_API_DOCS_LOGIN=0``): the schema maps every endpoint, which an outsider need not see."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_REQUIRE_LOGIN and not request.user.is_authenticated:
            if request.path.endswith(".json"):
                return JsonResponse({"detail": "请先登录后查看接口文档"}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="yigai 医改工作平台 API",
    version="1",
    description="方案、任务的查询与导入。机器客户端使用 Bearer 令牌（`yigai token 用户名` 生成）。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_decorator=docs_login,
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


log = logging.getLogger("yigai.api")


def busy(request: HttpRequest, exc: Any) -> HttpResponse:  # Any: ninja types handlers per class
    """SQLite still locked after the busy timeout (another long write): 503 with Retry-After, in JSON."""
    if "locked" not in str(exc) and "busy" not in str(exc):
        return server_error(request, exc)
    log.warning("database busy on %s: %s", request.path, exc)
    response = api.create_response(
        request, {"detail": "系统繁忙（数据库正被其他写入占用），请稍后重试"}, status=503
    )
    response["Retry-After"] = "5"
    return response


def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
    """Any other unexpected error: logged with its traceback, answered in JSON (never Django's HTML page)."""
    log.error("unhandled error on %s", request.path, exc_info=exc)
    return api.create_response(
        request, {"detail": "服务器内部错误，请稍后重试；如持续出现请联系管理员"}, status=500
    )


def denied(request: HttpRequest, exc: Any) -> HttpResponse:
    """A refusal from a selector or service (PermissionDenied) keeps its 403 and its sentence, in JSON."""
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


def bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
    """A request Django judged suspicious (a malformed body, too many fields): 400 in JSON."""
    return api.create_response(request, {"detail": "请求格式不正确"}, status=400)


api.add_exception_handler(OperationalError, busy)
api.add_exception_handler(PermissionDenied, denied)
api.add_exception_handler(SuspiciousOperation, bad_request)
api.add_exception_handler(Exception, server_error)
