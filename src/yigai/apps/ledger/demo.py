"""Demo state for the ledger, all marked 示例数据: progress reports, a 申请销号 with a generated evidence
image, a 已销号 item, a 督办单, Langfang reporters, and 2027 元旦/春节 overrides (the official 2027
schedule is not in the chinese-calendar package, so these days are illustrative admin entries).

Idempotent: applied once per demo ledger (a ledger that already has transitions is left alone).
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import Role, User
from yigai.apps.accounts.services import user_upsert
from yigai.apps.ledger.models import HolidayOverride, Ledger, LedgerItem, Transition
from yigai.apps.ledger.services import (
    holiday_set,
    item_transition,
    notice_issue,
    progress_report_submit,
)
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.units.services import unit_ensure

LANGFANG_SAMPLE = "003_ee25766b79f023db.txt"
# username, role, org unit code, unit, display name
USERS = [
    ("reporter_lf", Role.UNIT_REPORTER, "131000", "市卫生健康委", "廊坊市卫健委填报员（示例）"),
    ("reporter_ga", Role.UNIT_REPORTER, "131022", "固安县人民政府", "固安县政府填报员（示例）"),
    ("reviewer_lf", Role.REVIEWER, "131000", "市卫生健康委", "廊坊市卫健委审核员（示例）"),
]
# 2027 holidays as an administrator would enter them once announced — illustrative (示例数据).
HOLIDAYS_2027 = [(dt.date(2027, 1, 1), False, "元旦（示例）")]
HOLIDAYS_2027 += [(dt.date(2027, 2, 5) + dt.timedelta(days=i), False, "春节（示例）") for i in range(8)]
HOLIDAYS_2027 += [(dt.date(2027, 2, 20), True, "春节调休上班（示例）")]
PROGRESS = [(30, "已制定工作方案，正在组织摸底调查。"), (60, "已完成摸底，正在推进重点项目建设。"),
            (45, "已召开推进会，部分县（市、区）已启动。"), (80, "主体工作基本完成，正在完善配套制度。")]  # fmt: skip


def demo_png(text_seed: str = "yigai") -> bytes:
    """A small generated PNG (a green bar on white) standing in for a scanned 佐证材料."""
    width, height = 120, 40
    rows = b"".join(
        b"\x00" + b"".join(b"\x2e\x7d\x32" if 8 <= y < 32 and x < 8 + len(text_seed) * 10 else b"\xff\xff\xff"
                           for x in range(width))
        for y in range(height)
    )  # fmt: skip

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _users() -> dict[str, User]:
    made = {}
    for login, role, code, unit, display in USERS:
        made[login], _ = user_upsert(
            username=login, password="yigai2026", role=role, org_unit=OrgUnit.objects.get(code=code),
            unit=unit_ensure(name=unit), display_name=display, is_demo=True,
        )  # fmt: skip
    return made


def _report(
    item: LedgerItem, user: User, percent: int, text: str, files: tuple[tuple[str, bytes], ...] = ()
) -> LedgerItem:
    progress_report_submit(item=item, user=user, text=f"{text}（示例数据）", percent=percent,
                           expected_version=item.version, files=files, is_demo=True)  # fmt: skip
    return LedgerItem.objects.get(pk=item.pk)


def _activity(ledger: Ledger, users: dict[str, User]) -> None:
    reporter, reviewer = users["reporter_lf"], users["reviewer_lf"]
    own = list(
        ledger.items.filter(lead_unit=reporter.unit, org_unit=reporter.org_unit).order_by("order", "pk")[:7]
    )
    owner = User.objects.filter(username="owner").first()
    if owner is not None:  # 2025 deadlines, extended as offices do (延期)
        for i, item in enumerate(own[:5]):
            new = dt.date(2027, 6, 30) if i % 2 else dt.date(2026, 12, 31)
            item = item_transition(item=item, action="request_extension", user=reporter, expected_version=item.version,
                                   reason="受项目审批进度影响，申请延期（示例数据）", new_deadline=new)  # fmt: skip
            own[i] = item_transition(item=item, action="approve_extension", user=owner, expected_version=item.version)  # fmt: skip
    for item, (percent, text) in zip(own[:4], PROGRESS, strict=False):
        _report(item, reporter, percent, text)
    evidence = (("验收材料（示例）.png", demo_png()),)
    for item in own[4:6]:
        item = _report(item, reporter, 100, "任务已完成，附验收材料。", evidence)
        item = item_transition(
            item=item, action="request_close", user=reporter, expected_version=item.version
        )
    closed = LedgerItem.objects.get(pk=own[5].pk)
    item_transition(item=closed, action="approve_close", user=reviewer, expected_version=closed.version)
    if len(own) > 6:
        reply_by = timezone.localdate() + dt.timedelta(days=7)
        notice_issue(item=own[6], user=reviewer, content="该事项已逾期且未报送进展，请于期限内说明原因并报送整改措施。（示例数据）",
                     reply_by=reply_by, is_demo=True)  # fmt: skip
    county = ledger.items.filter(org_unit=users["reporter_ga"].org_unit).order_by("order", "pk").first()
    if county is not None:
        _report(county, users["reporter_ga"], 50, "县医共体牵头医院已确定，正在推进人财物统一管理。")


@transaction.atomic
def ledger_demo_load() -> list[tuple[str, str, str, bool]]:
    """Apply the demo ledger state; returns the demo users it made (login, role, place, created)."""
    for day, is_workday, name in HOLIDAYS_2027:
        if (
            not HolidayOverride.objects.filter(date=day).exclude(is_demo=True).exists()
        ):  # never over an admin's
            holiday_set(date=day, is_workday=is_workday, name=name, is_demo=True)
    users = _users()
    ledger = Ledger.objects.filter(plan__source=LANGFANG_SAMPLE, plan__is_demo=True).first()
    if ledger is not None and not Transition.objects.filter(item__ledger=ledger).exists():
        _activity(ledger, users)
    return [
        (u.username, str(Role(u.role).label), u.org_unit.name if u.org_unit else "", False)
        for u in users.values()
    ]
