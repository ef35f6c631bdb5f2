from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "yigai.apps.ledger"
    label = "ledger"
    verbose_name = _("工作台账")

    def ready(self) -> None:
        from yigai.apps.ledger.excel_jobs import register_kinds

        register_kinds()
