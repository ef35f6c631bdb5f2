"""Admin-entered calendar days (节假日、调休上班日) for years the official calendar does not cover yet."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction

from yigai.apps.ledger.models import HolidayOverride
from yigai.apps.ledger.services.lights import lights_invalidate
from yigai.core.ledger import DayOverride, WorkCalendar

COLUMNS = ("date", "is_workday", "name")
_TRUE = {"1", "true", "yes", "y", "是", "工作日", "上班"}
_FALSE = {"0", "false", "no", "n", "否", "休息日", "放假", "节假日"}


class HolidayImportError(ValueError):
    """Row-level errors (``文件 第N行 列：原因``); nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@transaction.atomic
def holiday_set(*, date: dt.date, is_workday: bool, name: str, is_demo: bool = False) -> HolidayOverride:
    """Enter or change one day (one row per date: the latest entry wins)."""
    row, _ = HolidayOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name.strip()[:50], "is_demo": is_demo}
    )
    lights_invalidate()  # workday counts change: every stored light is re-evaluated
    return row


def _parse_row(n: int, raw: dict[str, str | None], where: str) -> tuple[DayOverride | None, list[str]]:
    errors = []
    text = (raw.get("date") or "").strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{where} 第{n}行 date 列：“{text}”不是日期（应为 2027-01-01 这样的格式）")
        day = None
    flag = (raw.get("is_workday") or "").strip().lower()
    if flag not in _TRUE | _FALSE:
        errors.append(f"{where} 第{n}行 is_workday 列：“{flag}”应为 0/1、true/false 或 是/否")
    name = (raw.get("name") or "").strip()
    if not name:
        errors.append(f"{where} 第{n}行 name 列：名称不能为空")
    if errors or day is None:
        return None, errors
    return DayOverride(day, flag in _TRUE, name[:50]), []


@transaction.atomic
def holidays_import(*, file_name: str, data: bytes, is_demo: bool = False) -> int:
    """Import a CSV with columns ``date,is_workday,name``; any bad row and nothing is imported."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HolidayImportError([f"{file_name}：不是 UTF-8 编码的 CSV 文件"]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise HolidayImportError(
            [f"{file_name} 第1行：缺少列 {', '.join(missing)}（须有 {','.join(COLUMNS)}）"]
        )
    days, errors = [], []
    for n, raw in enumerate(reader, start=2):
        day, errs = _parse_row(n, raw, file_name)
        errors += errs
        if day is not None:
            days.append(day)
    if not errors:
        try:
            WorkCalendar(days)  # contradictions within the file
        except ValueError as exc:
            errors.append(f"{file_name}：{exc}")
    if errors:
        raise HolidayImportError(errors)
    for d in days:
        holiday_set(date=d.date, is_workday=d.is_workday, name=d.name, is_demo=is_demo)
    return len(days)
