from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def completeness_threshold_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """A threshold outside (0, 1] would make every figure final (or none): refuse it at start-up."""
    from django.core.checks import Error
    from django.core.exceptions import ImproperlyConfigured

    from yigai.apps.indicators.computing import completeness_threshold

    try:
        completeness_threshold()
    except (ImproperlyConfigured, TypeError, ValueError) as exc:
        return [Error(str(exc), id="yigai.E101")]
    return []


class IndicatorsConfig(AppConfig):
    name = "yigai.apps.indicators"
    label = "indicators"
    verbose_name = _("指标监测")

    def ready(self) -> None:
        from django.core.checks import register

        register(completeness_threshold_check)
