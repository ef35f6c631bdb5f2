"""One row per rate-limited client and scope: the current fixed window and its hit count."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """``bucket`` is ``"<scope>:<client>"`` (``api:t:<token hash>``, ``login:ip:10.1.1.1``); ``period`` the
    number of the fixed window (epoch seconds // window length) the ``hits`` belong to; ``expires`` (epoch
    seconds) when the row may be deleted."""

    bucket = models.CharField(max_length=120, primary_key=True)
    period = models.BigIntegerField()
    hits = models.PositiveIntegerField()
    expires = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.hits} in window {self.period}"
