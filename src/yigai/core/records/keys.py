"""The pseudonymisation key: never in the database or the repository.

Looked up in this order:

1. the environment variable ``YIGAI_PSEUDONYM_KEY`` (at least 32 characters; in production it comes from
   the secret store / KMS through the environment);
2. the key file ``<data dir>/keys/pseudonym.key`` (mode 0600; refused if group or others can read it);
3. outside production only: a new random key written to that file with mode 0600 on first use.

In production (``YIGAI_ENV=production``) a missing key is an error, never silently created: a new key
would give everyone new pseudonyms and split every person's history in two.

The key's *fingerprint* (an HMAC of a fixed label, not the key) is stored with every batch, so data
pseudonymised under two different keys is never mixed in one count.

>>> key = PseudonymKey(b"k" * 32)
>>> key.pseudonym("11010519491231002X") == key.pseudonym("11010519491231002X")
True
>>> key.pseudonym("11010519491231002X") == PseudonymKey(b"j" * 32).pseudonym("11010519491231002X")
False
>>> len(key.fingerprint)
16
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yigai.core.keys import IntegrityKeyError, KeySpec, load_integrity_key

ENV_VAR = "YIGAI_PSEUDONYM_KEY"
KEY_FILE = Path("keys") / "pseudonym.key"
MIN_LENGTH = 32
_BLOCK = 64  # SHA-256 block size, for the HMAC pads


class PseudonymKeyError(RuntimeError):
    """No usable key (message in Chinese, for the operator)."""


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes = field(repr=False)
    source: str = ""  # "环境变量 YIGAI_PSEUDONYM_KEY" or the key file path; never the key

    def pseudonym(self, normalised_id: str) -> str:
        """HMAC-SHA256 of the normalised ID number, hex."""
        return hmac.new(self.secret, normalised_id.encode(), hashlib.sha256).hexdigest()

    @property
    def fingerprint(self) -> str:
        """Identifies the key without revealing it (HMAC of a fixed label)."""
        return hmac.new(self.secret, b"yigai.records.key-fingerprint", hashlib.sha256).hexdigest()[:16]

    def pads(self) -> tuple[bytes, bytes]:
        """The HMAC inner and outer pads (RFC 2104), so DuckDB can compute the same HMAC in SQL as
        ``sha256(opad || unhex(sha256(ipad || id)))``. Passed to queries as parameters, never as SQL text."""
        k = hashlib.sha256(self.secret).digest() if len(self.secret) > _BLOCK else self.secret
        k = k.ljust(_BLOCK, b"\0")
        return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


#: The pseudonym key follows the integrity keys' rules (:mod:`yigai.core.keys`): env var, 0600 file, created
#: only outside production.
PSEUDONYM = KeySpec("pseudonym", ENV_VAR, "假名化密钥")


def load_key(*, data_dir: Path, production: bool, environ: Mapping[str, str] | None = None) -> PseudonymKey:
    """The key to pseudonymise with (see the module docstring); raises :class:`PseudonymKeyError`."""
    try:
        key = load_integrity_key(PSEUDONYM, data_dir=data_dir, production=production, environ=environ)
    except IntegrityKeyError as exc:
        raise PseudonymKeyError(str(exc)) from exc
    return PseudonymKey(key.secret, key.source)
