"""The item page names every unit the way its lead is named — of the item's place: a 保定市 item's
配合单位 are 保定市医疗保障局 and 保定市财政局, and a report by the lead's reporter is signed
保定市卫生健康委, not the bare 市医疗保障局 / 市卫生健康委 a city 任务分工表 writes (which read as the
province's or nobody's). Found walking a city plan published for 廊坊市: lead 廊坊市卫生健康委, co
"市人力资源和社会保障局、市财政局", reports by "市卫生健康委"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yigai.apps.ledger.services import progress_report_submit

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>|\s+", "", html)


def test_co_units_and_report_authors_carry_the_place(client, users, t1) -> None:
    progress_report_submit(item=t1, user=users["lead"], text="已完成方案起草", percent=30, expected_version=1)
    progress_report_submit(item=t1, user=users["co"], text="已拨付资金", percent=None, expected_version=2)
    client.force_login(users["owner"])
    page = _text(client.get(reverse("ledger:item", kwargs={"code": t1.code})).content.decode())
    co = re.search(r"配合单位：(.*?)开始日期", page)
    assert co and set(co.group(1).split("、")) == {"保定市医疗保障局", "保定市财政局"}
    assert "·保定市卫生健康委·" in page
    assert "·保定市医疗保障局（配合单位）·" in page
    assert "·市卫生健康委·" not in page
