"""Issue 13, finding 3: a 459 KB workbook of 200,000 rows × 14 cells sent by any reporter to
/ledger/import/ took 52 s and 1.16 GB of a web worker. Now the ledger workbook is streamed (read-only) and
refused at the row, cell and expansion limits with a message naming the file — here with lowered limits."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hostile_files import wide_xlsx

from yigai.apps.ledger import excel_import
from yigai.apps.ledger.excel_layout import HEADERS
from yigai.core.limits import Limits

pytestmark = pytest.mark.django_db


def test_workbook_over_the_cell_cap_is_refused_on_the_page(client, plan, users, settings) -> None:
    settings.INPUT_LIMITS = dataclasses.replace(Limits(), max_rows=100_000, max_cells=2000)
    client.force_login(users["lead"])
    data = wide_xlsx(200, cols=len(HEADERS), header=HEADERS)
    response = client.post(reverse("ledger:upload"), {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "台账.xlsx" in page and "超过 2000 个单元格（行 × 列）的上限" in page


def test_workbook_over_the_expansion_cap_is_refused(plan, users, settings) -> None:
    settings.INPUT_LIMITS = dataclasses.replace(Limits(), max_unzipped_bytes=200_000)
    data = wide_xlsx(2000, cols=len(HEADERS), header=HEADERS)
    preview = excel_import.preview(user=users["lead"], file_name="台账.xlsx", data=data)
    assert (
        len(preview.errors) == 1 and "解压后共" in preview.errors[0] and "疑似压缩炸弹" in preview.errors[0]
    )
    assert preview.errors[0].startswith("台账.xlsx")


def test_workbook_over_the_upload_size_is_refused(plan, users, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 10_000
    data = wide_xlsx(2000, cols=len(HEADERS), header=HEADERS)
    preview = excel_import.preview(user=users["lead"], file_name="台账.xlsx", data=data)
    assert len(preview.errors) == 1 and "文件过大" in preview.errors[0]
