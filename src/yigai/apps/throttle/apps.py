from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThrottleConfig(AppConfig):
    name = "yigai.apps.throttle"
    label = "throttle"
    verbose_name = _("访问频率限制")

    def ready(self) -> None:
        from django.core.checks import register

        from yigai.apps.throttle.checks import sqlite_version_check

        register(sqlite_version_check)
