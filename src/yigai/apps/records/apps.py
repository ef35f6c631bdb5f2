from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "yigai.apps.records"
    label = "records"
    verbose_name = _("记录级数据")

    def ready(self) -> None:
        from yigai.apps.jobs.kinds import JobKind, register
        from yigai.apps.records.jobs import records_compute_job

        # Registered here rather than in the jobs app, which stays ignorant of records (ADR 0005,
        # "Adding a job kind"). A province's computation reads the record zone out of core (DuckDB spills to
        # disk under its own memory limit) or starts a Spark driver JVM, whose reserved address space alone
        # exceeds the default 2 GB cap: this kind gets 16 GB of address space and an hour.
        register(
            JobKind(
                "records_compute",
                records_compute_job,
                label=_("记录级指标计算"),
                memory_mb=16384,
                timeout=3600,
            )
        )
