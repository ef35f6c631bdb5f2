from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    name = "yigai.apps.caching"
    label = "caching"
    verbose_name = _("数据版本与缓存")

    def ready(self) -> None:
        from yigai.apps.caching.triggers import install_after_migrate

        # After every migrate (and flush): each table of a watched app gets its trigger, new tables too.
        post_migrate.connect(install_after_migrate, dispatch_uid="yigai.caching.triggers")
