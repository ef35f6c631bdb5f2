"""Demo state for the ledger, all marked 示例数据: the Langfang users, tasks the province assigns to 雄县 and
容城县, the history of every demo ledger up to today (:mod:`yigai.apps.ledger.demo_history`: reports with
generated evidence images, closures, extensions, 督办单), and 2027 元旦/春节 overrides (the official 2027
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
from yigai.apps.ledger.demo_history import Story, clock, history_play
from yigai.apps.ledger.models import HolidayOverride, Ledger, Transition
from yigai.apps.ledger.services import holiday_set, item_add
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.units.services import unit_ensure

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


#: 雄县 and 容城县 (雄安新区): tasks of the provincial plan the province assigns to the counties by hand
#: (新增一件、挂账一项) — what reporter_xx and reporter_rc see. (title, text, days from today to the deadline)
COUNTY_TASKS = [
    ("推进紧密型县域医共体建设", "完成县域医共体人财物统一管理，牵头医院托管乡镇卫生院。", 200),
    ("提升乡镇卫生院服务能力", "每个乡镇卫生院至少建成1个特色科室，开展常见病多发病诊疗。", 7),
    ("做实家庭医生签约服务", "重点人群签约服务覆盖率达到75%以上，签约居民满意度持续提升。", 380),
    ("推进健康县区建设", "对照健康县区建设标准，完成健康社区、健康单位、健康家庭创建。", 120),
    ("完善基层医疗卫生机构标准化建设", "完成村卫生室标准化改造，实现医保结算全覆盖。", -30),
]
COUNTIES = [("130638", "雄县人民政府"), ("130629", "容城县人民政府")]
PROVINCE_SAMPLE = "004_1b0c466c5f0781b2.txt"


def _county_items(ledger: Ledger, owner: User, today: dt.date) -> None:
    """The province's owner assigns tasks to 雄县 and 容城县 (on a day in the past, as it would have)."""
    section = ledger.items.filter(org_unit__code="133100").order_by("order", "pk").first()
    for code, unit_name in COUNTIES:
        place, unit = OrgUnit.objects.get(code=code), unit_ensure(name=unit_name)
        if ledger.items.filter(org_unit=place).exists():
            continue
        for k, (title, text, days) in enumerate(COUNTY_TASKS):
            start = today - dt.timedelta(days=300 - 20 * k)
            with clock(timezone.make_aware(dt.datetime.combine(start, dt.time(9, 30)))):
                item_add(ledger=ledger, user=owner, title=f"{place.name}：{title}", text=f"{text}（示例数据）",
                         lead_unit=unit, org_unit=place, start=start, deadline=today + dt.timedelta(days=days),
                         section=section.section if section else None)  # fmt: skip


def _activity(ledgers: list[Ledger], users: dict[str, User]) -> Story | None:
    """The history of the demo ledgers (see :mod:`yigai.apps.ledger.demo_history`)."""
    demo = {u.username: u for u in User.objects.filter(username__in=["owner", "owner_bd", "reviewer"])}
    if len(demo) < 3:  # the ledger's own demo (tests) without the platform's users: nothing to play
        return None
    today = timezone.localdate()
    province = next((x for x in ledgers if x.plan.source == PROVINCE_SAMPLE), None)
    if province is not None:
        _county_items(province, demo["owner"], today)
    path = {c: OrgUnit.objects.get(code=c).path for c in ("131000", "130600", "130000")}
    reviewers = {path["131000"]: users["reviewer_lf"], path["130000"]: demo["reviewer"]}
    owners = {path["130600"]: demo["owner_bd"], path["130000"]: demo["owner"]}
    return history_play(ledgers=ledgers, reviewers=reviewers, owners=owners, evidence=demo_png())


@transaction.atomic
def ledger_demo_load() -> list[tuple[str, str, str, bool]]:
    """Apply the demo ledger state; returns the demo users it made (login, role, place, created)."""
    for day, is_workday, name in HOLIDAYS_2027:
        if (
            not HolidayOverride.objects.filter(date=day).exclude(is_demo=True).exists()
        ):  # never over an admin's
            holiday_set(date=day, is_workday=is_workday, name=name, is_demo=True)
    users = _users()
    fresh = [
        x for x in Ledger.objects.filter(plan__is_demo=True).select_related("plan").order_by("pk")
        if not Transition.objects.filter(item__ledger=x).exists()
    ]  # fmt: skip
    if fresh:
        _activity(fresh, users)
    return [
        (u.username, str(Role(u.role).label), u.org_unit.name if u.org_unit else "", False)
        for u in users.values()
    ]
