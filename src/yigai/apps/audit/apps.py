from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "yigai.apps.audit"
    label = "audit"
    verbose_name = _("安全审计")

    def ready(self) -> None:
        import yigai.apps.audit.checks  # deploy check: the integrity keys in production
        import yigai.apps.audit.signals  # noqa: F401  # connects the login/logout/lockout receivers
