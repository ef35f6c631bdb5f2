"""Generations and cached fragments (yigai.apps.caching): every watched table has its trigger, any write —
service, bulk update, raw SQL — moves its generation and nothing else does, and a cached page is rebuilt
after a write and shared only by readers who see the same rows."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

import yigai
from yigai.apps.caching.services import generations, visibility_key
from yigai.apps.caching.triggers import PG_FUNCTION, WATCHED, install, installed, watched_tables

pytestmark = pytest.mark.django_db


def test_every_table_of_a_watched_app_has_its_trigger_once() -> None:
    tables = watched_tables()
    assert {"ledger_ledgeritem", "ledger_ledgeritem_co_units", "plans_task", "indicators_datavalue"} <= set(
        tables
    )
    assert set(WATCHED.values()) == set(tables.values())
    per_table = 1 if connection.vendor == "postgresql" else 3  # statement-level, or insert/update/delete
    have = installed()
    assert sorted({t for t, _ in have}) == sorted(tables)
    assert len(have) == len(set(have)) == per_table * len(tables)
    assert install() == 0  # every command runs migrate: a second install creates nothing


def test_install_replaces_triggers_of_an_older_version() -> None:
    old = "yigai_gen_v1_units_unit"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TRIGGER {old} AFTER INSERT ON units_unit FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('units')"
            )
        else:
            cursor.execute(f"CREATE TRIGGER {old} AFTER INSERT ON units_unit BEGIN SELECT 1; END")
    assert ("units_unit", old) in installed()
    assert install() == 0
    assert ("units_unit", old) not in installed()


def test_writes_move_their_generation_and_reads_do_not(orgunits, fake_document) -> None:
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services import lights_invalidate
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

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
    a = make_user("a", "unit_reporter", "131025", "大城县人民政府")
    b = make_user("b", "unit_reporter", "131025", "大城县人民政府")
    c = make_user("c", "unit_reporter", "131026", "文安县人民政府")
    assert visibility_key(a) == visibility_key(b) != visibility_key(c)
    assert visibility_key(None) == "all"


ALLOWED_USER_FIELDS = {
    "role", "org_unit", "org_unit_id", "unit", "unit_id", "can_publish", "can_edit_plans", "is_admin_role",
}  # fmt: skip


def test_selectors_read_no_user_field_outside_the_visibility_key() -> None:
    """Cached fragments are shared by users with the same :func:`visibility_key`. That is safe only while
    every jurisdiction rule reads nothing of the user but role, org unit and unit: a rule on ``user.pk`` or
    ``user.username`` in the modules the cached pages read must also go into the key. (Which *roles* share
    a key is checked by behaviour, in the test after this one: the attribute ``role`` is allowed here.)"""
    apps_dir = Path(yigai.__file__).parent / "apps"
    found: dict[str, set[str]] = {}
    modules = ["ledger/board.py", "dashboard/inputs.py", "dashboard/mapdata.py", "dashboard/summary.py"]
    cached = [apps_dir / app / "selectors.py" for app in WATCHED] + [apps_dir / m for m in modules]
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
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

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
        client.force_login(
            make_user(
                name, "unit_reporter", code, {"130608": "清苑区人民政府", "130607": "满城区人民政府"}[code]
            )
        )
        pages[name] = client.get(reverse("dashboard:index")).content.decode()
    own = {n: set(LedgerItem.objects.filter(org_unit__code=c).values_list("code", flat=True))
           for n, c in (("qingyuan", "130608"), ("mancheng", "130607"))}  # fmt: skip
    assert pages["qingyuan"] != pages["mancheng"]
    assert "清苑区" in pages["qingyuan"] and "清苑区" not in pages["mancheng"]
    assert own["qingyuan"] and own["mancheng"]


def test_reporters_of_one_place_and_different_units_do_not_share_a_dashboard(
    client, ledger_world, make_user
) -> None:
    """Same county, different units: the county government's reporter sees its task there, another unit's
    reporter sees nothing; a key without the unit would show the second the first one's page."""
    totals = {}
    for name, unit in (("gov", "清苑区人民政府"), ("edu", "县教育局")):
        client.force_login(make_user(name, "unit_reporter", "130608", unit))
        totals[name] = _tile(client.get(reverse("dashboard:index")).content.decode(), "total")
    assert totals == {"gov": "1", "edu": "0"}


def test_a_write_between_reading_the_page_and_keying_it_is_not_hidden(
    client, ledger_world, make_user, monkeypatch
) -> None:
    """The snapshot of generations is taken before the page reads anything: a plan renamed right after the
    board read it (a concurrent write) shows on the next request, instead of the old title being stored
    under the new generation and served until the next write."""
    from yigai.apps.ledger import board
    from yigai.apps.plans.models import Plan

    real = board.access_ledger_plan

    def read_then_someone_writes(**kwargs):
        plan = real(**kwargs)
        Plan.objects.filter(pk=plan.pk).update(title="改过的标题")
        return plan

    client.force_login(make_user("boss", "leader", "130000"))
    url = reverse("ledger:board", args=[ledger_world.pk])
    monkeypatch.setattr(board, "access_ledger_plan", read_then_someone_writes)
    assert "改过的标题" not in client.get(url).content.decode()  # this request read the plan before
    monkeypatch.setattr(board, "access_ledger_plan", real)
    assert "改过的标题" in client.get(url).content.decode()


def test_a_new_epoch_makes_every_cached_page_unreachable(
    client, ledger_world, make_user, monkeypatch
) -> None:
    """Drawn after every migrate and restore: new templates or a restored database with repeated
    generation numbers never meet a page built before."""
    from yigai.apps.caching.services import new_epoch
    from yigai.apps.caching.triggers import install_after_migrate
    from yigai.apps.dashboard import views

    builds = []
    real = views.summarise
    monkeypatch.setattr(views, "summarise", lambda inputs: builds.append(1) or real(inputs))
    client.force_login(make_user("boss", "leader", "130000"))
    for step in (
        lambda: None,
        lambda: None,
        new_epoch,
        lambda: install_after_migrate(SimpleNamespace(label="caching")),
    ):
        step()
        client.get(reverse("dashboard:index"))
    assert len(builds) == 3  # built, reused, rebuilt after new_epoch, rebuilt after a migrate


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


def test_triggers_work_whatever_the_search_path() -> None:
    """pg_restore and psql scripts may run with an empty search_path: a write must still succeed and count."""
    if connection.vendor != "postgresql":
        pytest.skip("search_path is PostgreSQL's")
    before = generations("units")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute("SET LOCAL search_path TO ''")
        cursor.execute(f'UPDATE "{schema}".units_unit SET name = name WHERE id < 0')
        cursor.execute(f"SET LOCAL search_path TO {schema}")
    assert generations("units")[0] == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_page_read_does_not_wait_for_a_long_ledger_write(orgunits, fake_document) -> None:
    """A writer of the ledger holds its generation row until it commits (publishing a plan, applying an
    Excel file). A page read that finds a stale light gives up refreshing it after a moment instead of
    waiting for that commit (it returns while the writer still holds the row); the next read refreshes it."""
    import threading

    from django.db import connections, transaction

    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services import lights_ensure
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the reader's wait is SQLite's busy timeout")
    plan_publish(plan=plan_store_document(document=fake_document(), content_hash="long"))
    lights_ensure()
    first, second = LedgerItem.objects.order_by("pk").values_list("pk", flat=True)[:2]
    LedgerItem.objects.filter(pk=first).update(light_on=None)  # stale: the next read refreshes it
    holding, release = threading.Event(), threading.Event()

    def long_write() -> None:
        try:
            with transaction.atomic():
                LedgerItem.objects.filter(pk=second).update(progress=50)  # takes the ledger generation row
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert holding.wait(10)
        assert lights_ensure() == 0  # gave up: the writer holds the generation row …
        assert writer.is_alive() and not release.is_set()  # … and it did not wait for the commit
    finally:
        release.set()
        writer.join()
    assert lights_ensure() == 1  # the writer committed: the next read refreshes the stale light
