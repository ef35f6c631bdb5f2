"""Plan uploads go through :func:`yigai.core.uploads.sniff_upload` on every interface (page, API, CLI): a
renamed program, image or archive, an oversize file or a name that is not a document's is refused with
one sentence naming the file and the reason (400 / exit 1) and stores nothing; the six document formats
still import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from typer.testing import CliRunner

from yigai.apps.accounts.services import api_token_create
from yigai.apps.plans.models import Plan
from yigai.cli import app

TESTS = Path(__file__).resolve().parents[1]
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip_bomb() -> bytes:
    """A .docx-looking zip whose one member unpacks to 1000 × the archive's size."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * (8 * 2**20))
    return buf.getvalue()


REFUSED = [
    pytest.param("通知.pdf", EXE, "通知.pdf：不是有效的 PDF 文件", id="program-renamed-pdf"),
    pytest.param("方案.docx", PNG, "方案.docx：不是有效的 Word（.docx）文件", id="image-renamed-docx"),
    pytest.param("任务.txt", EXE, "任务.txt：不是文本文件（含二进制内容）", id="program-renamed-txt"),
    pytest.param(
        "清单.xlsx", b"%PDF-1.7\n...", "清单.xlsx：不是有效的 Excel（.xlsx）文件", id="pdf-renamed-xlsx"
    ),
    pytest.param(
        "任务.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "任务.txt：不是文本文件（含二进制内容）",
        id="pdf-renamed-txt",
    ),
    pytest.param(
        "任务.md", bytes(range(128, 256)) * 8, "任务.md：不是文本文件（含二进制内容）", id="binary-renamed-md"
    ),
    pytest.param("方案.docx", _zip_bomb(), "方案.docx：不是有效的 Word（.docx）文件", id="zip-bomb"),
    pytest.param(
        "方案.exe", "一、重点任务".encode(), "方案.exe：不是可导入的文件类型（.exe）", id="name-exe"
    ),
    pytest.param("方案", "一、重点任务".encode(), "方案：不是可导入的文件类型（无扩展名）", id="name-no-ext"),
    pytest.param(
        "大文件.txt", "一".encode() * 10_000, "大文件.txt：文件过大（0.0 MB），上限为 0 MB", id="oversize"
    ),
]
# one real file per accepted format, from the evaluation corpora
ACCEPTED = [
    "corpus/docs/shaanxi_2022_yigai_key_tasks.txt",
    "corpus/docs/qujing_2017_yigai_tasks_gbk.txt",
    "corpus/docs/hangzhou_health_action_2023_tasks.html",
    "corpus_holdout/docs/neimenggu_2023_yigongti_tasks.md",
    "corpus/docs/nanjing_hospital_hq_table.docx",
    "corpus/docs/gansu_medical_service_system_plan.pdf",
    "corpus/docs/jining_county_yigongti_tasks.xlsx",
]


@pytest.fixture
def owner(make_user):
    return make_user("owner", "plan_owner", "130600", "市卫生健康委")


@pytest.fixture
def small_limit(settings) -> None:
    settings.MAX_UPLOAD_BYTES = 20_000  # 10,000 × "一" is 30,000 bytes; every other refused file is smaller


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_page_refuses(client, owner, small_limit, fake_extract, name: str, data: bytes, message: str) -> None:
    client.force_login(owner)
    response = client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Plan.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_api_refuses(client, owner, small_limit, fake_extract, name: str, data: bytes, message: str) -> None:
    token = api_token_create(user=owner, name="test")
    response = client.post(
        "/api/plans", {"file": SimpleUploadedFile(name, data)}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert Plan.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: Path(p).suffix + "-" + Path(p).stem[:12])
def test_accepted_formats_still_import(client, owner, fake_extract, path: str) -> None:
    client.force_login(owner)
    upload = SimpleUploadedFile(Path(path).name, (TESTS / path).read_bytes())
    assert client.post(reverse("plans:import"), {"file": upload}).status_code == 302
    token = api_token_create(user=owner, name="test")
    again = SimpleUploadedFile(Path(path).name, (TESTS / path).read_bytes())
    response = client.post("/api/plans", {"file": again}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["created"] is False
    assert Plan.objects.get().source == Path(path).name


@pytest.mark.django_db(transaction=True)
def test_cli_refuses_and_names_the_file(tmp_path, fake_extract) -> None:
    renamed = tmp_path / "通知.pdf"
    renamed.write_bytes(EXE)
    good = tmp_path / "good.txt"
    good.write_text("一、任务\n1. 做事。", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(renamed), str(good)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"错误：{renamed}：不是有效的 PDF 文件"]
    assert "已导入：方案" in result.stdout
