"""The backup manifest's integrity: its HMAC signature, paths that stay inside the data directory, and
archive members that are exactly the manifest's regular files.

The signing key (:data:`yigai.core.keys.BACKUP`) lives outside the database and outside the backup
(``YIGAI_BACKUP_KEY`` or ``<data dir>/keys/backup.key``, a directory the backup skips). Every check here
runs before a restore touches anything.
"""

from __future__ import annotations

import json
import os
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from yigai.core.keys import BACKUP, IntegrityKey, IntegrityKeyError, load_integrity_key

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DUMP = "database.dump"
ALGORITHM = "HMAC-SHA256"


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is one Chinese sentence."""


def backup_key() -> IntegrityKey:
    production = os.environ.get("YIGAI_ENV", "development") == "production"
    try:
        return load_integrity_key(BACKUP, data_dir=Path(settings.DATA_DIR), production=production)
    except IntegrityKeyError as exc:
        raise BackupError(str(exc)) from exc


def signature_for(manifest: bytes) -> bytes:
    key = backup_key()
    return json.dumps({"alg": ALGORITHM, "key": key.fingerprint, "mac": key.mac(manifest)}).encode()


def _check_signature(manifest: bytes, signature: bytes | None, path: Path) -> None:
    if signature is None:
        raise BackupError(f"备份清单未签名，拒绝使用：{path}（旧版本的备份请在原系统上重新备份）")
    try:
        sig = json.loads(signature)
        alg, fingerprint, mac = sig["alg"], sig["key"], sig["mac"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份清单的签名无法读取，拒绝使用：{path}") from exc
    key = backup_key()
    if alg != ALGORITHM:
        raise BackupError(f"备份清单的签名算法 {alg} 不受支持：{path}")
    if fingerprint != key.fingerprint:
        raise BackupError(
            f"备份由另一把密钥签名（密钥指纹 {fingerprint}，当前 {key.fingerprint}，来自{key.source}），"
            f"无法确认未被修改：{path}"
        )
    if not key.check(manifest, str(mac)):
        raise BackupError(f"备份清单签名不符（清单被修改过），拒绝使用：{path}")


def safe_path(name: str) -> PurePosixPath:
    """``name`` as a relative path that cannot leave its root, else :class:`BackupError`.

    >>> str(safe_path("evidence/2026/a.pdf"))
    'evidence/2026/a.pdf'
    >>> safe_path("../PWNED.txt")
    Traceback (most recent call last):
    ...
    yigai.apps.backup.manifest.BackupError: 备份中的路径 ../PWNED.txt 指向数据目录之外，拒绝使用
    """
    path = PurePosixPath(name)
    parts = name.split("/")
    bad = (
        not name or path.is_absolute() or "\\" in name or "\0" in name or ":" in parts[0]
        or any(part in ("", ".", "..") for part in parts)
    )  # fmt: skip
    if bad:
        raise BackupError(f"备份中的路径 {name} 指向数据目录之外，拒绝使用")
    return path


def _expected_members(manifest: dict[str, Any]) -> set[str]:
    if manifest.get("database", {}).get("file") != DUMP:
        raise BackupError(f"备份清单中的数据库文件名应为 {DUMP}")
    return {MANIFEST, SIGNATURE, DUMP} | {f"files/{safe_path(str(f['path']))}" for f in manifest["files"]}


def _read(tar: tarfile.TarFile, name: str) -> bytes | None:
    try:
        member = tar.getmember(name)
    except KeyError:
        return None
    f = tar.extractfile(member) if member.isfile() else None
    if f is None:
        raise BackupError(f"备份成员 {name} 不是普通文件（链接或设备），拒绝使用")
    return f.read()


def open_archive(path: Path, into: Path) -> dict[str, Any]:
    """Check the signature, every path and every member, then extract into ``into``; returns the manifest."""
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        with tarfile.open(path, "r") as tar:
            raw = _read(tar, MANIFEST)
            if raw is None:
                raise BackupError(f"备份文件缺少 {MANIFEST}：{path}")
            _check_signature(raw, _read(tar, SIGNATURE), path)
            manifest: dict[str, Any] = json.loads(raw)
            expected = _expected_members(manifest)
            for member in tar.getmembers():
                if not member.isfile():
                    raise BackupError(f"备份成员 {member.name} 不是普通文件（链接或设备），拒绝使用")
                if member.name not in expected:
                    raise BackupError(f"备份成员 {member.name} 不在清单中（或指向数据目录之外），拒绝使用")
            tar.extractall(into, filter="data")  # "data" filter: no absolute paths, links or devices
    except tarfile.TarError as exc:
        raise BackupError(f"不是有效的备份文件：{path}（{exc}）") from exc
    return manifest


def check_targets(manifest: dict[str, Any], root: Path) -> None:
    """Every file's destination, symlinks followed, must lie inside the data directory ``root``."""
    top = root.resolve()
    for f in manifest["files"]:
        target = (root / safe_path(str(f["path"]))).resolve()
        if not target.is_relative_to(top):
            raise BackupError(
                f"恢复目标 {root / str(f['path'])} 经符号链接指向数据目录之外（{target}），拒绝恢复"
            )
