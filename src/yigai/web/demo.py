"""The demo: reference data, the five packaged sample plans and one user per role — idempotent.

Called by ``yigai demo`` / ``yigai run``; everything it creates is marked 示例数据 (``is_demo``).
"""

from __future__ import annotations

import contextlib
import zlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.db import transaction

from yigai.apps.accounts.models import ADMIN_ROLES, Role
from yigai.apps.accounts.otp import otp_device_preset, otp_enrolled
from yigai.apps.accounts.services import user_upsert
from yigai.apps.indicators.demo_data import demo_targets_link, demo_values_load
from yigai.apps.ledger.demo import ledger_demo_load
from yigai.apps.orgunits.models import OrgUnit, Population
from yigai.apps.orgunits.services import orgunit_group_set, orgunits_load_reference
from yigai.apps.plans.models import Plan, Status
from yigai.apps.plans.services import plan_import
from yigai.apps.publishing import PublishRefused, plan_publish
from yigai.apps.units.services import unit_ensure, units_load_directory
from yigai.core.parse import extractor_fingerprint

DEMO_PASSWORD = "yigai2026"  # nosec B105  # the printed password of 示例 accounts, by design
# username, role, org unit code, unit, display name
DEMO_USERS = [
    ("admin", Role.ADMIN, "130000", "省卫生健康委", "系统管理员（示例）"),
    ("owner", Role.PLAN_OWNER, "130000", "省卫生健康委", "省卫健委体改处（示例）"),
    ("owner_bd", Role.PLAN_OWNER, "130600", "市卫生健康委", "保定市卫健委（示例）"),
    ("reviewer", Role.REVIEWER, "130000", "省卫生健康委", "审核员（示例）"),
    ("leader", Role.LEADER, "130000", "省卫生健康委", "分管领导（示例）"),
    ("reporter_xx", Role.UNIT_REPORTER, "130638", "雄县人民政府", "雄县政府填报员（示例）"),
    ("reporter_rc", Role.UNIT_REPORTER, "130629", "容城县人民政府", "容城县政府填报员（示例）"),
    ("secadmin", Role.SECURITY_ADMIN, "130000", "省卫生健康委", "安全管理员（示例）"),
    ("auditor", Role.AUDIT_ADMIN, "130000", "省卫生健康委", "审计管理员（示例）"),
    ("analyst", Role.ANALYST, "130000", "省卫生健康委", "省卫健委统计信息中心（示例）"),
]
# 示例 only: the administrator demo accounts share this TOTP key (RFC 4226's test key "12345678901234567890"),
# printed by `yigai demo` so the second factor can be tried; real accounts enrol their own at first login.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # nosec B105  # 示例 key above, base32 for authenticator apps
DEMO_GROUPS = [("huanjing", "环京地区", ["130600", "131000", "130700", "130800"])]


@dataclass
class DemoReport:
    org_units: int = 0
    units_loaded: int = 0
    plans: list[tuple[str, int, bool]] = field(default_factory=list)  # (source, id, created)
    users: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (login, role, place, created)
    records: Any = None  # yigai.apps.records.demo.RecordsDemo (None: not asked for)


def sample_files() -> list[tuple[str, bytes]]:
    folder = resources.files("yigai.data").joinpath("samples")
    return sorted(
        (f.name, f.read_bytes()) for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")
    )


@transaction.atomic
def _reference(report: DemoReport) -> None:
    orgunits_load_reference()
    report.org_units = OrgUnit.objects.count()
    report.units_loaded = units_load_directory()
    for code, name, members in DEMO_GROUPS:
        orgunit_group_set(code=code, name=name, member_codes=members, is_demo=True)
    for unit in OrgUnit.objects.filter(level__in=["province", "city"]):
        value = 1_000_000 + zlib.crc32(unit.code.encode()) % 9_000_000  # invented figures, marked 示例数据
        Population.objects.get_or_create(
            org_unit=unit, year=2025, defaults={"value": value, "source": "示例数据", "is_demo": True}
        )


def indicators_demo_load() -> None:
    demo_values_load()
    demo_targets_link()


def demo_load(*, records: bool = True) -> DemoReport:
    """The whole demo; ``records=False`` leaves out the record-level data (synthetic records pseudonymised
    into the data directory's record zone and one computation, ~3 s: tests that do not read it)."""
    report = DemoReport()
    _reference(report)
    for name, data in sample_files():
        # A sample read by an older extractor is read again (demo data only; nothing of a user's).
        Plan.objects.filter(source=name, is_demo=True).exclude(extractor=extractor_fingerprint()).delete()
        result = plan_import(name=name, data=data, is_demo=True)
        if result.created and result.plan.status != Status.PUBLISHED:
            with contextlib.suppress(PublishRefused):  # a sample the owner must settle first stays a draft
                plan_publish(plan=result.plan)
        report.plans.append((name, result.plan.pk, result.created))
    for login, role, code, unit_name, display in DEMO_USERS:
        org_unit = OrgUnit.objects.get(code=code)
        user, created = user_upsert(
            username=login, password=DEMO_PASSWORD, role=role, org_unit=org_unit,
            unit=unit_ensure(name=unit_name), display_name=display, is_demo=True,
        )  # fmt: skip
        report.users.append((login, str(Role(role).label), org_unit.name, created))
        if role in ADMIN_ROLES and not otp_enrolled(user=user):
            otp_device_preset(user=user, key_hex=DEMO_TOTP_KEY)
    report.users += ledger_demo_load()  # ledger state and Langfang users (示例数据)
    indicators_demo_load()  # values for every county 2019-2024 and the plans' targets linked (示例数据)
    _assessment_demo()
    if records:
        from yigai.apps.records.demo import records_demo_load

        report.records = records_demo_load()  # after the indicators: the values are stored against them
    return report


def _assessment_demo() -> None:
    """The 示例 assessment scheme, its 2023 stage frozen (so 考核, the dashboard's card and the briefing
    show results on a fresh demo); once: a scheme a user has edited or a stage already frozen is left alone."""
    from yigai.apps.assessment.models import FrozenStage, SchemeRecord
    from yigai.apps.assessment.services import scheme_parse, scheme_save, stage_freeze
    from yigai.core.assessment import example_text

    key = scheme_parse(example_text()).key
    record = SchemeRecord.objects.filter(key=key).first() or scheme_save(actor=None, text=example_text())
    if not FrozenStage.objects.filter(scheme=record, stage="2023").exists():
        stage_freeze(actor=None, record=record, stage="2023")
