"""API: a county user reads only its own county's values; import via upload reports row-level problems."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from indicator_files import csv_bytes

from yigai.apps.accounts.services import api_token_create
from yigai.apps.indicators.services import values_import

pytestmark = pytest.mark.django_db
HEADER = ["org_unit", "data_element", "period", "value"]


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')}"}


@pytest.fixture
def two_counties(catalogue) -> None:
    values_import(file_name="v.csv", data=csv_bytes([
        HEADER, ["131002", "BEDS", "2023", "6000"], ["131002", "POP_RESIDENT", "2023", "800000"],
        ["131003", "BEDS", "2023", "2000"], ["131003", "POP_RESIDENT", "2023", "500000"],
    ]))  # fmt: skip


def test_county_user_cannot_read_another_county(client, two_counties, make_user) -> None:
    county = bearer(make_user("c", "unit_reporter", "131002"))
    mine = client.get("/api/indicators/values", {"data_element": "BEDS"}, **county).json()
    assert [(v["org_unit"], v["value"]) for v in mine] == [("131002", 6000.0)]
    assert client.get("/api/indicators/values", {"org": "131003"}, **county).status_code == 404
    assert (
        client.get(
            "/api/indicators/BEDS_PER_1000/compute", {"org": "131003", "period": "2023"}, **county
        ).status_code
        == 404
    )
    city = bearer(make_user("o", "plan_owner", "131000", "市卫生健康委"))
    rows = client.get(
        "/api/indicators/BEDS_PER_1000/compute",
        {"org": "131000", "period": "2023", "level": "county"},
        **city,
    ).json()
    assert [(r["org_unit"], r["value"]) for r in rows][:3] == [
        ("131002", 7.5),
        ("131003", 4.0),
        ("131022", None),
    ]
    city_row = client.get(
        "/api/indicators/BEDS_PER_1000/compute", {"org": "131000", "period": "2023"}, **city
    ).json()
    assert city_row[0]["numerator"] == 8000 and city_row[0]["denominator"] == 1300000
    # two of the city's ten counties reported: the API says so with the value
    assert (city_row[0]["reported"], city_row[0]["expected"], city_row[0]["final"]) == (2, 10, False)
    assert city_row[0]["note"] == "部分上报 2/10"
    catalogue = client.get("/api/indicators", **city).json()
    assert len(catalogue) >= 70 and {"code", "name", "factor", "direction"} <= set(catalogue[0])


def test_import_upload_reports_problems(client, catalogue, make_user) -> None:
    user = make_user("c", "unit_reporter", "131002")
    bad = SimpleUploadedFile(
        "bad.csv", csv_bytes([HEADER, ["131002", "BEDS", "2023", "x"], ["131003", "BEDS", "2023", "1"]])
    )
    response = client.post("/api/indicators/values", {"file": bad}, **bearer(user))
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [
        ("bad.csv", 2, "value"),
        ("bad.csv", 3, "org_unit"),
    ]
    good = SimpleUploadedFile("good.csv", csv_bytes([HEADER, ["131002", "BEDS", "2023", "5"]]))
    response = client.post("/api/indicators/values", {"file": good}, **bearer(user))
    assert response.status_code == 201 and response.json()["created"] == 1
    leader = make_user("l", "leader", "130000")
    again = SimpleUploadedFile("good.csv", csv_bytes([HEADER, ["131002", "BEDS", "2023", "5"]]))
    assert client.post("/api/indicators/values", {"file": again}, **bearer(leader)).status_code == 403
