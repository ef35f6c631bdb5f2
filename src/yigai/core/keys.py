"""Integrity keys (HMAC-SHA256) kept out of the database and out of backups: the backup manifest signing
key and the audit chain key. Framework-free; the same rules as the records pseudonym key
(:mod:`yigai.core.records.keys`):

1. the environment variable (``YIGAI_BACKUP_KEY``, ``YIGAI_AUDIT_KEY``; at least 32 characters; in
   production from the secret store / KMS);
2. the key file ``<data dir>/keys/<name>.key`` (mode 0600; refused if group or others can read it);
3. outside production only: a new random key written to that file with mode 0600 on first use.

In production a missing key is an error, never silently created: a new audit key would make the whole
existing chain fail verification, a new backup key every existing backup.

>>> key = IntegrityKey(b"k" * 32, "test")
>>> key.mac(b"manifest") == key.mac(b"manifest"), key.mac(b"manifest") == key.mac(b"manifesT")
(True, False)
>>> len(key.mac(b"x")), len(key.fingerprint)
(64, 16)
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

KEY_DIR = Path("keys")
MIN_LENGTH = 32


class IntegrityKeyError(RuntimeError):
    """No usable key (message in Chinese, for the operator)."""


@dataclass(frozen=True)
class IntegrityKey:
    secret: bytes = field(repr=False)
    source: str = ""  # "环境变量 …" or the key file path; never the key

    def mac(self, data: bytes) -> str:
        """HMAC-SHA256 of ``data``, hex."""
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def check(self, data: bytes, mac: str) -> bool:
        """Whether ``mac`` is this key's MAC of ``data`` (constant-time compare)."""
        return hmac.compare_digest(self.mac(data), mac)

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (HMAC of a fixed label), to tell 'another key' from 'edited'."""
        return hmac.new(self.secret, b"yigai.integrity.key-fingerprint", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class KeySpec:
    name: str  # file name stem: keys/<name>.key
    env_var: str
    label: str  # Chinese, for messages: 备份签名密钥, 审计链密钥


BACKUP = KeySpec("backup", "YIGAI_BACKUP_KEY", "备份签名密钥")
AUDIT = KeySpec("audit", "YIGAI_AUDIT_KEY", "审计链密钥")


def key_path(spec: KeySpec, data_dir: Path) -> Path:
    return data_dir / KEY_DIR / f"{spec.name}.key"


def load_integrity_key(
    spec: KeySpec, *, data_dir: Path, production: bool, environ: Mapping[str, str] | None = None
) -> IntegrityKey:
    """The key for ``spec`` (see the module docstring); raises :class:`IntegrityKeyError`."""
    env = os.environ if environ is None else environ
    if value := env.get(spec.env_var, "").strip():
        if len(value) < MIN_LENGTH:
            raise IntegrityKeyError(f"环境变量 {spec.env_var} 太短：{spec.label}至少 {MIN_LENGTH} 个字符")
        return IntegrityKey(value.encode(), f"环境变量 {spec.env_var}")
    path = key_path(spec, data_dir)
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise IntegrityKeyError(
                f"{spec.label}文件 {path} 权限过宽（{mode:o}），应为 600：chmod 600 {path}"
            )
        value = path.read_text(encoding="ascii").strip()
        if len(value) < MIN_LENGTH:
            raise IntegrityKeyError(f"{spec.label}文件 {path} 内容太短：至少 {MIN_LENGTH} 个字符")
        return IntegrityKey(value.encode(), str(path))
    if production:
        raise IntegrityKeyError(
            f"生产环境未配置{spec.label}：请设置环境变量 {spec.env_var}（至少 {MIN_LENGTH} 个字符，来自密钥管理系统），"
            f"或由安全管理员放置密钥文件 {path}（权限 600）"
        )
    return _create(path)


def _create(path: Path) -> IntegrityKey:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # fails if another process won
    except FileExistsError:
        return IntegrityKey(path.read_text(encoding="ascii").strip().encode(), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return IntegrityKey(value.encode(), str(path))
