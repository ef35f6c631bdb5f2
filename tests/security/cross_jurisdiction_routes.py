"""The cross-jurisdiction suite's route inventory and machinery (issue 6, 等保 8.1.4.2; ASVS 8.2.2): two
counties (A 清苑区, B 满城区), two units of one city (X 市卫生健康委, Y 市教育局) and a plan owner of another
city, over EVERY route of the project.

Every URL pattern (walked from the resolver) and every API operation (from the OpenAPI schema) must be
classified below, so a new route fails ``test_every_route_is_classified`` (test_cross_jurisdiction.py)
until someone decides how it is checked:

- ``REFUSE``: the route addresses an object (in the path, the query or the body) — the outsider asks for
  it with every method the route accepts (HTML forms with valid CSRF tokens, the API with a bearer token)
  and must get 403/404, with the whole database (every row of every data table) and the data directory
  unchanged;
- ``LEAK``: the route lists or searches — the outsider's answer (HTML, JSON, the .xlsx cells) must not
  contain the other side's item codes, titles, report texts, evidence names, 督办 contents or values;
- ``ROLE``: only some roles may use it — the other roles are refused and nothing changes;
- ``SELF`` / ``PUBLIC``: the route acts on the caller's own account or holds nothing private.

The requests themselves are in cross_jurisdiction_cases.py; the tests run them in
test_cross_jurisdiction_html.py (Django views) and test_cross_jurisdiction_api.py (the API). This module
is imported by its bare name (tests/security is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

REFUSE, LEAK, ROLE, SELF, PUBLIC = "refuse", "leak", "role", "self", "public"

# ---- the classification of every route (a new route fails until it is added here) -----------------
ROUTES: dict[str, set[str]] = {
    "": {PUBLIC},  # redirect to the plan list
    "login/": {PUBLIC},
    "logout/": {SELF},
    "i18n/setlang/": {SELF},  # the caller's language cookie
    "plans/": {LEAK},
    "plans/import/": {ROLE},  # a new plan always belongs to the importer's own org unit
    "plans/tasks/": {LEAK},
    "plans/tasks/<int:task_id>/": {REFUSE},
    "plans/tasks/<int:task_id>/edit/": {REFUSE},
    "plans/tasks/<int:task_id>/split/": {REFUSE},
    "plans/<str:ref>/": {REFUSE, LEAK},
    "plans/<str:ref>/publish/": {REFUSE},
    "plans/<str:ref>/link/": {REFUSE},
    "plans/<str:ref>/merge/": {REFUSE},
    "plans/<str:ref>/preview/": {REFUSE},
    "plans/<str:ref>/region/": {REFUSE},
    "plans/<str:ref>/targets/add/": {REFUSE},
    "plans/targets/<int:target_id>/edit/": {REFUSE},
    "plans/targets/<int:target_id>/delete/": {REFUSE},
    "orgunits/": {LEAK},  # the reference tree (public figures), checked for ledger data
    "orgunits/population/": {ROLE, REFUSE},  # rows name org units: only the importer's own subtree
    "ledger/": {LEAK},
    "ledger/plan/<int:plan_id>/": {REFUSE, LEAK},
    "ledger/plan/<int:plan_id>/board/": {REFUSE, LEAK},
    "ledger/plan/<int:plan_id>/timeline/": {REFUSE, LEAK},
    "ledger/plan/<int:plan_id>/export.xlsx": {REFUSE, LEAK},
    "ledger/import/": {REFUSE, LEAK},  # the sheet's rows name items by code
    "ledger/import/confirm/": {REFUSE},  # applies the file kept in the caller's session
    "ledger/items/<str:code>/": {REFUSE},
    "ledger/items/<str:code>/action/": {REFUSE},
    "ledger/items/<str:code>/report/": {REFUSE},
    "ledger/items/<str:code>/notice/": {REFUSE},
    "ledger/items/<str:code>/notices/<int:notice_id>/reply/": {REFUSE},
    "ledger/evidence/<int:evidence_id>/": {REFUSE},
    "indicators/": {LEAK},  # the catalogue (definitions, no values)
    "indicators/entry/": {REFUSE, LEAK},  # ?org= / POST org=
    "indicators/approve/": {REFUSE},  # POST org=
    "indicators/targets/": {REFUSE, LEAK},  # ?plan=
    "indicators/targets/<int:target_id>/link/": {REFUSE},
    "indicators/import/": {REFUSE, LEAK},  # rows name org units
    # the dashboard (leaders' landing page): ?org= picks a scope inside the user's own, ?plan= a ledger
    "dashboard/": {REFUSE, LEAK},
    "dashboard/map-data/": {REFUSE, LEAK},
    "dashboard/geometry/": {REFUSE, LEAK},
    "access/": {REFUSE, LEAK},  # 医疗服务圈: the scope is a query parameter (access_scope, as the dashboard)
    "access/points/": {REFUSE, LEAK},
    "dashboard/scorecards/": {REFUSE, LEAK},
    "dashboard/scorecards/export/": {REFUSE, LEAK},
    "dashboard/briefing/": {REFUSE, LEAK},
    "account/password/": {SELF},
    "account/otp/setup/": {SELF},
    "account/otp/verify/": {SELF},
    "jobs/<int:pk>/": {SELF},  # the caller's own job; others get 404 (tests/apps/test_jobs.py)
    "jobs/<int:pk>/status/": {SELF},
    "audit/": {ROLE},  # 审计管理员 only (province-wide by design)
    "audit/verify/": {ROLE},
    "todo/": {LEAK},  # each section starts from the ledger's / the indicators' visibility selectors
    "todo/reminders/read/": {SELF},  # marks the caller's own reminders read
    "todo/notices/": {
        LEAK,
        ROLE,
    },  # 督办清单: owners, reviewers, leaders (Perm.LIST_NOTICES); reporters refused
    # 考核 (assessment): every signed-in user may open a scheme (what is scored is public to those assessed);
    # which units' scores, explanations, 自评 and 申诉 show is selectors.visible_units (a unit its own, an
    # assessor — Perm.ASSESS — or a leader its jurisdiction); schemes are changed by plan owners and reviewers
    # (Perm.EDIT_PLANS) of the scheme's plan's region; a frozen stage never changes
    "assessment/": {LEAK},
    "assessment/new/": {ROLE, REFUSE},  # saving replaces a scheme of the same key
    "assessment/<str:key>/edit/": {ROLE, REFUSE},
    "assessment/<str:key>/compare/": {LEAK},
    "assessment/<str:key>/<str:stage>/": {LEAK},
    "assessment/<str:key>/<str:stage>/export.xlsx": {LEAK},
    "assessment/<str:key>/<str:stage>/freeze/": {ROLE, REFUSE},
    "assessment/<str:key>/<str:stage>/<str:unit>/": {REFUSE},  # one unit's explanation (its items)
    "assessment/<str:key>/<str:stage>/<str:unit>/self/": {REFUSE},  # 自评: the unit itself only
    "assessment/<str:key>/<str:stage>/<str:unit>/objection/": {REFUSE},  # 申诉: the unit itself only
    "assessment/<str:key>/<str:stage>/<str:unit>/mark/": {ROLE, REFUSE},  # POST item=: assessors, their items
    "assessment/objections/<int:pk>/reply/": {ROLE, REFUSE},  # assessors of the unit's jurisdiction
    "assessment/evidence/<int:pk>/": {REFUSE},  # a 自评 file: the unit, assessors and leaders over it
    # 记录级指标: province-wide record data, province-level users with Perm.APPROVE_VALUES only
    "records/": {ROLE},
    "records/runs/<int:pk>/": {ROLE, REFUSE},
    "api/": {PUBLIC},  # the API root (no handler of its own)
    "api/openapi.json": {PUBLIC},  # the schema, no data (behind login by default: API_DOCS_REQUIRE_LOGIN)
    "api/docs": {PUBLIC},
}
API: dict[str, set[str]] = {
    "GET /api/plans": {LEAK},
    "POST /api/plans": {ROLE},
    "GET /api/plans/{ref}": {REFUSE, LEAK},
    "GET /api/tasks": {LEAK},
    "GET /api/ledger/items": {LEAK},
    "GET /api/ledger/warnings": {LEAK},
    "GET /api/ledger/items/{item_id}": {REFUSE},
    "POST /api/ledger/items/{item_id}/transitions": {REFUSE},
    "POST /api/ledger/items/{item_id}/reports": {REFUSE},
    "GET /api/ledger/evidence/{evidence_id}": {REFUSE},
    "GET /api/indicators": {LEAK},
    "GET /api/indicators/values": {REFUSE, LEAK},  # ?org=
    "POST /api/indicators/values": {REFUSE},  # rows name org units
    "GET /api/indicators/{code}/compute": {REFUSE, LEAK},  # ?org=
    "GET /api/indicators/targets/status": {REFUSE, LEAK},  # ?plan=
}


def ninja_path(pattern: str) -> str:
    """``api/ledger/items/<item_id>`` → ``/api/ledger/items/{item_id}``."""
    return "/" + pattern.replace("<", "{").replace(">", "}")


def dormant(key: str, mounted: set[str]) -> bool:
    """A classified route of an app that is not mounted (yet): its first path segment matches nothing."""
    if " " in key or key in mounted:
        return False
    head = key.split("/", 1)[0] + "/"
    return not any(m.startswith(head) for m in mounted)


def skip_if_dormant(route: str, sec: Any) -> None:
    if dormant(route, {pattern for pattern, _name in sec.django_routes()}):
        pytest.skip(f"{route}: its app is not mounted")


def refused_keys(table: dict[str, set[str]]) -> list[str]:
    return sorted(k for k, kinds in table.items() if kinds & {REFUSE, ROLE})


def leak_keys(table: dict[str, set[str]]) -> list[str]:
    return sorted(k for k, kinds in table.items() if LEAK in kinds)


# ---- clients ------------------------------------------------------------------------------------------


@dataclass
class Req:
    who: str
    method: str
    url: str
    data: dict[str, Any] | None = None
    api: bool = False
    json: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (403, 404)
    prepare: Callable[[Client], None] | None = None  # e.g. plant a file in the caller's session
    echo: str = ""  # what the request carried that its answer may repeat (the codes in a sheet)
    says: str = ""  # the refusal's reason, where the status alone (400) could mean anything


class Clients:
    """One session client (CSRF enforced, with a valid token) and one bearer token per user."""

    def __init__(self, users: dict[str, Any]) -> None:
        from yigai.apps.accounts.services import api_token_create

        self.html: dict[str, Client] = {}
        self.tokens: dict[str, str] = {}
        self.csrf: dict[str, str] = {}
        for name, user in users.items():
            c = Client(enforce_csrf_checks=True)
            c.force_login(user)
            token = _get_new_csrf_string()
            c.cookies[settings.CSRF_COOKIE_NAME] = token
            self.html[name], self.csrf[name] = c, token
            self.tokens[name] = api_token_create(user=user, name="security suite")

    def send(self, r: Req) -> Any:
        if r.api:
            c = Client()
            headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[r.who]}"}
        else:
            c = self.html[r.who]
            headers = {"HTTP_X_CSRFTOKEN": self.csrf[r.who]}
        headers |= {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in r.headers.items()}
        if r.prepare:
            r.prepare(c)
        if r.method == "GET":
            return c.get(r.url, r.data or {}, **headers)
        if r.json:
            return c.generic(r.method, r.url, __import__("json").dumps(r.data or {}),
                             content_type="application/json", **headers)  # fmt: skip
        return getattr(c, r.method.lower())(r.url, r.data or {}, **headers)


# ---- the checks -------------------------------------------------------------------------------------


def _files(root: Path) -> set[tuple[str, int]]:
    return {(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()}


# apps whose rows a refusal must not change beyond sec.db_snapshot's (conftest DATA_APPS)
MORE_DATA_APPS = ("assessment", "records")


def _more_rows() -> dict[str, list[tuple[str, ...]]]:
    """Every row of the models of :data:`MORE_DATA_APPS` (all concrete columns), sorted."""
    from django.apps import apps

    snap: dict[str, list[tuple[str, ...]]] = {}
    for label in MORE_DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            names = [f.attname for f in model._meta.concrete_fields]
            rows = (tuple(repr(v) for v in row) for row in model.objects.values_list(*names))
            snap[model._meta.label] = sorted(rows, key=repr)
    return snap


def check_refused(requests: list[Req], world: Any, clients: Clients, sec: Any) -> None:
    """Each request is refused with its expected status and changes neither the database nor the data
    directory; an answer with a body (an error page, a sheet's preview) shows nothing of the other side."""
    from yigai.apps.ledger.services import lights_ensure

    data_dir = Path(settings.DATA_DIR)
    for r in requests:
        lights_ensure()  # the day's stored evaluations (the nightly job's work) are not the request's doing
        before, files = sec.db_snapshot() | _more_rows(), _files(data_dir)
        response = clients.send(r)
        label = f"{r.who} {r.method} {r.url} {r.data if r.method == 'GET' else ''}"
        assert response.status_code in r.expect, f"{label}: {response.status_code}"
        if r.says:
            assert r.says in sec.answer_text(response), f"{label}: refused for another reason"
        if response.status_code == 403:
            assert b"CSRF" not in response.content, f"{label}: refused by CSRF, not by jurisdiction"
        diff = sec.snapshot_diff(before, sec.db_snapshot() | _more_rows())
        assert diff == [], f"{label} changed the database: {diff}"
        planted = {f for f in _files(data_dir) - files if "planted" not in f[0]}
        assert planted == set(), f"{label} wrote files"
        if response.status_code < 300 or response.status_code in (400, 409):
            echo = " ".join(str(v) for v in (r.data or {}).values() if isinstance(v, str)) + r.echo
            assert_no_leak(
                sec.answer_text(response), world, ("A", "AV", "X"), exempt=r.who, label=label, echo=echo
            )


def check_no_leak(
    cases: list[tuple[str, str, dict[str, str], bool]], world: Any, clients: Clients, sec: Any
) -> None:
    """Each outsider opens the list (200) and sees none of the markers it may not see."""
    for who, url, query, api in cases:
        response = clients.send(Req(who, "GET", url, query, api=api))
        label = f"{who} GET {url} {query}"
        assert response.status_code == 200, f"{label}: {response.status_code}"
        assert_no_leak(sec.answer_text(response), world, OUTSIDERS[who], label=label, echo=str(query))


# who → whose markers it must never see (A: county A's item; X: unit X's item)
# (unit Y sits in 保定市, above county A: it may read A's indicator values, not A's or X's ledger items)
OUTSIDERS = {"rep_b": ("A", "AV", "X"), "unit_y": ("A", "X"), "rep_a": ("X",), "owner_sjz": ("A", "AV", "X")}


def assert_no_leak(
    text: str, w: Any, owners: tuple[str, ...], exempt: str = "", label: str = "", echo: str = ""
) -> None:
    """None of ``owners``' markers in ``text``, except what the request itself carried (``echo``: a
    search box shows the query, a refused sheet row names the code that was sent)."""
    mine = {"rep_a": ("A", "AV"), "unit_x": ("X",)}.get(exempt, ())
    for owner in owners:
        if owner in mine:
            continue
        for marker in w.markers[owner]:
            if marker in echo:
                continue
            hit = marker in text if not marker.startswith("L") else _code_in(marker, text)
            assert not hit, f"{label}: {owner}'s {marker!r} leaked"


def _code_in(code: str, text: str) -> bool:
    return re.search(rf"{re.escape(code)}(?!\d)", text) is not None
