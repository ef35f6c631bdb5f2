"""The audit chain's key and its head outside the database.

- The key (:data:`yigai.core.keys.AUDIT`: ``YIGAI_AUDIT_KEY`` or ``<data dir>/keys/audit.key``) keys every
  event hash and the head row's MAC, so rows or the head cannot be rewritten consistently without it.
- After every committed change of the head, a line is appended to ``AUDIT_HEAD_FILE`` (default
  ``<data dir>/audit/chain-head.log``, opened append-only) and written to the ``yigai.audit.chain`` log:
  the head's state (seq, hash, base) and a MAC of the line. ``kind`` is ``event``, ``prune`` (a retention
  prune moved the base) or ``restore`` (a restore from backup reset the chain to the backup's head).

:func:`replay` reads the file back for :func:`yigai.apps.audit.services.audit_verify`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from yigai.apps.audit.models import AuditChainHead
from yigai.core.audit import GENESIS, Broken, canonical
from yigai.core.keys import AUDIT, IntegrityKey, load_integrity_key

log = logging.getLogger("yigai.audit.chain")


@functools.lru_cache(maxsize=4)
def _load(env_value: str, data_dir: str, production: bool) -> IntegrityKey:
    return load_integrity_key(
        AUDIT, data_dir=Path(data_dir), production=production, environ={AUDIT.env_var: env_value}
    )


def audit_key() -> IntegrityKey:
    """The chain key; raises :class:`yigai.core.keys.IntegrityKeyError` (Chinese) when there is none."""
    production = os.environ.get("YIGAI_ENV", "development") == "production"
    return _load(os.environ.get(AUDIT.env_var, ""), str(settings.DATA_DIR), production)


def head_state(head: AuditChainHead) -> dict[str, Any]:
    return {
        "seq": head.seq,
        "hash": head.hash,
        "base_seq": head.base_seq,
        "base_hash": head.base_hash,
        "keyed_from": head.keyed_from,
    }


def head_mac(head: AuditChainHead) -> str:
    """The MAC over the head row's state (stored in the row; checked by verify)."""
    return audit_key().mac(canonical(head_state(head)))


def head_file() -> Path:
    return Path(getattr(settings, "AUDIT_HEAD_FILE", Path(settings.DATA_DIR) / "audit" / "chain-head.log"))


def _line(kind: str, head: AuditChainHead) -> dict[str, Any]:
    line = {"kind": kind, **head_state(head), "at": dt.datetime.now(dt.UTC).isoformat()}
    line["mac"] = audit_key().mac(canonical(line))
    return line


def _write(line: dict[str, Any]) -> None:
    path = head_file()
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
    log.info("audit head %s", text.strip())
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(text)  # one short line: a single append
    except OSError:  # the event is committed: say so loudly, the log line above still holds the head
        log.exception("audit head file %s not writable", path)


def head_append(kind: str, head: AuditChainHead) -> None:
    """Record the head outside the database once the transaction that moved it commits."""
    line = _line(kind, head)
    transaction.on_commit(lambda: _write(line))


def head_append_now(kind: str, head: AuditChainHead) -> None:
    """Record the head at once (a restore, which runs outside any transaction of ours)."""
    _write(_line(kind, head))


@dataclass
class HeadFile:
    """The file replayed: the hash of every seq it recorded, the base of the latest prune or restore."""

    lines: int = 0
    known: dict[int, str] = field(default_factory=dict)
    base_seq: int = 0
    base_hash: str = GENESIS
    broken: Broken | None = None

    @property
    def last_seq(self) -> int:
        return max(self.known, default=self.base_seq)


def replay() -> HeadFile:
    """Read the head file back, checking every line's MAC; a missing file reads as empty."""
    state = HeadFile()
    path = head_file()
    if not path.exists():
        return state
    key = audit_key()
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            mac = line.pop("mac")
            ok = key.check(canonical(line), str(mac))
        except (ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            state.broken = Broken(0, "head_file", f"链头文件第 {n} 行签名不符（文件被修改）：{path}")
            return state
        state.lines += 1
        _apply(state, line)
    return state


def _apply(state: HeadFile, line: dict[str, Any]) -> None:
    seq = int(line["seq"])
    if line["kind"] == "restore":  # the chain was reset to the backup's head: later seqs are history
        state.known = {s: h for s, h in state.known.items() if s <= seq}
    if line["kind"] in ("restore", "prune"):
        state.base_seq, state.base_hash = int(line["base_seq"]), str(line["base_hash"])
    if seq > 0:
        state.known[seq] = str(line["hash"])
