from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "yigai.apps.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from yigai.apps.jobs import handlers, tasks  # noqa: F401  # register the huey task and plan_import
