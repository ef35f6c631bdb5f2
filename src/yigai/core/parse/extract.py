"""Entry points of the extractor: a file (or bytes) in, a :class:`~yigai.core.plan.Document` out."""

from __future__ import annotations

from pathlib import Path

from yigai.core.plan import Document


def extract_path(path: Path) -> Document:
    """Read and extract one policy document. Raises ``ReadError`` for unreadable input."""
    return extract_bytes(path.name, path.read_bytes())


def extract_bytes(name: str, data: bytes) -> Document:
    """Extract from in-memory content; ``name`` (with its extension) selects the reader."""
    return Document(source=name, title=None)  # placeholder until the engine lands
