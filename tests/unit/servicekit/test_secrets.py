"""Secrets: a short signing key stops the start, secret files are never readable by others,
and the keys of an OIDC provider rotate without a restart."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from servicekit.auth import AuthError, TokenVerifier
from servicekit.secretfiles import read_or_create_secret, write_secret
from servicekit.settings import ServiceSettings, load_settings


def test_a_short_signing_key_stops_the_start_saying_why(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TDKT_JWT_SECRET", "a")
    with pytest.raises(SystemExit) as stopped:
        load_settings(ServiceSettings)
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert "TDKT_JWT_SECRET phải dài ít nhất 32 byte (hiện 1)" in message and "Traceback" not in message
    monkeypatch.setenv("TDKT_JWT_SECRET", "x" * 32)
    assert load_settings(ServiceSettings).jwt_secret is not None


def test_secret_files_are_owner_only_from_the_first_byte(tmp_path: Path) -> None:
    old = os.umask(0)  # even where the umask would let everyone read new files
    try:
        write_secret(tmp_path / "k" / "secret", "s3cret")
        made = read_or_create_secret(tmp_path / "jwt-secret")
    finally:
        os.umask(old)
    for path in (tmp_path / "k" / "secret", tmp_path / "jwt-secret"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(made) >= 48 and read_or_create_secret(tmp_path / "jwt-secret") == made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwt-secret", "k"]  # no temporary left


def test_processes_racing_to_make_the_key_all_get_the_same_one(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: read_or_create_secret(tmp_path / "jwt-secret"), range(32)))
    assert len(keys) == 1


class _Keys:
    def __init__(self) -> None:
        self.published: list[tuple[str, rsa.RSAPrivateKey]] = []

    def rotate(self, kid: str) -> rsa.RSAPrivateKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published = [(kid, key)]  # the old key is withdrawn
        return key

    def jwks(self) -> bytes:
        keys = []
        for kid, key in self.published:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": keys}).encode()


@pytest.fixture
def provider() -> Iterator[tuple[_Keys, str]]:
    keys = _Keys()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = keys.jwks()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield keys, f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()


def _token(key: rsa.RSAPrivateKey, kid: str) -> str:
    now = int(time.time())
    claims = {"sub": "u1", "roles": ["auditor"], "unit": "SNV", "iss": "tdkt-local", "aud": "tdkt",
              "iat": now, "exp": now + 300}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_provider_keys_rotate_without_a_restart(provider) -> None:
    keys, url = provider
    verifier = TokenVerifier(ServiceSettings(jwt_jwks_url=url, jwt_jwks_cooldown_s=0))
    first = keys.rotate("2026-11")
    assert verifier.verify(_token(first, "2026-11")).unit == "SNV"
    second = keys.rotate("2026-12")
    assert verifier.verify(_token(second, "2026-12")).subject == "u1"  # same verifier, new key
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthError):
        verifier.verify(_token(forged, "2026-12"))
    with pytest.raises(AuthError):
        verifier.verify(_token(forged, "unknown"))
