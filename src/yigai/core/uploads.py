"""Upload checks any app can call before storing a file (ASVS 5.2.x): size, extension on an allow-list,
content that really is of that kind (magic bytes), no executables, no zip bombs, and a safe file name.

Framework-free: callers pass their own limits and turn :class:`UploadRejected` codes into messages in the
user's language (``exc.message`` is a Chinese default).

>>> sniff_upload("../../报告.PDF", b"%PDF-1.7 ...", allowed=(".pdf",), max_bytes=1000)
Upload(name='报告.pdf', ext='.pdf', kind='pdf', size=12)
>>> sniff_upload("x.pdf", b"MZ\\x90\\x00", allowed=(".pdf",), max_bytes=1000)
Traceback (most recent call last):
...
yigai.core.uploads.UploadRejected: x.pdf：可执行文件，拒绝上传
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

# extension → the kind its content must sniff as
EXPECTED = {
    ".pdf": "pdf",
    ".docx": "zip",
    ".xlsx": "zip",
    ".pptx": "zip",
    ".ofd": "zip",
    ".zip": "zip",
    ".doc": "ole",
    ".wps": "ole",
    ".xls": "ole",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".txt": "text",
    ".csv": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "text",
    ".htm": "text",
}
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"MZ", "executable"),
    (b"\x7fELF", "executable"),
    (b"\xcf\xfa\xed\xfe", "executable"),
    (b"#!", "executable"),
)
MAX_UNZIPPED_RATIO = 100  # an archive may expand to at most 100 × its size (zip bombs)


class UploadRejected(ValueError):
    """``code``: empty, too_large, extension, executable, mismatch, archive, limit, csv; ``message``: Chinese default."""

    def __init__(self, name: str, code: str, message: str) -> None:
        super().__init__(f"{name}：{message}")
        self.name, self.code, self.message = name, code, message


@dataclass(frozen=True)
class Upload:
    name: str  # safe to show and to use as a download name (never as a storage path: use a generated id)
    ext: str
    kind: str
    size: int


def sniff(data: bytes) -> str:
    """The kind of content by its first bytes: pdf, zip, ole, png, jpeg, gif, executable, text or binary.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff("一、重点任务".encode()), sniff(b"\\x00\\x01\\x02")
    ('png', 'text', 'binary')
    """
    head = data.lstrip()[:8] if data[:1].isspace() else data[:8]
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    sample = data[:4096]
    if b"\x00" in sample:
        return "binary"
    return "text" if _decodes(sample, "utf-8") or _decodes(sample, "gb18030") else "binary"


def _decodes(sample: bytes, encoding: str) -> bool:
    """Whether ``sample`` is text in ``encoding``, a character cut at the sample's end allowed (a GBK
    file's 4096th byte is as often the first half of a character as not).

    >>> _decodes("一、重点任务".encode("gbk")[:-1], "gb18030"), _decodes(b"\\xff\\xff\\xff\\xfe" * 4, "gb18030")
    (True, False)
    """
    try:
        sample.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4
    return True


def safe_name(name: str, *, limit: int = 120) -> str:
    """The last path component, NFC, without control or path characters, no leading dots, ≤ ``limit``.

    >>> safe_name("..\\\\..\\\\etc/passwd"), safe_name(".hidden.txt"), safe_name("a\\x00b<>.pdf"), safe_name("")
    ('passwd', 'hidden.txt', 'ab.pdf', 'upload')
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", base).strip().lstrip(".").strip()
    if len(base) > limit:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: limit - len(suffix)] + suffix
    return base or "upload"


def _check_archive(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UploadRejected(name, "archive", "压缩结构已损坏") from exc
    if total > MAX_UNZIPPED_RATIO * max(len(data), 1024):
        raise UploadRejected(name, "archive", "解压后体积异常（疑似压缩炸弹）")


def sniff_upload(name: str, data: bytes, *, allowed: Iterable[str], max_bytes: int) -> Upload:
    """Check one upload; returns what it is, or raises :class:`UploadRejected` with the first problem."""
    clean = safe_name(name)
    ext = PurePosixPath(clean).suffix.lower()
    clean = clean[: len(clean) - len(ext)] + ext if ext else clean
    if not data:
        raise UploadRejected(clean, "empty", "文件为空（0 字节）")
    if len(data) > max_bytes:
        raise UploadRejected(
            clean,
            "too_large",
            f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB",
        )
    allowed_exts = {e.lower() for e in allowed}
    if ext not in allowed_exts:
        raise UploadRejected(
            clean,
            "extension",
            f"不接受的文件类型（{ext or '无扩展名'}），可用：{'、'.join(sorted(allowed_exts))}",
        )
    kind = sniff(data)
    if kind == "executable":
        raise UploadRejected(clean, "executable", "可执行文件，拒绝上传")
    if kind != EXPECTED.get(ext, kind):
        raise UploadRejected(clean, "mismatch", f"文件内容与扩展名 {ext} 不符")
    if kind == "zip":
        _check_archive(clean, data)
    return Upload(name=clean, ext=ext, kind=kind, size=len(data))
