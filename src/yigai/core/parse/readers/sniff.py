"""Which reader a file needs: its content decides, its extension breaks ties and names the error.

Content wins over the name because real files lie: a ``.txt`` that is a PDF, a ``.doc`` that
is really a ``.docx`` or a Word "web page" export, a ``.pdf`` that is an HTML error page
saved by a browser. Files we cannot read get one Chinese sentence saying what to do.

>>> detect("a.txt", b"%PDF-1.7 ...")
'pdf'
>>> detect("a.doc", b"<html><body><p>x</p></body></html>")
'html'
>>> detect("a.doc", b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(512))
'doc'
>>> detect("a.xls", b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(512))
Traceback (most recent call last):
yigai.core.parse.blocks.ReadError: a.xls: 不支持旧版 Excel .xls 格式，请另存为 .xlsx 后再导入
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import Literal

from yigai.core.parse.blocks import ReadError

Kind = Literal["pdf", "docx", "xlsx", "html", "text", "doc", "wps", "rtf"]

SUPPORTED = "支持的格式：.docx、.doc、.wps、.rtf、.pdf、.xlsx、.txt、.html、.md"
DOC = "文件扩展名为 .doc，但内容不是有效的 Word 文件（可能已损坏或下载不完整）"
WPS = "文件扩展名为 .wps，但内容不是有效的 WPS 文字文件（可能已损坏或下载不完整）"
XLS = "不支持旧版 Excel .xls 格式，请另存为 .xlsx 后再导入"
ET = "不支持 WPS 表格 .et 格式，请另存为 .xlsx 后再导入"
PPT = "不支持演示文稿（PPT），请将内容另存为 .docx 或 .pdf 后再导入"
RTF = "文件扩展名为 .rtf，但内容不是有效的 RTF 文件"
ODF = "不支持 OpenDocument（.odt/.ods）格式，请另存为 .docx 或 .xlsx 后再导入"
OFD = "不支持 OFD 版式文件，请用 OFD 阅读器另存为 PDF 后再导入"
CSV = "不支持 CSV 文件，请用 Excel 另存为 .xlsx 后再导入"
MHT = "不支持 .mht 网页存档，请在浏览器或 Word 中另存为 .html 或 .docx 后再导入"
IMAGE = "图片中的文字无法直接读取，请先进行文字识别（OCR），或导入原始的 Word/PDF 文件"
ARCHIVE = "不支持压缩包，请解压后逐个导入其中的文件"
ENCRYPTED = "文件设置了打开密码，请取消密码后再导入"
OLD_OFFICE = "不支持旧版 Office 文件格式，请另存为 .docx 或 .xlsx 后再导入"
ZIP_BOMB = "文件解压后过大，无法读取"

_BY_EXTENSION = {
    ".doc": DOC, ".dot": DOC, ".wps": WPS, ".wpt": WPS, ".xls": XLS, ".xlt": XLS, ".et": ET,
    ".ppt": PPT, ".pptx": PPT, ".pps": PPT, ".dps": PPT, ".rtf": RTF,
    ".odt": ODF, ".ods": ODF, ".odp": ODF, ".ofd": OFD, ".csv": CSV, ".mht": MHT, ".mhtml": MHT,
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"), IMAGE),
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz"), ARCHIVE),
}  # fmt: skip
_CONTAINER_EXTENSIONS = {".pdf": "PDF ", ".docx": "Word（.docx）", ".xlsx": "Excel（.xlsx）"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"\x89PNG", IMAGE), (b"\xff\xd8\xff", IMAGE), (b"GIF8", IMAGE), (b"II*\x00", IMAGE), (b"MM\x00*", IMAGE),
    (b"Rar!\x1a\x07", ARCHIVE), (b"7z\xbc\xaf\x27\x1c", ARCHIVE), (b"\x1f\x8b", ARCHIVE), (b"\xfd7zXZ", ARCHIVE),
)  # fmt: skip


def extension(source: str) -> str:
    return PurePath(source).suffix.lower()


def detect(source: str, data: bytes, *, max_unpacked: int = 500 * 2**20) -> Kind:
    """The reader for ``data``, or :class:`ReadError` with the reason it cannot be read."""
    ext = extension(source)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(source, data, ext, max_unpacked)
    if data.startswith(_OLE):
        return _ole_kind(source, data, ext)
    if data.startswith(b"{\\rtf"):
        return "rtf"
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise ReadError(source, reason)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise ReadError(source, IMAGE)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"mime-version:") or b"multipart/related" in head:
        raise ReadError(source, MHT)
    if ext in (".doc", ".wps", ".xls", ".et") and (
        head.startswith((b"<html", b"<!doctype html", b"<?xml")) or b"<html" in head
    ):
        return "html"  # Word/Excel "save as web page", a common way of publishing attachments
    if ext in _CONTAINER_EXTENSIONS:
        raise ReadError(
            source,
            f"文件扩展名为 {ext}，但内容不是有效的 {_CONTAINER_EXTENSIONS[ext]}文件（可能已损坏或下载不完整）",
        )
    if ext in _BY_EXTENSION:
        raise ReadError(source, _BY_EXTENSION[ext])
    return "text"


def _zip_kind(source: str, data: bytes, ext: str, max_unpacked: int) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        NotImplementedError,
    ):
        what = _CONTAINER_EXTENSIONS.get(ext, "压缩")
        raise ReadError(source, f"{what}文件已损坏或不完整，无法打开") from None
    if sum(info.file_size for info in infos) > max_unpacked:
        raise ReadError(source, ZIP_BOMB)
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("ppt/") for name in names):
        raise ReadError(source, PPT)
    if "OFD.xml" in names or "ofd.xml" in names:
        raise ReadError(source, OFD)
    if b"opendocument" in mimetype:
        raise ReadError(source, ODF)
    if ext in (".docx", ".xlsx"):
        raise ReadError(source, f"{_CONTAINER_EXTENSIONS[ext]}文件已损坏（缺少正文部分），无法打开")
    raise ReadError(source, ARCHIVE)


def _ole_kind(source: str, data: bytes, ext: str) -> Kind:
    """An OLE2 compound file: a Word 97-2003 or WPS file (converted by LibreOffice), another old
    binary Office file, or a password-protected new one."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        raise ReadError(source, ENCRYPTED)
    if ext in (".wps", ".wpt"):
        return "wps"
    if ext in (".doc", ".dot") or (ext not in _BY_EXTENSION and "WordDocument".encode("utf-16-le") in data):
        return "doc"
    if ext in _BY_EXTENSION:
        raise ReadError(source, _BY_EXTENSION[ext])
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        raise ReadError(source, XLS)
    raise ReadError(source, OLD_OFFICE)
