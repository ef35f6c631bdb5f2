"""Import: check the file, extract it, store the document atomically; idempotent by content hash."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.orgunits.selectors import orgunit_find_in_text, orgunit_guess_from_text
from yigai.apps.plans import adapters
from yigai.apps.plans.models import Plan, Section, Target, Task, TaskUnit
from yigai.apps.units.services import unit_ensure
from yigai.core.limits import heavy_check
from yigai.core.parse import extractor_fingerprint
from yigai.core.parse.blocks import ReadError
from yigai.core.parse.extract import extract_bytes
from yigai.core.plan import Document
from yigai.core.uploads import UploadRejected, sniff_upload

logger = logging.getLogger(__name__)
DOCUMENT_EXTENSIONS = (
    ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".xlsx", ".doc", ".wps", ".rtf",
)  # fmt: skip


class ImportRejected(Exception):
    """A file that is not imported; ``message`` is one sentence (in the active language) naming the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        message = _("%(name)s：%(reason)s") % {"name": name, "reason": reason}
        super().__init__(message)
        self.name = name
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    created: bool


def document_check(*, name: str, data: bytes, quick: bool = False) -> str:
    """Reject what is plainly not a policy document before extraction: empty, too big, a name that is not
    a document's, content that is not what the name says (a renamed program, image or archive), a zip
    bomb — with :func:`yigai.core.uploads.sniff_upload`, the checks every upload goes through. Returns
    the name made safe to store and show (no path, no control characters, lower-case extension). Then
    the limits on heavy input (:func:`yigai.core.limits.heavy_check`: expansion, PDF pages, cells —
    ``quick``: all but counting a workbook's cells, which the background job does)."""
    try:
        upload = sniff_upload(name, data, allowed=DOCUMENT_EXTENSIONS, max_bytes=settings.MAX_UPLOAD_BYTES)
        heavy_check(upload.name, upload.ext, data, settings.INPUT_LIMITS, stream_sheets=not quick)
    except UploadRejected as exc:
        logger.info("plan upload refused: %s (%s)", exc.name, exc.code)
        raise ImportRejected(exc.name, _rejection_reason(exc, data)) from exc
    return upload.name


def _rejection_reason(exc: UploadRejected, data: bytes) -> str:
    """The reason in the active language (``exc.message`` is the Chinese default)."""
    if exc.code == "empty":
        return _("文件为空（0 字节）")
    if exc.code == "too_large":
        limit = settings.MAX_UPLOAD_BYTES
        return _("文件过大（%(size).1f MB），上限为 %(limit).0f MB") % {
            "size": len(data) / 1048576,
            "limit": limit / 1048576,
        }
    if exc.code == "limit":  # what was found and the limit, named by yigai.core.limits (Chinese)
        return exc.message
    ext = PurePath(exc.name).suffix.lower()
    if exc.code == "extension":
        allowed = pgettext("list separator", "、").join(DOCUMENT_EXTENSIONS)
        kind = ext or _("无扩展名")
        return _("不是可导入的文件类型（%(kind)s），支持：%(allowed)s") % {"kind": kind, "allowed": allowed}
    # executable, mismatch, archive: the content is not the document its name says
    if ext == ".docx":
        return _("不是有效的 Word（.docx）文件")
    if ext == ".xlsx":
        return _("不是有效的 Excel（.xlsx）文件")
    if ext == ".pdf":
        return _("不是有效的 PDF 文件")
    return _("不是文本文件（含二进制内容）")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_import(
    *,
    name: str,
    data: bytes,
    org_unit: OrgUnit | None = None,
    user: User | None = None,
    is_demo: bool = False,
    region: OrgUnit | None = None,
) -> ImportResult:
    """Check, extract and store one file. The same content twice gives the same plan (``created=False``)."""
    name = document_check(name=name, data=data)
    digest = content_hash(data)
    existing = Plan.objects.filter(content_hash=digest).first()
    if existing is not None:
        return ImportResult(plan=existing, created=False)
    try:
        document = extract_bytes(name, data)
    except ReadError as exc:
        raise ImportRejected(name, _("无法读取：%(reason)s") % {"reason": exc.reason}) from exc
    except Exception as exc:  # an extractor bug must not become a 500 or a traceback for the user
        logger.exception("extraction failed for %s", name)
        raise ImportRejected(
            name, _("抽取失败（%(error)s）：%(detail)s") % {"error": type(exc).__name__, "detail": exc}
        ) from exc
    try:
        plan = plan_store_document(
            document=document,
            content_hash=digest,
            org_unit=org_unit,
            user=user,
            is_demo=is_demo,
            region=region,
        )
    except IntegrityError:  # the same content stored concurrently: that one wins
        return ImportResult(plan=Plan.objects.get(content_hash=digest), created=False)
    audit_record(actor=user, action="plan.import", obj=plan, details={"file": name, "sha256": digest})
    return ImportResult(plan=plan, created=True)


def _plan_org_unit(document: Document, fallback: OrgUnit | None) -> tuple[OrgUnit, bool]:
    """Whose plan, and whether that is settled: the issuer's place ("保定市人民政府" → 保定市); else the
    importer's, else the city the text is plainly about (CLI and demo imports), else the root of the tree —
    settled only when the document names no issuer (an issuer outside the tree, "鄂尔多斯市人民政府办公室",
    leaves the region for the owner to choose: until then the plan cannot be published)."""
    for text in (document.issuer, document.doc_number):
        found = orgunit_find_in_text(text=text) if text else None
        if found is not None:
            return found, True
    settled = not (document.issuer or "").strip()
    return _fallback_org_unit(document, fallback), settled


def _fallback_org_unit(document: Document, fallback: OrgUnit | None) -> OrgUnit:
    if fallback is not None:
        return fallback
    text = " ".join([document.title or "", *(t.text or "" for t in document.tasks or ())])
    guessed = orgunit_guess_from_text(text=text)
    if guessed is not None:
        return guessed
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise ImportRejected(document.source, _("尚未加载行政区划（请先运行 yigai demo 或加载参考数据）"))
    return root


@transaction.atomic
def plan_store_document(
    *,
    document: Document,
    content_hash: str,
    org_unit: OrgUnit | None = None,
    user: User | None = None,
    is_demo: bool = False,
    region: OrgUnit | None = None,
) -> Plan:
    """Store an extracted document with its outline, tasks, targets and unit links — all or nothing.
    ``region`` is the region chosen at import (else proposed from the issuer, see :func:`_plan_org_unit`)."""
    place, settled = (region, True) if region is not None else _plan_org_unit(document, org_unit)
    plan = Plan.objects.create(
        content_hash=content_hash,
        org_unit=place,
        region_confirmed=settled,
        imported_by=user,
        is_demo=is_demo,
        extractor=extractor_fingerprint(),
        **adapters.document_fields(document),
    )
    sections: dict[tuple[str, ...], Section] = {}
    for order, path in enumerate(adapters.outline_paths(document)):
        sections[path] = Section.objects.create(
            plan=plan, parent=sections.get(path[:-1]), title=path[-1][:500], depth=len(path) - 1, order=order
        )
    tasks: dict[str, Task] = {}
    for order, t in enumerate(document.tasks or ()):
        path = tuple(str(p) for p in t.path or ())
        task = Task.objects.create(
            plan=plan, section=sections.get(path), order=order, **adapters.task_fields(t)
        )
        tasks.setdefault(task.ext_id, task)
        _store_units(task, lead=t.lead_units or (), co=t.co_units or ())
    for order, g in enumerate(document.targets or ()):
        Target.objects.create(
            plan=plan, task=tasks.get(g.task_id or ""), order=order, **adapters.target_fields(g)
        )
    return plan


def _store_units(task: Task, *, lead: tuple[str, ...] | list[str], co: tuple[str, ...] | list[str]) -> None:
    for role, names in (("lead", lead), ("co", co)):
        for order, name in enumerate(n for n in names if n and n.strip()):
            TaskUnit.objects.create(
                task=task, unit=unit_ensure(name=name), role=role, as_written=name[:200], order=order
            )
