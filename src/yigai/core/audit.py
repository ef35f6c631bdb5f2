"""The audit hash chain, framework-free: canonical form of an event, its hash, and chain verification.

Each event's hash is HMAC-SHA256, with a key kept outside the database, over the canonical JSON of its
fields *and* the previous event's hash, so changing, removing or reordering any stored event breaks every
later link, and recomputing the later links takes the key. Events written before the chain was keyed
(``seq < keyed_from``) keep their plain SHA-256 (GB/T 22239 8.1.4.3c: audit
records protected against unexpected deletion, modification or overwriting). The first event links to
:data:`GENESIS`; after a retention prune the chain is anchored at the last pruned event's hash.

>>> e = {"seq": 1, "action": "auth.login", "details": {"b": 2, "a": 1}}
>>> canonical(e)
b'{"action":"auth.login","details":{"a":1,"b":2},"seq":1}'
>>> h1 = event_hash(e, GENESIS)
>>> len(h1), h1 == event_hash({"details": {"a": 1, "b": 2}, "seq": 1, "action": "auth.login"}, GENESIS)
(64, True)
>>> rows = [ChainRow(fields=e, prev_hash=GENESIS, hash=h1)]
>>> verify_chain(rows) is None
True
>>> tampered = [ChainRow(fields={**e, "action": "auth.logout"}, prev_hash=GENESIS, hash=h1)]
>>> verify_chain(tampered).reason
'hash'
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 (Chinese kept as is)."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(fields: Mapping[str, Any], prev_hash: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 hex (plain SHA-256 without ``key``) of the canonical event followed by the previous hash."""
    data = canonical(fields) + prev_hash.encode("ascii")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    """One stored event as read back: its hashed fields (including ``seq``) and its two hashes."""

    fields: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Broken:
    """The first broken link: which event, why (``seq``, ``link`` or ``hash``), and a sentence."""

    seq: int
    reason: str
    message: str


def verify_chain(
    rows: Iterable[ChainRow],
    *,
    anchor: str = GENESIS,
    first_seq: int = 1,
    key: bytes | None = None,
    keyed_from: int = 1,
) -> Broken | None:
    """Walk the rows in ``seq`` order; return the first broken link, or None when the chain holds.

    - ``seq``: a number is missing or repeated (a row deleted or inserted);
    - ``link``: ``prev_hash`` is not the previous row's hash (rows removed or reordered);
    - ``hash``: the row's content no longer matches its hash (a row changed).
    """
    expected_prev, expected_seq = anchor, first_seq
    for row in rows:
        seq = int(row.fields["seq"])
        if seq != expected_seq:
            return Broken(expected_seq, "seq", f"第 {expected_seq} 条缺失或顺序被打乱（读到第 {seq} 条）")
        if row.prev_hash != expected_prev:
            return Broken(seq, "link", f"第 {seq} 条的前序哈希与第 {seq - 1} 条不符（记录被删除或替换）")
        if not hmac.compare_digest(
            event_hash(row.fields, row.prev_hash, key=key if seq >= keyed_from else None), row.hash
        ):
            return Broken(seq, "hash", f"第 {seq} 条的内容与其哈希不符（记录被修改）")
        expected_prev, expected_seq = row.hash, seq + 1
    return None
