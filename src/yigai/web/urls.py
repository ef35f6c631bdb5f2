"""Top-level URLs: the UI apps, login, the API (OpenAPI docs at /api/docs) and i18n switching."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults

from yigai.apps.accounts import views as account_views
from yigai.apps.dashboard.views import home
from yigai.web.api import api

urlpatterns = [
    path("", home, name="home"),  # leaders: the dashboard; others: the plan list
    path("login/", account_views.login_view, name="login"),  # disabled/expired accounts get a clear message
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("yigai.apps.plans.urls")),
    path("orgunits/", include("yigai.apps.orgunits.urls")),
    path("ledger/", include("yigai.apps.ledger.urls")),
    path("indicators/", include("yigai.apps.indicators.urls")),
    path("dashboard/", include("yigai.apps.dashboard.urls")),
    path("account/", include("yigai.apps.accounts.urls")),
    path("audit/", include("yigai.apps.audit.urls")),
    path("jobs/", include("yigai.apps.jobs.urls")),
    path("api/", api.urls),
]


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 outside the API's own handlers (a middleware failing on an /api/ path) is JSON there too."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试；如持续出现请联系管理员"}, status=500)
    return defaults.server_error(request)


handler500 = server_error
