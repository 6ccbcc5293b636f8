"""The embedded PostgreSQL of `tdkt up` and the tests asks every connection for a password
(scram-sha-256), kept owner-only beside its data folder; an older data folder that trusted
every local user is brought to the same rule on its next start."""

from __future__ import annotations

import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from tdkt.embedded import EmbeddedPostgres, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def folder():
    base = Path(tempfile.mkdtemp(prefix="tdkt-pg-"))
    base.chmod(0o755)  # reachable by the unprivileged user PostgreSQL runs as under root
    yield base
    subprocess.run(["rm", "-rf", str(base)], check=False)


def refused(port: int, password: str | None) -> bool:
    try:
        psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                        password=password or "", connect_timeout=5).close()
    except psycopg.OperationalError as error:
        return "password authentication failed" in str(error) or "no password supplied" in str(error)
    return False


def test_every_connection_proves_its_password(folder: Path) -> None:
    server = EmbeddedPostgres(folder / "pg", free_port()).start()
    try:
        assert refused(server.port, None) and refused(server.port, "postgres")
        with psycopg.connect(server.dsn) as conn:
            assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    finally:
        server.stop()


def test_a_data_folder_that_trusted_everyone_asks_for_passwords_after_its_next_start(folder: Path) -> None:
    server = EmbeddedPostgres(folder / "pg", free_port())
    server.data_dir.mkdir()
    server.data_dir.chmod(0o700)
    from tdkt.embedded import _give_to

    _give_to(server.data_dir, server.user)
    made = subprocess.run([server._bin("initdb"), "-D", str(server.data_dir), "-U", "postgres", "--auth=trust",
                           "--no-instructions"], capture_output=True, check=False, **server._as_user())
    assert made.returncode == 0, made.stderr
    server.start()
    try:
        assert refused(server.port, None)
        with psycopg.connect(server.dsn) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        server.stop()
