"""Backups (issue 13, finding 2): a manifest path may not leave the data directory (``../``, absolute paths,
symlinks), and the manifest is signed (HMAC-SHA256, key outside the database and the backup), so verify and
restore refuse an edited, unsigned or escaping backup before touching anything."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from yigai.apps.backup.services import (
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    table_checksums,
)
from yigai.cli import app
from yigai.core.keys import BACKUP, IntegrityKey, key_path, load_integrity_key

pytestmark = pytest.mark.django_db(transaction=True)

PWNED = b"written outside the data directory"


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "evidence").mkdir(parents=True)
    (settings.DATA_DIR / "evidence" / "a.pdf").write_bytes(b"%PDF-1.7 evidence")
    return settings.DATA_DIR


@pytest.fixture
def archive(data_dir, tmp_path, orgunits) -> Path:
    return backup_create(out_dir=tmp_path / "backups").path


def _key(data_dir: Path) -> IntegrityKey:
    return load_integrity_key(BACKUP, data_dir=data_dir, production=False)


def _rewrite(
    src: Path,
    dst: Path,
    *,
    edit: Callable[[dict[str, Any]], None] | None = None,
    extra: dict[str, bytes] | None = None,
    sign_with: IntegrityKey | None = None,
    drop_signature: bool = False,
    symlink: tuple[str, str] | None = None,
) -> Path:
    """A copy of ``src`` with its manifest edited, members added, re-signed (or the signature kept/dropped)."""
    with tarfile.open(src) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    if edit is not None:
        edit(manifest)
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    if sign_with is not None:
        signature = json.loads(members["manifest.sig"])
        signature["mac"] = sign_with.mac(members["manifest.json"])
        members["manifest.sig"] = json.dumps(signature).encode()
    if drop_signature:
        members.pop("manifest.sig", None)
    members.update(extra or {})
    with tarfile.open(dst, "w") as out:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        if symlink is not None:
            link = tarfile.TarInfo(symlink[0])
            link.type, link.linkname = tarfile.SYMTYPE, symlink[1]
            out.addfile(link)
    return dst


def _add_file(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["files"].append(
            {"path": path, "sha256": hashlib.sha256(PWNED).hexdigest(), "size": len(PWNED)}
        )

    return edit


def _refused_untouched(path: Path, data_dir: Path, match: str) -> None:
    with pytest.raises(BackupError, match=match):
        backup_verify(path=path)
    before = table_checksums()
    (data_dir / "evidence" / "a.pdf").write_bytes(b"%PDF-1.7 changed since the backup")
    with pytest.raises(BackupError, match=match):
        backup_restore(path=path)
    assert table_checksums() == before
    assert (data_dir / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.7 changed since the backup"
    assert not (data_dir.parent / "PWNED.txt").exists() and not Path("/tmp/yigai-pwned.txt").exists()


def test_the_backup_is_signed_and_the_key_is_not_in_it(archive, data_dir) -> None:
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        signature = json.loads(tar.extractfile("manifest.sig").read())  # type: ignore[union-attr]
        manifest = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    key = _key(data_dir)
    assert signature["alg"] == "HMAC-SHA256" and key.check(manifest, signature["mac"])
    assert signature["key"] == key.fingerprint
    assert key_path(BACKUP, data_dir).exists() and not any(n.startswith("files/keys/") for n in names)
    assert (os.stat(key_path(BACKUP, data_dir)).st_mode & 0o777) == 0o600
    backup_verify(path=archive)


def test_parent_path_in_the_manifest_refused_even_when_signed(archive, data_dir, tmp_path) -> None:
    """The probe: a manifest listing ``../PWNED.txt`` verified and was restored one level up."""
    bad = _rewrite(archive, tmp_path / "up.tar", edit=_add_file("../PWNED.txt"),
                   extra={"files/../PWNED.txt": PWNED}, sign_with=_key(data_dir))  # fmt: skip
    _refused_untouched(bad, data_dir, "数据目录之外")


def test_absolute_path_in_the_manifest_refused(archive, data_dir, tmp_path) -> None:
    bad = _rewrite(archive, tmp_path / "abs.tar", edit=_add_file("/tmp/yigai-pwned.txt"),
                   extra={"files//tmp/yigai-pwned.txt": PWNED}, sign_with=_key(data_dir))  # fmt: skip
    _refused_untouched(bad, data_dir, "数据目录之外")


def test_symlink_member_refused(archive, data_dir, tmp_path) -> None:
    bad = _rewrite(archive, tmp_path / "link.tar", symlink=("files/evidence/link", "../../../.."))
    _refused_untouched(bad, data_dir, "不是普通文件")


def test_restore_through_a_symlink_out_of_the_data_directory_refused(archive, data_dir, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (data_dir / "evidence" / "a.pdf").unlink()
    (data_dir / "evidence").rmdir()
    (data_dir / "evidence").symlink_to(outside)
    before = table_checksums()
    with pytest.raises(BackupError, match="数据目录之外"):
        backup_restore(path=archive)
    assert table_checksums() == before and list(outside.iterdir()) == []


def test_edited_manifest_refused(archive, data_dir, tmp_path) -> None:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["created_at"] = "2020-01-01T00:00:00+00:00"

    _refused_untouched(_rewrite(archive, tmp_path / "edited.tar", edit=edit), data_dir, "签名不符")


def test_unsigned_manifest_refused(archive, data_dir, tmp_path) -> None:
    _refused_untouched(_rewrite(archive, tmp_path / "unsigned.tar", drop_signature=True), data_dir, "未签名")


def test_another_key_is_named_as_such(archive, data_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("YIGAI_BACKUP_KEY", "x" * 40)
    with pytest.raises(BackupError, match="另一把密钥"):
        backup_verify(path=archive)


def test_production_never_creates_the_key_silently(data_dir, tmp_path, orgunits, monkeypatch) -> None:
    monkeypatch.setenv("YIGAI_ENV", "production")
    monkeypatch.delenv("YIGAI_BACKUP_KEY", raising=False)
    with pytest.raises(BackupError, match="YIGAI_BACKUP_KEY"):
        backup_create(out_dir=tmp_path / "b")
    assert not key_path(BACKUP, data_dir).exists()


def test_cli_verify_refuses_an_edited_backup(archive, data_dir, tmp_path) -> None:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["vendor"] = "sqlite "

    bad = _rewrite(archive, tmp_path / "edited.tar", edit=edit)
    result = CliRunner().invoke(app, ["backup-verify", str(bad)])
    assert result.exit_code == 1 and "签名不符" in result.output and "Traceback" not in result.output


def test_a_symlink_in_the_data_directory_is_not_followed_into_the_backup(
    data_dir, tmp_path, orgunits
) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the platform's data")
    (data_dir / "evidence" / "link.pdf").symlink_to(secret)
    info = backup_create(out_dir=tmp_path / "b")
    assert [f["path"] for f in info.manifest["files"]] == ["evidence/a.pdf"]
