"""Cross-jurisdiction suite (issue 6, 等保 8.1.4.2; ASVS 8.2.2): two counties (A 清苑区, B 满城区), two units
of one city (X 市卫生健康委, Y 市教育局) and a plan owner of another city, over EVERY route of the project.

Every URL pattern (walked from the resolver) and every API operation (from the OpenAPI schema) must be
classified below, so a new route fails :func:`test_every_route_is_classified` until someone decides how it
is checked:

- ``REFUSE``: the route addresses an object (in the path, the query or the body) — the outsider asks for
  it with every method the route accepts (HTML forms with valid CSRF tokens, the API with a bearer token)
  and must get 403/404, with the whole database (every row of every data table) and the data directory
  unchanged;
- ``LEAK``: the route lists or searches — the outsider's answer (HTML, JSON, the .xlsx cells) must not
  contain the other side's item codes, titles, report texts, evidence names, 督办 contents or values;
- ``ROLE``: only some roles may use it — the other roles are refused and nothing changes;
- ``SELF`` / ``PUBLIC``: the route acts on the caller's own account or holds nothing private.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from openpyxl import load_workbook

from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET

pytestmark = pytest.mark.django_db
REFUSE, LEAK, ROLE, SELF, PUBLIC = "refuse", "leak", "role", "self", "public"
COL = {h: i + 1 for i, h in enumerate(HEADERS)}

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
    "indicators/import/": {REFUSE, LEAK},  # rows name org units
    # the dashboard (leaders' landing page): ?org= picks a scope inside the user's own, ?plan= a ledger
    "dashboard/": {REFUSE, LEAK},
    "dashboard/map-data/": {REFUSE, LEAK},
    "dashboard/geometry/": {REFUSE, LEAK},
    "dashboard/scorecards/": {REFUSE, LEAK},
    "dashboard/scorecards/export/": {REFUSE, LEAK},
    "dashboard/briefing/": {REFUSE, LEAK},
    "account/password/": {SELF},
    "account/otp/setup/": {SELF},
    "account/otp/verify/": {SELF},
    "audit/": {ROLE},  # 审计管理员 only (province-wide by design)
    "audit/verify/": {ROLE},
    "api/": {PUBLIC},  # the API root (no handler of its own)
    "api/openapi.json": {PUBLIC},  # the schema, no data
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


def _ninja_path(pattern: str) -> str:
    """``api/ledger/items/<item_id>`` → ``/api/ledger/items/{item_id}``."""
    return "/" + pattern.replace("<", "{").replace(">", "}")


def _mounted(sec: Any) -> set[str]:
    return {pattern for pattern, _name in sec.django_routes()}


def _dormant(key: str, mounted: set[str]) -> bool:
    """A classified route of an app that is not mounted (yet): its first path segment matches nothing."""
    if " " in key or key in mounted:
        return False
    head = key.split("/", 1)[0] + "/"
    return not any(m.startswith(head) for m in mounted)


def test_every_route_is_classified(sec) -> None:
    ops = sec.api_operations()
    paths = {op.split(" ", 1)[1] for op in ops}
    walked = set()
    for pattern, _name in sec.django_routes():
        if pattern.startswith("api/") and _ninja_path(pattern) in paths:
            continue  # an API operation: classified by method below
        walked.add(pattern)
    assert walked - set(ROUTES) == set(), "new URL patterns: classify them in ROUTES (and add cases)"
    stale = {k for k in set(ROUTES) - walked if not _dormant(k, walked)}
    assert stale == set(), "stale entries in ROUTES"
    assert ops - set(API) == set(), "new API operations: classify them in API (and add cases)"
    assert set(API) - ops == set(), "stale entries in API"


def test_every_classified_route_has_its_checks(world) -> None:
    refusals, leaks = refusal_cases(world), leak_cases(world)
    for key, kinds in {**ROUTES, **API}.items():
        if REFUSE in kinds or ROLE in kinds:
            assert refusals.get(key), f"{key}: no refusal case"
        if LEAK in kinds:
            assert leaks.get(key), f"{key}: no leak case"
    assert set(refusals) <= set(ROUTES) | set(API) and set(leaks) <= set(ROUTES) | set(API)


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


@pytest.fixture
def clients(world) -> Clients:
    return Clients(world.users)


# ---- files an outsider might upload ----------------------------------------------------------------


def _png(name: str) -> Any:
    f = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    f.name = name
    return f


def _csv(rows: list[list[str]], name: str = "values.csv") -> Any:
    f = io.BytesIO("\n".join(",".join(r) for r in rows).encode())
    f.name = name
    return f


def _ledger_sheet(w: Any, code: str, text: str) -> bytes:
    """The owner's export of the 保定 ledger cut down to one row (its 进展情况 changed) and stripped of
    everything but the code, version, checksums and editable cells — so whatever an answer shows beyond
    the code came from the database, not from the file."""
    from yigai.apps.ledger.excel_export import ledger_export

    _name, data = ledger_export(plan=w.bd, user=w.users["owner_bd"])
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    keep = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, COL["台账编号"]).value == code)
    for r in range(ws.max_row, HEADER_ROW, -1):
        if r != keep:
            ws.delete_rows(r)
    row = HEADER_ROW + 1
    for header, c in COL.items():
        if header not in ("台账编号", "版本", "校验", "完成时限", "进展情况", "完成进度（%）", "完成状态"):
            ws.cell(row, c).value = None
    ws.cell(row, COL["进展情况"]).value = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(data: bytes, name: str = "台账.xlsx") -> Any:
    f = io.BytesIO(data)
    f.name = name
    return f


def _plant_upload(data: bytes) -> Callable[[Client], None]:
    """Put a sheet in the caller's session as if its preview had passed (the confirm step re-checks)."""

    def plant(c: Client) -> None:
        folder = Path(settings.DATA_DIR) / "ledger_uploads"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "planted0123456789.xlsx").write_bytes(data)
        session = c.session
        session["ledger_upload"] = {"token": "planted0123456789", "name": "台账.xlsx"}
        session.save()

    return plant


# ---- refusal cases: the outsider addresses the other side's object --------------------------------


def refusal_cases(w: Any) -> dict[str, list[Req]]:
    a, b, x = w.item_a, w.item_b, w.item_x
    bd, sjz = w.bd.pk, w.sjz.pk
    t1, t2 = w.t1.pk, w.t2.pk
    county_a_values = [["org_unit", "data_element", "period", "value", "disaggregation"],
                       ["130608", "BEDS", "2023", "1", ""]]  # fmt: skip
    sheet_a = _ledger_sheet(w, a.code, "外县改写的进展")
    sheet_x = _ledger_sheet(w, x.code, "他单位改写的进展")
    action = {"action": "request_extension", "version": "9", "reason": "越权", "new_deadline": "2030-01-01"}
    cases: dict[str, list[Req]] = {
        "plans/tasks/<int:task_id>/": [
            Req(who, "GET", f"/plans/tasks/{t1}/") for who in ("rep_a", "unit_y", "owner_sjz")
        ],
        "plans/tasks/<int:task_id>/edit/": [
            *(
                Req(who, m, f"/plans/tasks/{t1}/edit/", {"title": "越权"})
                for who in ("owner_sjz", "unit_x", "unit_y")
                for m in ("GET", "POST")
            ),
            Req("rep_b", "POST", f"/plans/tasks/{t2}/edit/", {"title": "越权"}),
        ],
        "plans/tasks/<int:task_id>/split/": [
            *(
                Req(who, m, f"/plans/tasks/{t1}/split/", {"parts": "甲\n乙"})
                for who in ("owner_sjz", "unit_x")
                for m in ("GET", "POST")
            ),
            Req("rep_b", "POST", f"/plans/tasks/{t2}/split/", {"parts": "甲\n乙"}),
        ],
        "plans/<str:ref>/": [
            Req("owner_sjz", "GET", f"/plans/{bd}/"),
            Req("owner_sjz", "GET", f"/plans/{w.bd.source}/"),
            Req("unit_y", "GET", f"/plans/{bd}/"),
            Req("rep_b", "GET", f"/plans/{sjz}/"),
            Req("rep_b", "GET", f"/plans/{w.draft.pk}/"),
        ],
        "plans/<str:ref>/publish/": [
            Req("owner_sjz", "POST", f"/plans/{w.draft.pk}/publish/"),
            Req("rep_b", "POST", f"/plans/{w.draft.pk}/publish/"),
            Req("owner_sjz", "POST", f"/plans/{bd}/publish/"),
            Req("rep_b", "POST", f"/plans/{bd}/publish/"),
        ],
        "plans/<str:ref>/link/": [
            Req("owner_sjz", "POST", f"/plans/{bd}/link/", {"parent": str(sjz)}),
            Req("rep_b", "POST", f"/plans/{bd}/link/", {"parent": ""}),
            Req("owner_bd", "POST", f"/plans/{bd}/link/", {"parent": str(sjz)}),  # a parent it cannot see
        ],
        "plans/<str:ref>/merge/": [
            Req("owner_sjz", "POST", f"/plans/{bd}/merge/", {"task": [str(t1), str(t2)]}),
            Req("rep_b", "POST", f"/plans/{bd}/merge/", {"task": [str(t1), str(t2)]}),
            # its own plan, the other city's task ids: ignored, the merge refused with a message
            Req("owner_sjz", "POST", f"/plans/{sjz}/merge/", {"task": [str(t1), str(t2)]}, expect=(302,)),
        ],
        "plans/import/": [
            Req(who, "POST", "/plans/import/", {"file": _upload(b"x", "p.txt")})
            for who in ("rep_b", "unit_y")
        ],
        "orgunits/population/": [
            Req(
                "rep_b",
                "POST",
                "/orgunits/population/",
                {"file": _csv([["代码", "年份", "人口"], ["130607", "2024", "1"]])},
            ),
            # a 石家庄 plan owner may not overwrite 保定's (or the province's) population
            Req(
                "owner_sjz",
                "POST",
                "/orgunits/population/",
                {"file": _csv([["代码", "年份", "人口"], ["130608", "2024", "1"]])},
                expect=(400, 403, 404),
            ),
            Req(
                "owner_bd",
                "POST",
                "/orgunits/population/",
                {"file": _csv([["代码", "年份", "人口"], ["130000", "2024", "1"]])},
                expect=(400, 403, 404),
            ),
        ],
        **{
            f"ledger/plan/<int:plan_id>/{suffix}": [
                Req("owner_sjz", "GET", f"/ledger/plan/{bd}/{suffix}"),
                Req("unit_y", "GET", f"/ledger/plan/{bd}/{suffix}"),
                Req("rep_b", "GET", f"/ledger/plan/{sjz}/{suffix}"),
            ]
            for suffix in ("", "board/", "timeline/", "export.xlsx")
        },
        "ledger/import/": [
            Req(
                "rep_b",
                "POST",
                "/ledger/import/",
                {"file": _upload(sheet_a)},
                expect=(400,),
                echo=a.code,
                says="无权修改该事项",
            ),
            Req(
                "unit_y",
                "POST",
                "/ledger/import/",
                {"file": _upload(sheet_x)},
                expect=(400,),
                echo=x.code,
                says="无权修改该事项",
            ),
            Req(
                "rep_a",
                "POST",
                "/ledger/import/",
                {"file": _upload(sheet_x)},
                expect=(400,),
                echo=x.code,
                says="无权修改该事项",
            ),
        ],
        "ledger/import/confirm/": [
            Req(
                "rep_b",
                "POST",
                "/ledger/import/confirm/",
                {"digest": "x"},
                expect=(409,),
                prepare=_plant_upload(sheet_a),
                echo=a.code,
                says="无权修改该事项",
            ),
            Req(
                "unit_y",
                "POST",
                "/ledger/import/confirm/",
                {"digest": "x"},
                expect=(409,),
                prepare=_plant_upload(sheet_x),
                echo=x.code,
                says="无权修改该事项",
            ),
        ],
        "ledger/items/<str:code>/": [
            Req("rep_b", "GET", f"/ledger/items/{a.code}/"),
            Req("rep_b", "GET", f"/ledger/items/{a.pk}/"),
            Req("unit_y", "GET", f"/ledger/items/{x.code}/"),
            Req("rep_a", "GET", f"/ledger/items/{x.code}/"),
            Req("owner_sjz", "GET", f"/ledger/items/{a.code}/"),
        ],
        "ledger/items/<str:code>/action/": [
            Req("rep_b", "POST", f"/ledger/items/{a.code}/action/", {**action, "version": str(a.version)}),
            Req("rep_b", "POST", f"/ledger/items/{a.pk}/action/", {**action, "version": str(a.version)}),
            Req("unit_y", "POST", f"/ledger/items/{x.code}/action/", {**action, "version": str(x.version)}),
            Req(
                "owner_sjz",
                "POST",
                f"/ledger/items/{x.code}/action/",
                {"action": "withdraw", "reason": "越权", "version": str(x.version)},
            ),
        ],
        "ledger/items/<str:code>/report/": [
            Req(
                "rep_b",
                "POST",
                f"/ledger/items/{a.code}/report/",
                {"text": "越权", "percent": "90", "version": str(a.version), "files": _png("e.png")},
            ),
            Req(
                "unit_y",
                "POST",
                f"/ledger/items/{x.code}/report/",
                {"text": "越权", "percent": "90", "version": str(x.version), "files": _png("e.png")},
            ),
        ],
        "ledger/items/<str:code>/notice/": [
            Req(who, "POST", f"/ledger/items/{a.code}/notice/", {"content": "越权", "reply_by": "2030-01-01"})
            for who in ("owner_sjz", "reviewer_sjz", "rep_b")
        ],
        "ledger/items/<str:code>/notices/<int:notice_id>/reply/": [
            Req("rep_b", "POST", f"/ledger/items/{a.code}/notices/{w.notice_a.pk}/reply/", {"reply": "越权"}),
            # its own item in the path, the other county's 督办单 id
            Req("rep_b", "POST", f"/ledger/items/{b.code}/notices/{w.notice_a.pk}/reply/", {"reply": "越权"}),
            Req(
                "unit_y", "POST", f"/ledger/items/{x.code}/notices/{w.notice_x.pk}/reply/", {"reply": "越权"}
            ),
        ],
        "ledger/evidence/<int:evidence_id>/": [
            Req("rep_b", "GET", f"/ledger/evidence/{w.evidence_a.pk}/"),
            Req("unit_y", "GET", f"/ledger/evidence/{w.evidence_x.pk}/"),
            Req("rep_a", "GET", f"/ledger/evidence/{w.evidence_x.pk}/"),
        ],
        "indicators/entry/": [
            Req("rep_b", "GET", "/indicators/entry/", {"org": "130608", "period": "2023"}),
            Req("rep_b", "POST", "/indicators/entry/", {"org": "130608", "period": "2023", "v:BEDS:": "1"}),
            Req(
                "owner_sjz", "POST", "/indicators/entry/", {"org": "130608", "period": "2023", "v:BEDS:": "1"}
            ),
        ],
        "indicators/approve/": [
            Req(who, "POST", "/indicators/approve/", {"org": "130608", "period": "2023"})
            for who in ("rep_b", "reviewer_sjz", "owner_sjz")
        ],
        "indicators/targets/": [
            Req("owner_sjz", "GET", "/indicators/targets/", {"plan": str(bd)}),
            Req("unit_y", "GET", "/indicators/targets/", {"plan": str(bd)}),
        ],
        "indicators/import/": [
            Req(
                "rep_b",
                "POST",
                "/indicators/import/",
                {"file": _csv(county_a_values)},
                expect=(400,),
                says="无权",
            ),
            Req(
                "owner_sjz",
                "POST",
                "/indicators/import/",
                {"file": _csv(county_a_values)},
                expect=(400,),
                says="无权",
            ),
        ],
        **{
            f"dashboard/{suffix}": [
                Req("rep_b", "GET", f"/dashboard/{suffix}", {"org": "130608"}),
                Req("unit_y", "GET", f"/dashboard/{suffix}", {"org": "130100"}),
                Req("owner_sjz", "GET", f"/dashboard/{suffix}", {"org": "130600"}),
            ]
            for suffix in ("", "map-data/", "geometry/", "scorecards/", "scorecards/export/", "briefing/")
        },
        "audit/": [Req(who, "GET", "/audit/") for who in ("rep_b", "owner_bd")],
        "audit/verify/": [Req(who, "POST", "/audit/verify/") for who in ("rep_b", "owner_bd")],
        # ---- the API (bearer tokens; the same answers) ----
        "POST /api/plans": [Req("rep_b", "POST", "/api/plans", {"file": _upload(b"x", "p.txt")}, api=True)],
        "GET /api/plans/{ref}": [
            Req("owner_sjz", "GET", f"/api/plans/{bd}", api=True),
            Req("owner_sjz", "GET", f"/api/plans/{w.bd.source}", api=True),
            Req("unit_y", "GET", f"/api/plans/{bd}", api=True),
            Req("rep_b", "GET", f"/api/plans/{w.draft.pk}", api=True),
        ],
        "GET /api/ledger/items/{item_id}": [
            Req("rep_b", "GET", f"/api/ledger/items/{a.code}", api=True),
            Req("rep_b", "GET", f"/api/ledger/items/{a.pk}", api=True),
            Req("unit_y", "GET", f"/api/ledger/items/{x.pk}", api=True),
            Req("owner_sjz", "GET", f"/api/ledger/items/{x.code}", api=True),
        ],
        "POST /api/ledger/items/{item_id}/transitions": [
            Req(
                "rep_b",
                "POST",
                f"/api/ledger/items/{a.code}/transitions",
                action,
                api=True,
                json=True,
                headers={"If-Match": f'"{a.version}"'},
            ),
            Req("rep_b", "POST", f"/api/ledger/items/{a.pk}/transitions", action, api=True, json=True),
            Req(
                "unit_y",
                "POST",
                f"/api/ledger/items/{x.pk}/transitions",
                action,
                api=True,
                json=True,
                headers={"If-Match": f'"{x.version}"'},
            ),
        ],
        "POST /api/ledger/items/{item_id}/reports": [
            Req(
                "rep_b",
                "POST",
                f"/api/ledger/items/{a.code}/reports",
                {"text": "越权", "percent": "90", "files": _png("e.png")},
                api=True,
                headers={"If-Match": f'"{a.version}"'},
            ),
            Req(
                "unit_y",
                "POST",
                f"/api/ledger/items/{x.pk}/reports",
                {"text": "越权"},
                api=True,
                headers={"If-Match": f'"{x.version}"'},
            ),
        ],
        "GET /api/ledger/evidence/{evidence_id}": [
            Req("rep_b", "GET", f"/api/ledger/evidence/{w.evidence_a.pk}", api=True),
            Req("unit_y", "GET", f"/api/ledger/evidence/{w.evidence_x.pk}", api=True),
        ],
        "GET /api/indicators/values": [
            Req("rep_b", "GET", "/api/indicators/values", {"org": "130608"}, api=True),
            Req("owner_sjz", "GET", "/api/indicators/values", {"org": "130600"}, api=True),
        ],
        "POST /api/indicators/values": [
            Req(
                "rep_b",
                "POST",
                "/api/indicators/values",
                {"file": _csv(county_a_values)},
                api=True,
                expect=(400,),
                says="无权",
            ),
        ],
        "GET /api/indicators/{code}/compute": [
            Req(
                "rep_b",
                "GET",
                "/api/indicators/BEDS_PER_1000/compute",
                {"org": "130608", "period": "2023"},
                api=True,
            ),
            Req(
                "owner_sjz",
                "GET",
                "/api/indicators/BEDS_PER_1000/compute",
                {"org": "130600", "period": "2023", "level": "county"},
                api=True,
            ),
        ],
        "GET /api/indicators/targets/status": [
            Req(
                "owner_sjz",
                "GET",
                "/api/indicators/targets/status",
                {"plan": str(bd)},
                api=True,
                expect=(200,),
            ),  # an empty list, checked for leaks too
        ],
    }
    return cases


def _files(root: Path) -> set[tuple[str, int]]:
    return {(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()}


def _refused_keys() -> list[str]:
    return sorted(k for k, kinds in {**ROUTES, **API}.items() if kinds & {REFUSE, ROLE})


@pytest.mark.parametrize("route", _refused_keys())
def test_outsider_is_refused_and_nothing_changes(route: str, world, clients, sec) -> None:
    if _dormant(route, _mounted(sec)):
        pytest.skip(f"{route}: its app is not mounted")
    data_dir = Path(settings.DATA_DIR)
    for r in refusal_cases(world)[route]:
        before, files = sec.db_snapshot(), _files(data_dir)
        response = clients.send(r)
        label = f"{r.who} {r.method} {r.url} {r.data if r.method == 'GET' else ''}"
        assert response.status_code in r.expect, f"{label}: {response.status_code}"
        if r.says:
            assert r.says in sec.answer_text(response), f"{label}: refused for another reason"
        if response.status_code == 403:
            assert b"CSRF" not in response.content, f"{label}: refused by CSRF, not by jurisdiction"
        assert sec.snapshot_diff(before, sec.db_snapshot()) == [], f"{label} changed the database"
        planted = {f for f in _files(data_dir) - files if "planted" not in f[0]}
        assert planted == set(), f"{label} wrote files"
        if response.status_code < 300 or response.status_code in (400, 409):
            echo = " ".join(str(v) for v in (r.data or {}).values() if isinstance(v, str)) + r.echo
            assert_no_leak(
                sec.answer_text(response), world, ("A", "AV", "X"), exempt=r.who, label=label, echo=echo
            )


# ---- leak cases: lists and searches as the outsider -----------------------------------------------

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
    import re

    return re.search(rf"{re.escape(code)}(?!\d)", text) is not None


def leak_cases(w: Any) -> dict[str, list[tuple[str, str, dict[str, str], bool]]]:
    """route → (who, url, query, api?) for every outsider that can open the list at all."""
    bd = str(w.bd.pk)
    everyone = tuple(OUTSIDERS)
    searches = (
        {},
        {"q": "QY7731"},
        {"q": "专属"},
        {"org_unit": "130608"},
        {"unit": "卫生"},
        {"colour": "red"},
    )

    def each(url: str, queries: tuple[dict[str, str], ...] = ({},), who: tuple[str, ...] = everyone,
             api: bool = False) -> list[tuple[str, str, dict[str, str], bool]]:  # fmt: skip
        return [(u, url, q, api) for u in who for q in queries]

    in_bd = ("rep_b", "rep_a")  # outsiders that still see some items of the 保定 plan
    return {
        "plans/": each("/plans/"),
        "plans/tasks/": each("/plans/tasks/", searches),
        "plans/<str:ref>/": each(f"/plans/{bd}/", who=in_bd),
        "orgunits/": each("/orgunits/"),
        "ledger/": each("/ledger/"),
        "ledger/plan/<int:plan_id>/": each(f"/ledger/plan/{bd}/", searches, in_bd),
        "ledger/plan/<int:plan_id>/board/": each(f"/ledger/plan/{bd}/board/", searches[:1] + searches[3:], in_bd),
        "ledger/plan/<int:plan_id>/timeline/": each(f"/ledger/plan/{bd}/timeline/", ({}, {"children": "1"}), in_bd),
        "ledger/plan/<int:plan_id>/export.xlsx": each(f"/ledger/plan/{bd}/export.xlsx", who=in_bd),
        "ledger/import/": each("/ledger/import/"),
        "indicators/": each("/indicators/"),
        "indicators/entry/": each("/indicators/entry/", ({}, {"period": "2023"})),
        "indicators/targets/": each("/indicators/targets/"),
        "indicators/import/": each("/indicators/import/"),
        "dashboard/": each("/dashboard/", ({}, {"plan": bd})),
        "dashboard/map-data/": each("/dashboard/map-data/", ({}, {"mode": "warning"})),
        "dashboard/geometry/": each("/dashboard/geometry/"),
        "dashboard/scorecards/": each("/dashboard/scorecards/", ({}, {"by": "unit"})),
        "dashboard/scorecards/export/": each("/dashboard/scorecards/export/"),
        "dashboard/briefing/": each("/dashboard/briefing/", ({}, {"plan": bd})),
        "GET /api/plans": each("/api/plans", api=True),
        "GET /api/plans/{ref}": each(f"/api/plans/{bd}", who=in_bd, api=True),
        "GET /api/tasks": each("/api/tasks", searches, api=True),
        "GET /api/ledger/items": each("/api/ledger/items", ({"plan": bd}, *searches), api=True),
        "GET /api/ledger/warnings": each("/api/ledger/warnings", ({}, {"plan": bd}), api=True),
        "GET /api/indicators": each("/api/indicators", api=True),
        "GET /api/indicators/values": each("/api/indicators/values", ({}, {"data_element": "BEDS"}), api=True),
        "GET /api/indicators/{code}/compute": each(
            "/api/indicators/BEDS_PER_1000/compute", ({"org": "130607", "period": "2023"},), ("rep_b",), True
        ),
        "GET /api/indicators/targets/status": each("/api/indicators/targets/status", ({}, {"plan": bd}), api=True),
    }  # fmt: skip


def _leak_keys() -> list[str]:
    return sorted(k for k, kinds in {**ROUTES, **API}.items() if LEAK in kinds)


@pytest.mark.parametrize("route", _leak_keys())
def test_lists_do_not_leak(route: str, world, clients, sec) -> None:
    if _dormant(route, _mounted(sec)):
        pytest.skip(f"{route}: its app is not mounted")
    for who, url, query, api in leak_cases(world)[route]:
        response = clients.send(Req(who, "GET", url, query, api=api))
        label = f"{who} GET {url} {query}"
        assert response.status_code == 200, f"{label}: {response.status_code}"
        assert_no_leak(sec.answer_text(response), world, OUTSIDERS[who], label=label, echo=str(query))


# ---- controls: the same clients do see their own things and can write (so a 404 above means refused) --


def test_controls_insiders_see_and_write(world, clients, sec) -> None:
    answer_text = sec.answer_text
    a, x = world.item_a, world.item_x
    text = {
        "rep_a": answer_text(clients.send(Req("rep_a", "GET", f"/ledger/plan/{world.bd.pk}/"))),
        "unit_x": answer_text(clients.send(Req("unit_x", "GET", "/api/ledger/items", {"plan": str(world.bd.pk)}, api=True))),
        "rep_a_item": answer_text(clients.send(Req("rep_a", "GET", f"/ledger/items/{a.code}/"))),
        "owner": answer_text(clients.send(Req("owner_bd", "GET", f"/ledger/plan/{world.bd.pk}/export.xlsx"))),
    }  # fmt: skip
    assert a.code in text["rep_a"] and "清苑区专属事项甲" in text["rep_a"]
    assert x.code in text["unit_x"] and "市卫健委专属事项乙" in text["unit_x"]
    assert "QY7731" in text["rep_a_item"] and "QY4402" in text["rep_a_item"]
    assert all(m in text["owner"] for m in (a.code, x.code, "QY7731", "WJ5519"))
    evidence = clients.send(Req("rep_a", "GET", f"/ledger/evidence/{world.evidence_a.pk}/"))
    assert evidence.status_code == 200
    values = answer_text(clients.send(Req("rep_a", "GET", "/api/indicators/values", api=True)))
    assert "7731.25" in values
    # a write with the same CSRF machinery goes through for the insider (so 404/403 above were refusals)
    reply = clients.send(
        Req(
            "rep_a", "POST", f"/ledger/items/{a.code}/notices/{world.notice_a.pk}/reply/", {"reply": "已整改"}
        )
    )
    assert reply.status_code == 302
    world.notice_a.refresh_from_db()
    assert world.notice_a.reply == "已整改"
    own_sheet = _upload(_ledger_sheet(world, a.code, "本县改写的进展"))
    preview = clients.send(Req("rep_a", "POST", "/ledger/import/", {"file": own_sheet}))
    assert preview.status_code == 200 and "本县改写的进展" in preview.content.decode()
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(world.users["rep_a"])
    assert no_token.post(f"/ledger/items/{a.code}/action/", {"action": "start"}).status_code == 403
