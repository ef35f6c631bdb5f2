"""The demo is a ledger in use (issue 14): a history up to today written by the services, a realistic mix
of lights, and every demo account documented in docs/guide/platform.md sees non-empty data of its own
jurisdiction."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import yigai

GUIDE = Path(yigai.__file__).parents[2] / "docs" / "guide" / "platform.md"


def documented_accounts() -> list[tuple[str, str, str]]:
    """(login, role label, 所属) of the guide's table of demo accounts."""
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", GUIDE.read_text(encoding="utf-8"), re.M)
    return [(a, b.strip(), c.strip()) for a, b, c in rows]


def test_the_guide_lists_the_demo_accounts() -> None:
    from yigai.apps.ledger.demo import USERS
    from yigai.web.demo import DEMO_USERS

    documented = {a for a, _, _ in documented_accounts()}
    assert documented == {u[0] for u in DEMO_USERS} | {u[0] for u in USERS}


@pytest.mark.parametrize("login", [a for a, _, _ in documented_accounts()])
def test_each_documented_account_sees_its_own_data(demo_db: None, db: None, login: str) -> None:
    from yigai.apps.accounts.models import User
    from yigai.apps.ledger.selectors import item_filter
    from yigai.core.permissions import Role

    user = User.objects.get(username=login)
    role, place = next((r, p) for a, r, p in documented_accounts() if a == login)
    assert Role(user.role).label == role and user.org_unit.name == place.split("·")[0]
    items = item_filter(user=user)
    assert items.exists(), f"{login} sees no ledger item"
    prefix = user.org_unit.path
    if user.role == Role.UNIT_REPORTER:  # only its unit's items, in its place
        outside = items.exclude(org_unit__path__startswith=prefix)
        assert not outside.exists()
        assert not items.exclude(lead_unit=user.unit).exclude(co_units=user.unit).exists()
    elif user.role in (Role.PLAN_OWNER, Role.REVIEWER, Role.LEADER):
        assert (
            not items.exclude(org_unit__path__startswith=prefix)
            .exclude(ledger__plan__org_unit__path__startswith=prefix)
            .exists()
        )


@pytest.mark.parametrize("login", ["reporter_xx", "reporter_rc"])
def test_county_reporters_read_their_items_on_the_ledger_page(demo_db: None, client: Any, login: str) -> None:
    from yigai.apps.accounts.models import User
    from yigai.apps.ledger.models import LedgerItem

    user = User.objects.get(username=login)
    plan = LedgerItem.objects.filter(org_unit=user.org_unit).values_list("ledger__plan_id", flat=True).first()
    client.force_login(user)
    assert plan is not None and client.get("/ledger/").status_code == 200
    page = client.get(f"/ledger/plan/{plan}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{user.org_unit.name}：" in text
    other = "容城县：" if login == "reporter_xx" else "雄县："
    assert other not in text


def test_the_history_gives_a_ledger_in_use(demo_db: None, db: None) -> None:
    from yigai.apps.ledger.models import Evidence, LedgerItem, SupervisionNotice, Transition
    from yigai.apps.ledger.services.lights import lights_ensure

    lights_ensure()
    items = LedgerItem.objects.all()
    n = items.count()
    colours = Counter(items.values_list("light_colour", flat=True))
    statuses = Counter(items.values_list("status", flat=True))
    assert 0.40 <= colours["green"] / n <= 0.75, colours
    assert 0.03 <= colours["red"] / n <= 0.15, colours
    assert colours["yellow"] > 0, colours
    assert 0.15 <= statuses["closed"] / n <= 0.45, statuses
    assert statuses["close_requested"] > 0  # some waiting for review
    closed = items.filter(status="closed")
    assert closed.filter(closed_on__gt=models_f("deadline")).exists()  # closed late
    assert closed.filter(closed_on__lte=models_f("deadline")).exists()  # and on time
    actions = Counter(Transition.objects.values_list("action", flat=True))
    for action in ("approve_extension", "reject_extension", "return", "approve_close", "withdraw"):
        assert actions[action] > 0, action
    assert items.filter(pending_deadline__isnull=False).exists()  # an extension awaiting the owner
    notices = SupervisionNotice.objects.all()
    replied = notices.filter(replied_at__isnull=False)
    assert any(r.replied_at.date() > r.reply_by for r in replied)  # answered late
    assert any(r.replied_at.date() <= r.reply_by for r in replied)  # and on time
    assert notices.filter(escalated_from__isnull=False).exists()  # unanswered ones went up a level
    assert Evidence.objects.filter(is_demo=True, original_name__contains="示例数据").exists()
    ratio = sum(items.values_list("reports_on_time", flat=True)) / max(
        1, sum(i.reports_on_time + i.reports_late + i.reports_missing for i in items)
    )
    assert 0.6 <= ratio <= 0.98  # most reports on time, not all


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_the_demo_history_is_played_once(demo_db: None, db: None) -> None:
    from yigai.apps.ledger.demo import ledger_demo_load
    from yigai.apps.ledger.models import ProgressReport, Transition

    before = (Transition.objects.count(), ProgressReport.objects.count())
    ledger_demo_load()
    assert (Transition.objects.count(), ProgressReport.objects.count()) == before


def test_the_stored_lights_are_the_evaluation(demo_db: None, db: None) -> None:
    """The history's rows (bulk and service) give the same lights when every item is evaluated again."""
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services.lights import lights_ensure, lights_refresh

    lights_ensure()
    fields = ("pk", "light_colour", "light_reason", "reports_on_time", "reports_late", "reports_missing")
    before = list(LedgerItem.objects.order_by("pk").values_list(*fields))
    lights_refresh(force=True)
    assert list(LedgerItem.objects.order_by("pk").values_list(*fields)) == before


def test_the_demo_has_an_assessment_with_a_frozen_stage(demo_db: None, db: None) -> None:
    """考核 on a fresh demo shows the 示例 scheme, its 2023 stage frozen with ranked counties (issue 18: the
    page said 还没有考核方案 on the demo); a second demo load leaves the frozen stage as it was."""
    from yigai.apps.assessment.models import FrozenStage, SchemeRecord
    from yigai.apps.assessment.services import frozen_intact
    from yigai.web.demo import _assessment_demo

    record = SchemeRecord.objects.get()
    frozen = FrozenStage.objects.get(scheme=record)
    assert frozen.stage == "2023" and frozen_intact(frozen)
    units = frozen.snapshot["result"]["units"]
    assert len(units) >= 10 and len({u["total"] for u in units}) > 1  # scores that tell counties apart
    _assessment_demo()
    assert FrozenStage.objects.get().digest == frozen.digest and SchemeRecord.objects.count() == 1
