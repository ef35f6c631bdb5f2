"""Generations and cached fragments (yigai.apps.caching): every watched table has its trigger, any write —
service, bulk update, raw SQL — moves its generation and nothing else does, and a cached page is rebuilt
after a write and shared only by readers who see the same rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

import yigai
from yigai.apps.caching.services import generations, visibility_key
from yigai.apps.caching.triggers import WATCHED, install, watched_tables

pytestmark = pytest.mark.django_db


def installed_trigger_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'yigai_gen_%'")
            return {row[0].strip('"') for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'yigai_gen_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_of_a_watched_app_has_its_trigger() -> None:
    tables = watched_tables()
    assert {"ledger_ledgeritem", "ledger_ledgeritem_co_units", "plans_task", "indicators_datavalue"} <= set(
        tables
    )
    assert set(WATCHED.values()) == set(tables.values())
    assert installed_trigger_tables() == set(tables)
    assert install() == len(tables)  # idempotent: a second install replaces, never duplicates
    assert installed_trigger_tables() == set(tables)


def test_writes_move_their_generation_and_reads_do_not(orgunits, fake_document) -> None:
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services import lights_invalidate
    from yigai.apps.plans.services import plan_publish, plan_store_document

    before = generations("ledger", "plans", "orgunits")
    plan = plan_store_document(document=fake_document(), content_hash="gen")
    after_import = generations("ledger", "plans", "orgunits")
    assert after_import[1] > before[1] and after_import[0] == before[0] and after_import[2] == before[2]
    plan_publish(plan=plan)
    published = generations("ledger")[0]
    assert published > after_import[0]
    list(LedgerItem.objects.all())  # a read
    assert generations("ledger")[0] == published
    lights_invalidate()  # a bulk update() that bypasses save() and signals
    bulk = generations("ledger")[0]
    assert bulk > published
    with connection.cursor() as cursor:  # even raw SQL from outside the application
        cursor.execute("UPDATE ledger_ledgeritem SET progress = 10")
    assert generations("ledger")[0] > bulk


def test_visibility_key_is_what_the_jurisdiction_rules_read(make_user) -> None:
    a = make_user("a", "unit_reporter", "131025", "县（市、区）人民政府")
    b = make_user("b", "unit_reporter", "131025", "县（市、区）人民政府")
    c = make_user("c", "unit_reporter", "131026", "县（市、区）人民政府")
    assert visibility_key(a) == visibility_key(b) != visibility_key(c)
    assert visibility_key(None) == "all"


ALLOWED_USER_FIELDS = {
    "role", "org_unit", "org_unit_id", "unit", "unit_id", "can_publish", "can_edit_plans", "is_admin_role",
}  # fmt: skip


def test_selectors_read_no_user_field_outside_the_visibility_key() -> None:
    """Cached fragments are shared by users with the same :func:`visibility_key`. That is safe only while
    every jurisdiction rule reads nothing of the user but role, org unit and unit (and what derives from
    the role): a rule on ``user.pk`` or ``user.username`` here must also go into the key."""
    apps_dir = Path(yigai.__file__).parent / "apps"
    found: dict[str, set[str]] = {}
    cached = [apps_dir / app / "selectors.py" for app in WATCHED] + [apps_dir / "dashboard" / "inputs.py"]
    for path in [p for p in cached if p.exists()]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "user"
            ):
                found.setdefault(node.attr, set()).add(path.parent.name)
    assert set(found) - ALLOWED_USER_FIELDS == set(), found


@pytest.fixture
def ledger_world(orgunits, fake_document, make_user):
    from yigai.apps.plans.services import plan_publish, plan_store_document

    plan = plan_store_document(document=fake_document(), content_hash="dash")
    plan_publish(plan=plan)
    return plan


def _tile(page: str, name: str) -> str:
    return page.split(f'data-tile="{name}"', 1)[1].split("<strong", 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_dashboard_is_rebuilt_after_a_write_and_reused_until_then(
    client, ledger_world, make_user, monkeypatch
) -> None:
    from yigai.apps.dashboard import views
    from yigai.apps.ledger.models import LedgerItem

    builds = []
    real = views.summarise
    monkeypatch.setattr(views, "summarise", lambda inputs: builds.append(1) or real(inputs))
    client.force_login(make_user("boss", "leader", "130000"))
    first = client.get(reverse("dashboard:index")).content.decode()
    again = client.get(reverse("dashboard:index")).content.decode()
    assert len(builds) == 1 and _tile(first, "closed") == _tile(again, "closed") == "0"
    LedgerItem.objects.filter(pk=LedgerItem.objects.order_by("pk").values("pk")[:1]).update(status="closed")
    after = client.get(reverse("dashboard:index")).content.decode()
    assert len(builds) == 2 and _tile(after, "closed") == "1"


def test_readers_who_see_different_rows_do_not_share_a_dashboard(client, ledger_world, make_user) -> None:
    from yigai.apps.ledger.models import LedgerItem

    pages = {}
    for name, code in (("qingyuan", "130608"), ("mancheng", "130607")):
        client.force_login(make_user(name, "unit_reporter", code, "县（市、区）人民政府"))
        pages[name] = client.get(reverse("dashboard:index")).content.decode()
    own = {n: set(LedgerItem.objects.filter(org_unit__code=c).values_list("code", flat=True))
           for n, c in (("qingyuan", "130608"), ("mancheng", "130607"))}  # fmt: skip
    assert pages["qingyuan"] != pages["mancheng"]
    assert "清苑区" in pages["qingyuan"] and "清苑区" not in pages["mancheng"]
    assert own["qingyuan"] and own["mancheng"]


def test_roles_of_one_visibility_class_get_the_same_rows(ledger_world, make_user) -> None:
    """Plan owners, reviewers, leaders (and the security and audit administrators) of one place share cached
    fragments: every selector the cached pages read must give them the same rows."""
    from yigai.apps.dashboard.inputs import access_scope, collect
    from yigai.apps.indicators.selectors import target_list, visible_org_units
    from yigai.apps.ledger.board import ledger_plans, places_in
    from yigai.apps.ledger.selectors import item_list
    from yigai.apps.plans.selectors import plan_list, task_list

    def seen(user) -> tuple[object, ...]:
        scope = access_scope(user=user)
        return (
            list(item_list(user=user).values_list("pk", flat=True)),
            [(p.pk, p.n_items) for p in ledger_plans(user=user)],
            places_in(ledger_world.pk, user),
            sorted(plan_list(user=user).values_list("pk", flat=True)),
            sorted(task_list(user=user).values_list("pk", flat=True)),
            sorted(target_list(user=user).values_list("pk", flat=True)),
            sorted(visible_org_units(user=user).values_list("pk", flat=True)),
            scope.pk,
            sorted(repr(g) for g in collect(user=user, scope=scope).groups),
        )

    roles = ("plan_owner", "reviewer", "leader", "security_admin", "audit_admin")
    for code in ("130000", "130600", "130608"):
        users = [make_user(f"{role}_{code}", role, code) for role in roles]
        assert len({visibility_key(u) for u in users}) == 1
        first, *others = [seen(u) for u in users]
        assert first[0], code  # each place sees some of the plan's items
        assert all(o == first for o in others), code
