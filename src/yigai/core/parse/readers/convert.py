"""Legacy word-processor files (.doc, .wps, .rtf) converted to .docx by LibreOffice, then read as .docx.

LibreOffice comes from Debian (``libreoffice-writer-nogui``, installed by ``make office-deps``). Each
conversion runs headless in a temporary directory with its own throw-away user profile, so parallel
conversions do not share a lock, and is stopped after a time limit. Where LibreOffice is missing the
user is told so, in Chinese, with what to do instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess  # nosec B404  # runs the fixed soffice binary on a file we wrote
import tempfile
from pathlib import Path

from yigai.core.parse.blocks import RawDocument, ReadError
from yigai.core.parse.readers.word import read_docx

LABELS = {".doc": "Word 97-2003（.doc）文件", ".wps": "WPS 文字（.wps）文件", ".rtf": "RTF 文件"}
TIMEOUT_SECONDS = 120


def missing(ext: str) -> str:
    return (
        f"读取 {LABELS.get(ext, ext)}需要 LibreOffice，服务器上未安装；"
        "请管理员安装（make office-deps），或用 Word/WPS 另存为 .docx 后再导入"
    )


def failed(ext: str) -> str:
    return (
        f"{LABELS.get(ext, ext)}已损坏或格式异常，LibreOffice 无法转换；请用 Word/WPS 另存为 .docx 后再导入"
    )


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(source: str, data: bytes, ext: str) -> RawDocument:
    """Convert ``data`` (a .doc/.wps/.rtf file) to .docx with LibreOffice and read that."""
    binary = soffice()
    if binary is None:
        raise ReadError(source, missing(ext))
    with tempfile.TemporaryDirectory(prefix="yigai-convert-") as tmp:
        work = Path(tmp)
        (work / "out").mkdir()
        src = work / f"input{ext}"
        src.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        if not _run(command, work):
            raise ReadError(source, failed(ext))
        out = work / "out" / "input.docx"
        if not out.is_file() or out.stat().st_size == 0:
            raise ReadError(source, failed(ext))
        converted = out.read_bytes()
    document = read_docx(source, converted)
    return RawDocument(
        source=source,
        format=ext.lstrip("."),
        blocks=document.blocks,
        title_hint=document.title_hint,
        warnings=document.warnings,
    )


def _run(command: list[str], cwd: Path) -> bool:
    """Run LibreOffice in its own process group, so that a conversion past the time limit is stopped whole
    (``soffice`` is a launcher script; killing it alone would leave ``soffice.bin`` running). Macros are
    never run: LibreOffice's default macro security refuses unsigned macros, and nothing here enables them."""
    try:
        process = subprocess.Popen(  # nosec B603  # fixed binary and arguments, files in our temp dir
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError:
        return False
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
    return True
