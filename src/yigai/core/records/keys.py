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
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


def load_key(*, data_dir: Path, production: bool, environ: Mapping[str, str] | None = None) -> PseudonymKey:
    """The key to pseudonymise with (see the module docstring); raises :class:`PseudonymKeyError`."""
    env = os.environ if environ is None else environ
    if value := env.get(ENV_VAR, "").strip():
        if len(value) < MIN_LENGTH:
            raise PseudonymKeyError(f"环境变量 {ENV_VAR} 太短：至少 {MIN_LENGTH} 个字符")
        return PseudonymKey(value.encode(), f"环境变量 {ENV_VAR}")
    path = data_dir / KEY_FILE
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise PseudonymKeyError(f"假名化密钥文件 {path} 权限过宽（{mode:o}），应为 600：chmod 600 {path}")
        value = path.read_text(encoding="ascii").strip()
        if len(value) < MIN_LENGTH:
            raise PseudonymKeyError(f"假名化密钥文件 {path} 内容太短：至少 {MIN_LENGTH} 个字符")
        return PseudonymKey(value.encode(), str(path))
    if production:
        raise PseudonymKeyError(
            f"生产环境未配置假名化密钥：请设置环境变量 {ENV_VAR}（至少 {MIN_LENGTH} 个字符，来自密钥管理系统），"
            f"或由安全管理员放置密钥文件 {path}（权限 600）"
        )
    return _create(path)


def _create(path: Path) -> PseudonymKey:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # fails if another process won
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return PseudonymKey(value.encode(), str(path))
