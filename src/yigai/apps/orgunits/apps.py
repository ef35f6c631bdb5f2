from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "yigai.apps.orgunits"
    label = "orgunits"
    verbose_name = "行政区划"
