"""Indicator pages render for a logged-in user; the entry form respects locks; import shows row errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from indicator_files import csv_bytes

from yigai.apps.indicators.models import DataValue
from yigai.apps.indicators.services import approval_approve
from yigai.apps.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(client, catalogue, make_user):
    client.force_login(make_user("cu", "unit_reporter", "131002"))
    return client


def test_pages_render(reporter) -> None:
    assert "每千人口医疗卫生机构床位数" in reporter.get("/indicators/").content.decode()
    assert reporter.get("/indicators/targets/").status_code == 200
    assert reporter.get("/indicators/entry/?org=131003").status_code == 404  # another county


def test_entry_saves_and_locks(reporter) -> None:
    response = reporter.post(
        "/indicators/entry/?org=131002&period=2024", {"org": "131002", "period": "2024", "v:NURSES:": "3769"}
    )
    assert response.status_code == 302 and DataValue.objects.get().value == 3769
    bad = reporter.post("/indicators/entry/", {"org": "131002", "period": "2024", "v:NURSES:": "很多"})
    assert bad.status_code == 400 and "不是数值" in bad.content.decode()
    approval_approve(user=None, org_unit=OrgUnit.objects.get(code="131002"), period="2024")
    page = reporter.get("/indicators/entry/?org=131002&period=2024").content.decode()
    assert "已审核锁定" in page and "disabled" in page


def test_import_page_lists_row_errors(reporter) -> None:
    upload = SimpleUploadedFile(
        "bad.csv",
        csv_bytes([["org_unit", "data_element", "period", "value"], ["131002", "BEDS", "20X3", "1"]]),
    )
    page = reporter.post("/indicators/import/", {"file": upload})
    assert (
        page.status_code == 400
        and "bad.csv" in page.content.decode()
        and "无法识别的期间" in page.content.decode()
    )
