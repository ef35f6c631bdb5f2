"""The requests of the cross-jurisdiction suite, route by route (the classification is in
cross_jurisdiction_routes.py): what an outsider sends to address the other side's objects (refusals) and
which lists and searches it opens (leaks), for the Django views and for the API.

``world`` (tests/security/conftest.py) holds two counties, two city units and another city's plan owner;
every function here takes it and returns ``{route key: [cases]}``. Imported by its bare name.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from cross_jurisdiction_assessment import (
    assessment_leak_cases,
    assessment_refusal_cases,
    records_refusal_cases,
)
from cross_jurisdiction_routes import OUTSIDERS, Req
from django.test import Client
from openpyxl import load_workbook

from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET

COL = {h: i + 1 for i, h in enumerate(HEADERS)}
COUNTY_A = "130608"
COUNTY_A_VALUES = [["org_unit", "data_element", "period", "value", "disaggregation"],
                   ["130608", "BEDS", "2023", "1", ""]]  # fmt: skip
ACTION = {"action": "request_extension", "version": "9", "reason": "越权", "new_deadline": "2030-01-01"}
SEARCHES: tuple[dict[str, str], ...] = (
    {},
    {"q": "QY7731"},
    {"q": "专属"},
    {"org_unit": "130608"},
    {"unit": "卫生"},
    {"colour": "red"},
)
IN_BD = ("rep_b", "rep_a")  # outsiders that still see some items of the 保定 plan
LeakCase = tuple[str, str, dict[str, str], bool]  # (who, url, query, api?)


# ---- files an outsider might upload ----------------------------------------------------------------


def _png(name: str) -> Any:
    f = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    f.name = name
    return f


def _csv(rows: list[list[str]], name: str = "values.csv") -> Any:
    f = io.BytesIO("\n".join(",".join(r) for r in rows).encode())
    f.name = name
    return f


def ledger_sheet(w: Any, code: str, text: str) -> bytes:
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


def upload(data: bytes, name: str = "台账.xlsx") -> Any:
    f = io.BytesIO(data)
    f.name = name
    return f


def _plant_upload(data: bytes) -> Callable[[Client], None]:
    """Give the caller a finished preview job of a sheet, pending in its session, as if its preview had
    passed (the confirm step's apply job re-checks). Confirming uses the job's file up."""
    from yigai.apps.jobs.models import Job
    from yigai.apps.jobs.services import job_file

    def plant(c: Client) -> None:
        session = c.session
        job = Job.objects.create(
            kind="ledger_preview", user_id=session["_auth_user_id"], state=Job.State.DONE,
            file_name="台账.xlsx", result={"confirmable": True, "preview": {"file_name": "台账.xlsx"}},
        )  # fmt: skip
        job_file(job).parent.mkdir(parents=True, exist_ok=True)
        job_file(job).write_bytes(data)
        session["ledger_upload"] = {"job": job.pk}
        session.save()

    return plant


# ---- refusal cases: the outsider addresses the other side's object --------------------------------


def html_refusal_cases(w: Any) -> dict[str, list[Req]]:
    a, b, x = w.item_a, w.item_b, w.item_x
    bd, sjz = w.bd.pk, w.sjz.pk
    t1, t2 = w.t1.pk, w.t2.pk
    g = w.bd.targets.order_by("pk").first().pk
    sheet_a = ledger_sheet(w, a.code, "外县改写的进展")
    sheet_x = ledger_sheet(w, x.code, "他单位改写的进展")
    return {
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
            Req(who, "POST", "/plans/import/", {"file": upload(b"x", "p.txt")}) for who in ("rep_b", "unit_y")
        ],
        "plans/<str:ref>/preview/": [
            Req("owner_sjz", "GET", f"/plans/{w.draft.pk}/preview/"),
            Req("rep_b", "GET", f"/plans/{bd}/preview/"),
            Req("unit_x", "GET", f"/plans/{w.draft.pk}/preview/"),
        ],
        "plans/<str:ref>/region/": [
            Req(who, "POST", f"/plans/{w.draft.pk}/region/", {"org_unit": str(w.sjz.org_unit_id)})
            for who in ("owner_sjz", "rep_b", "unit_x")
        ],
        "plans/<str:ref>/targets/add/": [
            Req(
                who,
                "POST",
                f"/plans/{bd}/targets/add/",
                {"indicator": "越权", "comparator": ">=", "value": "1"},
            )
            for who in ("owner_sjz", "rep_b", "unit_x")
        ],
        "plans/targets/<int:target_id>/edit/": [
            Req(who, m, f"/plans/targets/{g}/edit/", {"indicator": "越权", "comparator": ">=", "value": "1"})
            for who in ("owner_sjz", "unit_x", "rep_b")
            for m in ("GET", "POST")
        ],
        "plans/targets/<int:target_id>/delete/": [
            Req(who, "POST", f"/plans/targets/{g}/delete/") for who in ("owner_sjz", "unit_x", "rep_b")
        ],
        "indicators/targets/<int:target_id>/link/": [
            Req(who, "POST", f"/indicators/targets/{g}/link/", {"indicator": "NPA46_PHYSICIAN_NURSE_RATIO"})
            for who in ("owner_sjz", "unit_x", "rep_b")
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
                {"file": upload(sheet_a)},
                expect=(400,),
                echo=a.code,
                says="无权修改该事项",
            ),
            Req(
                "unit_y",
                "POST",
                "/ledger/import/",
                {"file": upload(sheet_x)},
                expect=(400,),
                echo=x.code,
                says="无权修改该事项",
            ),
            Req(
                "rep_a",
                "POST",
                "/ledger/import/",
                {"file": upload(sheet_x)},
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
            Req("rep_b", "POST", f"/ledger/items/{a.code}/action/", {**ACTION, "version": str(a.version)}),
            Req("rep_b", "POST", f"/ledger/items/{a.pk}/action/", {**ACTION, "version": str(a.version)}),
            Req("unit_y", "POST", f"/ledger/items/{x.code}/action/", {**ACTION, "version": str(x.version)}),
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
                {"file": _csv(COUNTY_A_VALUES)},
                expect=(400,),
                says="无权",
            ),
            Req(
                "owner_sjz",
                "POST",
                "/indicators/import/",
                {"file": _csv(COUNTY_A_VALUES)},
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
        **{
            f"access/{suffix}": [
                Req("rep_b", "GET", f"/access/{suffix}", {"org": "130608"}),
                Req("unit_y", "GET", f"/access/{suffix}", {"org": "130100"}),
                Req("owner_sjz", "GET", f"/access/{suffix}", {"org": "130600"}),
            ]
            for suffix in ("", "points/")
        },
        "audit/": [Req(who, "GET", "/audit/") for who in ("rep_b", "owner_bd")],
        "audit/verify/": [Req(who, "POST", "/audit/verify/") for who in ("rep_b", "owner_bd")],
        "todo/notices/": [Req(who, "GET", "/todo/notices/") for who in ("rep_b", "rep_a")],
        **assessment_refusal_cases(w),
        **records_refusal_cases(w),
    }


def api_refusal_cases(w: Any) -> dict[str, list[Req]]:
    """The same refusals through the API (bearer tokens; the same answers)."""
    a, x = w.item_a, w.item_x
    bd = w.bd.pk
    return {
        "POST /api/plans": [Req("rep_b", "POST", "/api/plans", {"file": upload(b"x", "p.txt")}, api=True)],
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
                ACTION,
                api=True,
                json=True,
                headers={"If-Match": f'"{a.version}"'},
            ),
            Req("rep_b", "POST", f"/api/ledger/items/{a.pk}/transitions", ACTION, api=True, json=True),
            Req(
                "unit_y",
                "POST",
                f"/api/ledger/items/{x.pk}/transitions",
                ACTION,
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
                {"file": _csv(COUNTY_A_VALUES)},
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


# ---- leak cases: lists and searches as the outsider -----------------------------------------------


def each(url: str, queries: tuple[dict[str, str], ...] = ({},), who: tuple[str, ...] = tuple(OUTSIDERS),
         api: bool = False) -> list[LeakCase]:  # fmt: skip
    """Every outsider in ``who`` opens ``url`` with every query."""
    return [(u, url, q, api) for u in who for q in queries]


def html_leak_cases(w: Any) -> dict[str, list[LeakCase]]:
    """route → (who, url, query, api?) for every outsider that can open the list at all."""
    bd = str(w.bd.pk)
    searches, in_bd = SEARCHES, IN_BD
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
        "access/": each("/access/"),
        "access/points/": each("/access/points/"),
        "todo/": each("/todo/"),
        "todo/notices/": each("/todo/notices/", ({}, {"unit": "卫生"}, {"state": "open"}, {"plan": bd}),
                              ("owner_sjz",)),
        **assessment_leak_cases(w),
    }  # fmt: skip


def api_leak_cases(w: Any) -> dict[str, list[LeakCase]]:
    bd = str(w.bd.pk)
    searches, in_bd = SEARCHES, IN_BD
    return {
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


def refusal_cases(w: Any) -> dict[str, list[Req]]:
    return html_refusal_cases(w) | api_refusal_cases(w)


def leak_cases(w: Any) -> dict[str, list[LeakCase]]:
    return html_leak_cases(w) | api_leak_cases(w)
