from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "yigai.apps.access"
    label = "access"
    verbose_name = _("医疗服务圈")
