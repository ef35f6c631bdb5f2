"""The import page offers every format the import accepts: a city 任务分工表 often comes as an Excel
sheet or an old Word file, and the page's file picker (accept=".docx,.pdf,.txt,.html,.htm,.md") hid
.xlsx/.doc/.wps/.rtf although the service reads them — the owner could not pick the file at all. The
size it states is the configured limit, not a hard-coded 20."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yigai.apps.plans.services.imports import DOCUMENT_EXTENSIONS

pytestmark = pytest.mark.django_db


def test_the_picker_accepts_what_the_import_reads(client, make_user, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 35 * 1024 * 1024
    client.force_login(make_user("owner", "plan_owner", "130000", "省卫生健康委"))
    html = client.get(reverse("plans:import")).content.decode()
    accept = re.search(r'<input type="file" name="file"[^>]*accept="([^"]+)"', html)
    assert accept and set(accept.group(1).split(",")) == set(DOCUMENT_EXTENSIONS)
    assert "Excel（.xlsx）" in html and "35 MB" in html
