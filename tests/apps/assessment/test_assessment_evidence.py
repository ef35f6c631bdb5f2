"""自评 evidence files: checked and stored by the ledger's evidence machinery, seen by the reviewer, kept as
they were (name, size, SHA-256) in a frozen stage."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yigai.apps.assessment import services
from yigai.apps.assessment.models import FrozenStage, SelfAssessment, SelfAssessmentEvidence

from ..ledger.conftest import PDF, PNG  # noqa: TID252  # the ledger tests' sample files
from .conftest import SCHEME

pytestmark = pytest.mark.django_db
BASE = ["golden", "2024", "130608"]  # 清苑区


@pytest.fixture
def record(history, users):
    return services.scheme_save(actor=users["owner"], text=SCHEME)


def _submit(client, user, *files, score="100"):
    client.force_login(user)
    data = {"score": score, "text": "全部按期完成", "evidence": "验收报告", "files": list(files)}
    return client.post(reverse("assessment:self", args=BASE), data)


def test_unit_attaches_files_and_the_reviewer_sees_and_downloads_them(client, record, users) -> None:
    _submit(
        client,
        users["county"],
        SimpleUploadedFile("验收报告.pdf", PDF),
        SimpleUploadedFile("现场照片.png", PNG),
    )
    files = list(SelfAssessmentEvidence.objects.order_by("original_name"))
    assert [(f.original_name, f.sha256) for f in files] == sorted(
        [("验收报告.pdf", hashlib.sha256(PDF).hexdigest()), ("现场照片.png", hashlib.sha256(PNG).hexdigest())]
    )
    client.force_login(users["reviewer"])
    page = client.get(reverse("assessment:explain", args=BASE)).content.decode()
    pdf = next(f for f in files if f.original_name.endswith(".pdf"))
    assert "验收报告.pdf" in page and reverse("assessment:evidence", args=[pdf.pk]) in page
    got = client.get(reverse("assessment:evidence", args=[pdf.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    client.force_login(users["other"])  # 保定市教育局: neither the unit nor an assessor
    assert client.get(reverse("assessment:evidence", args=[pdf.pk])).status_code == 404


def test_a_bad_file_is_refused_by_name_and_nothing_is_written(client, record, users) -> None:
    response = _submit(client, users["county"], SimpleUploadedFile("报告.pdf", PDF),
                       SimpleUploadedFile("工具.exe", b"MZ\x90\x00payload"))  # fmt: skip
    assert not SelfAssessment.objects.exists() and not SelfAssessmentEvidence.objects.exists()
    page = client.get(response.url).content.decode()
    assert "工具.exe：只接受 PDF" in page


def test_frozen_stage_keeps_the_evidence_as_it_was(client, record, users, evidence_dir) -> None:
    _submit(client, users["county"], SimpleUploadedFile("验收报告.pdf", PDF))
    client.force_login(users["reviewer"])
    client.post(reverse("assessment:freeze", args=["golden", "2024"]))
    frozen = FrozenStage.objects.get()
    kept = frozen.snapshot["self_assessments"]["130608"]
    assert kept["score"] == 100 and kept["files"] == [
        {"name": "验收报告.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest(),
         "id": SelfAssessmentEvidence.objects.get().pk}
    ]  # fmt: skip
    assert services.frozen_intact(frozen)
    # no more files once frozen
    _submit(client, users["county"], SimpleUploadedFile("补充.png", PNG))
    assert SelfAssessmentEvidence.objects.count() == 1
    # a file changed on disk after freezing is not served as the frozen evidence
    stored = SelfAssessmentEvidence.objects.get()
    (evidence_dir / stored.stored_name).write_bytes(PDF + b"changed")
    client.force_login(users["reviewer"])
    page = client.get(reverse("assessment:explain", args=BASE)).content.decode()
    assert "验收报告.pdf" in page and "与冻结时不一致" in page
    assert client.get(reverse("assessment:evidence", args=[stored.pk])).status_code == 404
