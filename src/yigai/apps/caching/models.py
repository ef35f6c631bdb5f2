"""One row per kind of data (``ledger``, ``plans``, …): ``n`` grows with every write to its tables."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """Moved only by database triggers (:mod:`yigai.apps.caching.triggers`), never by application code."""

    name = models.CharField(max_length=32, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.n}"
