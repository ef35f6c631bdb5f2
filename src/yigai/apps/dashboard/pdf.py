"""The briefing as PDF beside the .docx, through LibreOffice headless when the machine has it (``soffice``).

No LibreOffice: :func:`docx_to_pdf` returns None and a sentence saying so; the .docx is still written.
LibreOffice runs with its own throw-away profile (parallel conversions do not share one) and with the
font aliases in ``yigai/data/fonts/fonts.conf``, so 仿宋_GB2312/方正小标宋简体 fall back on Noto CJK.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404  # a fixed LibreOffice command line, no shell
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parents[2] / "data" / "fonts" / "fonts.conf"
TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, name: str = "briefing") -> tuple[bytes | None, str]:
    """(PDF bytes, '') or (None, why not)."""
    exe = soffice()
    if exe is None:
        return None, "未找到 LibreOffice（soffice），未生成 PDF；安装 LibreOffice 后可同时生成 PDF"
    with tempfile.TemporaryDirectory(prefix="yigai-pdf-") as tmp:
        src = Path(tmp) / f"{name}.docx"
        src.write_bytes(data)
        env = {**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(FONTS_CONF)}
        command = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", tmp, str(src)]  # fmt: skip
        try:
            subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)  # nosec B603
        except subprocess.TimeoutExpired:
            return None, f"LibreOffice 转换超过 {TIMEOUT_SECONDS} 秒，未生成 PDF"
        out = src.with_suffix(".pdf")
        if not out.is_file():
            return None, "LibreOffice 未能转换为 PDF"
        return out.read_bytes(), ""
