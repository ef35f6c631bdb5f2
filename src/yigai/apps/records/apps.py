from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "yigai.apps.records"
    label = "records"
    verbose_name = _("记录级数据")

    def ready(self) -> None:
        from yigai.apps.jobs.handlers import HANDLERS
        from yigai.apps.records.jobs import records_compute_job

        # registered here rather than in jobs/handlers.py: the jobs app stays ignorant of records
        HANDLERS.setdefault("records_compute", records_compute_job)
