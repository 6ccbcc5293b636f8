"""The whole system for the page tests: the four services and the web service as processes on
the test's PostgreSQL and NATS (its own databases and stream), local accounts for each role."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from services.web.accounts import AccountStore
from tdkt.embedded import free_ports
from tests.support import SAMPLE_PLAN, SAMPLE_UNITS, Namespace, auth

SERVICES = ("plan", "nomination", "notification", "reporting", "web")
PASSWORD = "mat-khau-thu-nghiem"
# name -> (unit, roles, full name)
PEOPLE = {
    "kehoach": ("SNV", ["planner"], "Hoàng Thị Lan"),
    "canbo": ("SGDDT", ["unit_clerk"], "Nông Văn Bình"),
    "canbo.snv": ("SNV", ["unit_clerk"], "Lý Thị Hằng"),
    "canbo.thpt": ("THPT.CAOBINH", ["unit_clerk"], "Hoàng Văn Tùng"),  # a school under SGDDT (units.yaml)
    "canbo.syt": ("SYT", ["unit_clerk"], "Đàm Văn Phúc"),
    "thamdinh": ("SNV", ["appraiser"], "Bế Thị Thu"),
    "thuky": ("SNV", ["council_secretary"], "Ma Văn Khánh"),
    "tv1": (None, ["council_member"], "Thành viên Nông Đức Mạnh"),
    "tv2": (None, ["council_member"], "Thành viên Triệu Thị Ánh"),
    "tv3": (None, ["council_member"], "Thành viên Hà Quang Vinh"),
    "chutich": (None, ["chair"], "Lãnh đạo UBND tỉnh"),
    "thanhtra": (None, ["auditor"], "Thanh tra Sở"),
    "quantri": ("SNV", ["admin"], "Quản trị hệ thống"),
    "khoathu": (None, ["auditor"], "Tài khoản thử khóa"),
}


class WebSystem:
    def __init__(self, ns: Namespace, base: Path, extra_env: dict[str, str] | None = None) -> None:
        self.ns, self.base = ns, base
        self.ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
        self.accounts = base / "accounts.json"
        self.env = {**os.environ, **ns.env(), "PYTHONUNBUFFERED": "1", "TDKT_LOG_LEVEL": "WARNING",
                    "TDKT_NOMINATION_DOCUMENTS_DIR": str(base / "documents"),
                    "TDKT_PLAN_DEADLINE_CHECK_INTERVAL_S": "1", "TDKT_WEB_ACCOUNTS_FILE": str(self.accounts),
                    "TDKT_WEB_PUBLIC_URL": self.url("web"), "TDKT_WEB_LOGIN_DELAY_S": "0.3",
                    "TDKT_WEB_COMMENTS_PER_HOUR": "3", "TDKT_WEB_LOCK_AFTER_FAILURES": "3",
                    **{f"TDKT_{n.upper()}_PORT": str(p) for n, p in self.ports.items()},
                    **{f"TDKT_WEB_{n.upper()}_URL": self.url(n) for n in SERVICES if n != "web"},
                    **(extra_env or {})}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, services: tuple[str, ...] = SERVICES, timeout: float = 120) -> WebSystem:
        (self.base / "logs").mkdir(parents=True, exist_ok=True)
        if not self.accounts.exists():
            store = AccountStore(self.accounts)
            for name, (unit, roles, full_name) in PEOPLE.items():
                store.add(name, unit=unit, roles=roles, password=PASSWORD, full_name=full_name)
        for name in services:
            with (self.base / "logs" / f"{name}.log").open("ab") as out:
                self.processes[name] = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=self.env,
                                                        stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        try:
            for name in services:
                while not self._ready(name):
                    assert self.processes[name].poll() is None, self.log(name)
                    assert time.monotonic() < deadline, f"{name} not ready: {self.log(name)}"
                    time.sleep(0.2)
        except BaseException:
            self.stop()  # one service failed to start: the others would outlive the test run
            raise
        return self

    def _ready(self, name: str) -> bool:
        try:
            response = httpx.get(f"{self.url(name)}/readyz", timeout=2)
            return response.status_code == 200 and response.json()["service"] == name  # not another on its port
        except httpx.HTTPError:
            return False

    def log(self, name: str) -> str:
        path = self.base / "logs" / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()

    def api(self, service: str, *roles: str, unit: str | None = None, subject: str = "tester") -> httpx.Client:
        return httpx.Client(base_url=self.url(service), headers=auth(*roles, unit=unit, subject=subject), timeout=60)

    def ensure_plan(self) -> None:
        """The sample plan 157/KH-UBND, imported once whichever test needs it first."""
        with self.api("plan", "planner") as plan:
            if not plan.get("/plans", params={"year": 2026}).json():
                response = plan.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                                     headers={"content-type": "text/plain"})
                assert response.status_code == 201, response.text

    def register_units(self) -> None:
        units: list[dict[str, Any]] = yaml.safe_load(SAMPLE_UNITS.read_text(encoding="utf-8"))["units"]
        with self.api("plan", "planner") as plan:
            for unit in units:
                response = plan.post("/units", json=unit)
                assert response.status_code in (200, 201), response.text
