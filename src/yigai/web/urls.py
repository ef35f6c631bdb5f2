"""Top-level URLs: the UI apps, login, the API (OpenAPI docs at /api/docs) and i18n switching."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from yigai.web.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False)),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("yigai.apps.plans.urls")),
    path("orgunits/", include("yigai.apps.orgunits.urls")),
    path("api/", api.urls),
]
