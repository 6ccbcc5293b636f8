"""`tdkt up` keys of the nomination service's personal data: made once in the data folder,
owner-only, and rotated by putting a new key first (the old ones kept to read old events)."""

from __future__ import annotations

import os
import stat
from base64 import b64decode
from pathlib import Path

import pytest

from servicekit.crypto import RotatingCipher
from tdkt.config import LauncherConfig
from tdkt.keys import rotate
from tdkt.sample import CommandError


def config(data_dir: Path) -> LauncherConfig:
    return LauncherConfig(data_dir=data_dir, host="127.0.0.1", pg_dsn=None, nats_url=None, pg_port=1, nats_port=2)


def test_the_cipher_key_is_made_once_owner_only_and_rotates(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TDKT_NOMINATION_CIPHER_KEYS", raising=False)
    monkeypatch.delenv("TDKT_NOMINATION_RECORD_KEY", raising=False)
    local = config(tmp_path)
    old = os.umask(0)
    try:
        made = local.service_secrets()
    finally:
        os.umask(old)
    keys, record_key = made["TDKT_NOMINATION_CIPHER_KEYS"], made["TDKT_NOMINATION_RECORD_KEY"]
    for name in ("nomination-cipher-keys", "nomination-record-key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert len(record_key.encode()) >= 32 and local.service_secrets()["TDKT_NOMINATION_RECORD_KEY"] == record_key
    assert len(b64decode(keys)) == 32 and local.cipher_keys("nomination") == keys  # made once, then read

    sealed = RotatingCipher({"CIPHER_KEYS": keys}).encrypt(b'{"personal_number": "004085000123"}')  # type: ignore[arg-type]
    rotated = rotate(local, "nomination")
    assert rotated[1:] == [keys] and rotated[0] != keys
    assert local.cipher_keys("nomination") == ",".join(rotated)
    assert stat.S_IMODE((tmp_path / "nomination-cipher-keys").stat().st_mode) == 0o600
    cipher = RotatingCipher({"CIPHER_KEYS": local.cipher_keys("nomination")})  # type: ignore[arg-type]
    assert cipher.decrypt(sealed) == b'{"personal_number": "004085000123"}'
    assert cipher.key_of(cipher.encrypt(b"new")) != cipher.key_of(sealed)


def test_keys_set_in_the_environment_are_rotated_there(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TDKT_NOMINATION_CIPHER_KEYS", "a2V5")
    with pytest.raises(CommandError, match="TDKT_NOMINATION_CIPHER_KEYS"):
        rotate(config(tmp_path), "nomination")
    assert not (tmp_path / "nomination-cipher-keys").exists()
