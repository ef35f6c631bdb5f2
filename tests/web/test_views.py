"""Pages: login required, upload errors, outline, edit, publish, scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yigai.apps.plans.models import Plan, Status
from yigai.apps.plans.services import plan_store_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, make_user):
    client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    return client


@pytest.mark.parametrize("name", ["plans:list", "plans:tasks", "plans:import", "orgunits:tree"])
def test_login_required(client, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_is_chinese(client, make_user) -> None:
    make_user("u", "leader", "130000")
    page = client.get("/login/").content.decode()
    assert "yigai 医改工作平台" in page and "登录" in page and "cdn" not in page.lower()
    response = client.post("/login/", {"username": "u", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
    assert client.post("/login/", {"username": "u", "password": "pw-test-123"}).status_code == 302


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件为空（0 字节）"),
        ("photo.jpg", b"\xff\xd8\xff\xe0JFIF", "不是可导入的文件类型"),
        ("big.txt", b"x" * 2048, "文件过大"),
    ],
)
def test_upload_rejections_store_nothing(owner_client, settings, name, data, message) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    response = owner_client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Plan.objects.count() == 0


def test_upload_review_publish(owner_client, fake_extract) -> None:
    upload = SimpleUploadedFile("plan.txt", "一、重点任务\n1. 培养基层医务人员。".encode())
    response = owner_client.post(reverse("plans:import"), {"file": upload})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:detail", kwargs={"ref": plan.pk}
    )
    page = owner_client.get(response["Location"]).content.decode()
    assert "（一）强化基层" in page and "培养基层医务人员" in page and "牵头：市卫生健康委" in page
    assert "每千人口执业（助理）医师数" in page and "2025年12月31日" in page
    task = plan.tasks.get(ext_id="T1")
    form = owner_client.get(reverse("plans:task_edit", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<form" in form.content.decode()
    saved = owner_client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {"number": "1", "title": "培养基层医务人员", "text": task.text, "deadline": "2026-06-30",
         "deadline_text": "", "section": "", "lead_units": "市医疗保障局", "co_units": ""},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert saved.status_code == 200 and "牵头：市医疗保障局" in saved.content.decode()
    owner_client.post(reverse("plans:publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED
    listing = owner_client.get(reverse("plans:tasks"), {"unit": "医疗保障"}).content.decode()
    assert "培养基层医务人员" in listing


def test_reporter_cannot_open_other_plans(client, make_user, fake_document) -> None:
    plan = plan_store_document(document=fake_document(), content_hash="x")
    client.force_login(make_user("r", "unit_reporter", "130638", "雄县人民政府"))
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:import")).status_code == 403
    assert client.post(reverse("plans:publish", args=[plan.pk])).status_code == 404


def test_demo_badge_and_plan_by_source(owner_client, fake_document) -> None:
    plan_store_document(document=fake_document(source="demo.txt"), content_hash="d", is_demo=True)
    assert "示例数据" in owner_client.get(reverse("plans:list")).content.decode()
    assert owner_client.get(reverse("plans:detail", args=["demo.txt"])).status_code == 200
