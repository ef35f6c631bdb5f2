"""Reading an import's input as bytes: its Parquet parts and one content hash over them (the batch's name)."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from pathlib import Path

Progress = Callable[[str, int, int], None]  # (stage, done, total)
CHUNK = 8 << 20


def parts(path: Path) -> list[Path]:
    """The Parquet parts of a directory batch, in name order (hidden files and directories skipped)."""
    found = (p for p in path.rglob("*.parquet") if p.is_file())
    return sorted(p for p in found if not any(x.startswith((".", "_")) for x in p.relative_to(path).parts))


def content_digest(path: Path, kind: str, progress: Progress | None) -> tuple[str, bool]:
    """SHA-256 of the bytes and whether they are valid UTF-8, in one pass."""
    if kind == "parquet_dir":
        return parts_digest(path, progress), True
    total, done, sha = path.stat().st_size, 0, hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = kind == "csv"
    with path.open("rb") as src:
        while chunk := src.read(CHUNK):
            sha.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            done += len(chunk)
            if progress:
                progress("读取并计算哈希", done, total)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return sha.hexdigest(), utf8 or kind == "parquet"


def parts_digest(path: Path, progress: Progress | None) -> str:
    """One digest over every part's relative path and bytes: the same directory gives the same batch."""
    files = parts(path)
    total, done, sha = sum(f.stat().st_size for f in files), 0, hashlib.sha256()
    for part in files:
        sha.update(part.relative_to(path).as_posix().encode() + b"\0")
        with part.open("rb") as src:
            while chunk := src.read(CHUNK):
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    progress("读取并计算哈希", done, total)
    return sha.hexdigest()
