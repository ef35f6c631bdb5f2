"""Deploy check (``yigai manage check --deploy``): in production the audit chain key and the backup signing
key must be configured, since neither is ever created silently there (the first audit write would fail)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from yigai.core.keys import AUDIT, BACKUP, IntegrityKeyError, load_integrity_key


@register(Tags.security, deploy=True)
def integrity_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    production = os.environ.get("YIGAI_ENV", "development") == "production"
    errors = []
    for n, spec in enumerate((AUDIT, BACKUP), start=1):
        try:
            load_integrity_key(spec, data_dir=Path(settings.DATA_DIR), production=production)
        except IntegrityKeyError as exc:
            errors.append(Error(str(exc), id=f"yigai.E11{n}"))
    return errors
