"""Top-level URLs: the UI apps, login, the API (OpenAPI docs at /api/docs) and i18n switching."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("assessment/", include("yigai.apps.assessment.urls")),
    path("access/", include("yigai.apps.access.urls")),
    path("records/", include("yigai.apps.records.urls")),
    path("todo/", include("yigai.apps.todo.urls")),
    path("api/", api.urls),
]

# Chinese error answers (HTML for pages, JSON under /api/): yigai.web.errors
handler400 = "yigai.web.errors.bad_request"
handler403 = "yigai.web.errors.permission_denied"
handler404 = "yigai.web.errors.page_not_found"
handler500 = "yigai.web.errors.server_error"
