"""佐证材料: files checked by their bytes (not their name), stored outside the web root under a random name.

Allowed: PDF, Word (.docx), Excel (.xlsx), JPEG, PNG. Size limit: ``LEDGER_EVIDENCE_MAX_BYTES``
(``YIGAI_EVIDENCE_MAX_MB``). Files live in ``LEDGER_EVIDENCE_DIR`` (``YIGAI_DATA_DIR/evidence/``),
which no URL maps to; they are served only by the API after :func:`access_evidence`.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.db import transaction

from yigai.apps.accounts.models import Role, User
from yigai.apps.ledger.models import Evidence, LedgerItem, ProgressReport
from yigai.apps.ledger.services.errors import LedgerError
from yigai.core import uploads
from yigai.core.permissions import Perm, may

#: extension → content type, for the kinds accepted
KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


#: what the file is, for messages; extensions that name the same kind
LABELS = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "xlsx": "Excel（.xlsx）",
    "jpg": "JPG 图片",
    "png": "PNG 图片",
}
ALIASES = {".jpeg": "jpg"}


def sniff(data: bytes) -> str | None:
    """The kind of file ``data`` is (pdf, docx, xlsx, jpg, png), judged by its bytes; None if none of them.

    >>> sniff(b"%PDF-1.7 ..."), sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"MZ\\x90\\x00")
    ('pdf', 'png', None)
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def clean_name(name: str) -> str:
    """The base name only, without control characters (kept for display and download, never for storage)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    return base[:200] or "未命名文件"


def evidence_path(ev: Evidence) -> Path:
    return Path(settings.LEDGER_EVIDENCE_DIR) / ev.stored_name


def _may_attach(user: User, item: LedgerItem) -> bool:
    """The right (the permission table) and, for a reporter, their unit on the item (lead or co)."""
    if not may(user, Perm.ATTACH_EVIDENCE):
        return False
    if user.role == Role.UNIT_REPORTER:  # jurisdiction: their own unit's items only
        return item.lead_unit_id == user.unit_id or item.co_units.filter(pk=user.unit_id or 0).exists()
    return True


def evidence_store(data: bytes, ext: str) -> str:
    """Write checked bytes under a new random name in the evidence folder; the name. (Also the store of
    other apps' evidence: 自评 files of the assessment app.)"""
    folder = Path(settings.LEDGER_EVIDENCE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ext}"
    tmp = folder / f".{stored}.part"
    tmp.write_bytes(data)
    os.replace(tmp, folder / stored)
    return stored


@transaction.atomic
def evidence_attach(
    *,
    item: LedgerItem,
    user: User,
    name: str,
    data: bytes,
    report: ProgressReport | None = None,
    is_demo: bool = False,
) -> Evidence:
    """Attach a 佐证材料 file to ``item`` (and to one of its progress reports)."""
    from django.core.exceptions import PermissionDenied

    from yigai.apps.ledger.selectors import access_item_row

    access_item_row(user=user, item_id=item.pk)
    if not _may_attach(user, item):
        raise PermissionDenied("只有责任单位、方案管理员或审核员可以上传佐证材料")
    if report is not None and report.item_id != item.pk:
        raise LedgerError("进展报告不属于该事项", "report_other_item")
    kind = evidence_check(name=name, data=data)
    stored = evidence_store(data, kind)
    try:
        return Evidence.objects.create(
            item=item, report=report, stored_name=stored, original_name=clean_name(name), size=len(data),
            content_type=KINDS[kind], sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user,
            is_demo=is_demo,
        )  # fmt: skip
    except Exception:
        (Path(settings.LEDGER_EVIDENCE_DIR) / stored).unlink(missing_ok=True)
        raise


def evidence_check(*, name: str, data: bytes) -> str:
    """The file's kind if it is acceptable (type by bytes, size), else :class:`LedgerError` naming it."""
    shown = clean_name(name)
    limit = settings.LEDGER_EVIDENCE_MAX_BYTES
    if not data:
        raise LedgerError(f"{shown}：文件为空", "empty_file")
    if len(data) > limit:
        raise LedgerError(f"{shown}：文件超过 {limit / 1024 / 1024:g} MB 的上限", "too_large")
    kind = sniff(data)
    if kind is None:
        raise LedgerError(f"{shown}：只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG 文件", "file_type")
    _check_extension(shown, kind, data)
    return kind


def _check_extension(shown: str, kind: str, data: bytes) -> None:
    """The name's extension must say what the bytes are (a PNG named .pdf would be served as a PDF).
    Judged by :mod:`yigai.core.uploads` (its extension → content table) and by :func:`sniff` (Word vs Excel)."""
    ext = PurePosixPath(shown).suffix.lower()
    expected = uploads.EXPECTED.get(ext)
    if expected != uploads.sniff(data) or ALIASES.get(ext, ext.lstrip(".")) != kind:
        raise LedgerError(
            f"{shown}：文件内容是 {LABELS[kind]}，与扩展名“{ext or '无'}”不符；请按文件的真实类型命名后再上传",
            "extension_mismatch",
        )
