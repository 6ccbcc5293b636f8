from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.system import TdktUp


@pytest.fixture
def tdkt_up() -> Iterator[Callable[..., TdktUp]]:
    """Make `tdkt up` systems in a data folder the server user can reach; stop them all after."""
    base = Path(tempfile.mkdtemp(prefix="tdkt-e2e-"))
    base.chmod(0o755)
    systems: list[TdktUp] = []

    def make(*args: str, env: dict[str, str] | None = None, data_dir: Path | None = None,
             python: str | None = None, user: str | None = None) -> TdktUp:
        folder = data_dir or base / f"system-{len(systems)}"
        system = TdktUp(folder, env, *args, **({"python": python} if python else {}), user=user)
        systems.append(system)
        return system

    yield make
    for system in systems:
        if system.process is not None and system.process.poll() is None:
            system.process.send_signal(signal.SIGTERM)
            try:
                system.process.wait(60)
            except Exception:
                system.process.kill()
    shutil.rmtree(base, ignore_errors=True)
