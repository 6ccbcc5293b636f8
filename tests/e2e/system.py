"""Drive `tdkt up` as a user does: a process, its ports, its signals."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from tdkt.embedded import free_ports
from tests.support import TEST_SECRET

SERVICES = ("web", "plan", "nomination", "notification", "reporting")


class TdktUp:
    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None, *args: str,
                 python: str = sys.executable, user: str | None = None) -> None:
        self.data_dir = data_dir
        self.python = python
        self.user = user
        *ports, pg_port, nats_port = free_ports(len(SERVICES) + 2)
        self.ports = dict(zip(SERVICES, ports, strict=True))
        self.env = {**os.environ, "TDKT_DATA_DIR": str(data_dir), "TDKT_JWT_SECRET": TEST_SECRET,
                    "TDKT_EMBEDDED_PG_PORT": str(pg_port), "TDKT_EMBEDDED_NATS_PORT": str(nats_port),
                    **{f"TDKT_{n.upper()}_PORT": str(p) for n, p in self.ports.items()}, **(extra_env or {})}
        for name in ("TDKT_PG_DSN", "TDKT_NATS_URL"):
            if name not in (extra_env or {}):
                self.env.pop(name, None)
        self.args = args
        self.starts = 0
        self.output = data_dir / "tdkt-up-0.out"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, timeout: float = 120) -> TdktUp:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self.output = self.data_dir / f"tdkt-up-{self.starts}.out"
        with self.output.open("ab") as out:
            self.process = subprocess.Popen([self.python, "-m", "tdkt.cli", "up", *self.args], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT, user=self.user,
                                            cwd=self.data_dir)
        deadline = time.monotonic() + timeout
        while "Nhấn Ctrl-C để dừng" not in self.text():
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.1)
        return self

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace") if self.output.exists() else ""

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.python, "-m", "tdkt.cli", *args], env=self.env, capture_output=True,
                              text=True, timeout=120, check=False)

    def nats_url(self, user: str | None = None, password: str | None = None) -> str:
        """The embedded NATS; as its operator when no user is given."""
        if user is None:
            user, password = "tdkt_admin", (self.data_dir / "nats" / "admin-password").read_text().strip()
        return f"nats://{user}:{quote(password or '', safe='')}@127.0.0.1:{self.env['TDKT_EMBEDDED_NATS_PORT']}"

    def integrator(self, name: str, *subjects: str) -> tuple[str, str]:
        """An outside integrator's NATS credentials, made as operators make them."""
        made = self.cli("integrator", "add", name, *(f"--subjects={s}" for s in subjects))
        assert made.returncode == 0, made.stdout + made.stderr
        password = re.search(r"mật khẩu: (\S+)", made.stdout)
        assert password, made.stdout
        return name, password.group(1)

    def descendants(self) -> list[int]:
        assert self.process is not None
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def service_pid(self, service: str) -> int:
        for pid in self.descendants():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"services.{service}".encode() in command:
                return pid
        raise AssertionError(f"no process for {service}")

    def ready(self, service: str) -> bool:
        try:
            response = httpx.get(f"{self.url(service)}/readyz", timeout=2)
            return response.status_code == 200 and response.json()["service"] == service  # not another on its port
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGINT, timeout: float = 60) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout)
