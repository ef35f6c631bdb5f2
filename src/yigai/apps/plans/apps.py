from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yigai.apps.plans"
    label = "plans"
    verbose_name = "方案"
