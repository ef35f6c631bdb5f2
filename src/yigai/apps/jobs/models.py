from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of background work and what a page shows of it: state, progress (0–100), a message."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict)
    result_url = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)  # what the page shows once the job ends (its kind's)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: models.Manager[Job] = models.Manager()

    class Meta:
        ordering = ("-pk",)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
