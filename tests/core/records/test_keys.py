"""The pseudonymisation key: deterministic per key, different per key, never silently made in production."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import duckdb
import pytest

from yigai.core.records.keys import ENV_VAR, KEY_FILE, PseudonymKey, PseudonymKeyError, load_key

ID = "11010519491231002X"


def test_pseudonym_is_hmac_sha256_and_differs_by_key() -> None:
    a, b = PseudonymKey(b"a" * 32), PseudonymKey(b"b" * 32)
    assert a.pseudonym(ID) == hmac.new(b"a" * 32, ID.encode(), hashlib.sha256).hexdigest()
    assert a.pseudonym(ID) == a.pseudonym(ID) != b.pseudonym(ID)
    assert a.fingerprint != b.fingerprint and a.fingerprint not in a.pseudonym(ID)


@pytest.mark.parametrize("secret", [b"s" * 32, b"long" * 40])  # longer than a SHA-256 block: hashed first
def test_sql_pads_give_the_same_hmac(secret: bytes) -> None:
    key = PseudonymKey(secret)
    ipad, opad = key.pads()
    row = duckdb.execute(
        "SELECT sha256($o || unhex(sha256($i || encode($m))))", {"i": ipad, "o": opad, "m": ID}
    ).fetchone()
    assert row is not None and row[0] == key.pseudonym(ID)


def test_env_key_wins_and_short_keys_are_refused(tmp_path: Path) -> None:
    key = load_key(data_dir=tmp_path, production=True, environ={ENV_VAR: "e" * 40})
    assert key.secret == b"e" * 40 and "环境变量" in key.source
    with pytest.raises(PseudonymKeyError, match="太短"):
        load_key(data_dir=tmp_path, production=False, environ={ENV_VAR: "short"})
    assert not (tmp_path / KEY_FILE).exists()


def test_key_file_made_0600_outside_production_and_reused(tmp_path: Path) -> None:
    first = load_key(data_dir=tmp_path, production=False, environ={})
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(data_dir=tmp_path, production=False, environ={}).secret == first.secret
    assert load_key(data_dir=tmp_path, production=True, environ={}).secret == first.secret  # provisioned file
    path.chmod(0o644)
    with pytest.raises(PseudonymKeyError, match="权限过宽"):
        load_key(data_dir=tmp_path, production=False, environ={})


def test_production_without_key_refuses(tmp_path: Path) -> None:
    with pytest.raises(PseudonymKeyError, match="生产环境未配置假名化密钥"):
        load_key(data_dir=tmp_path, production=True, environ={})
    assert not (tmp_path / KEY_FILE).exists()
