"""`tdkt up`: the whole system on one machine, as separate processes."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tdkt import bus
from tdkt.config import SERVICES, LauncherConfig
from tdkt.embedded import EmbeddedNats, EmbeddedPostgres, die_with_parent, reachable_data_dir
from tdkt.migrate import migrate_all


class ServiceProcess:
    """One service, restarted with back-off when it dies, its output in a log file."""

    def __init__(self, name: str, config: LauncherConfig, env: dict[str, str]) -> None:
        self.name = name
        self.config = config
        self.env = env
        self.log = config.data_dir / "logs" / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.crashes: list[float] = []

    def restart_delay(self) -> float:
        """Back-off after a crash, growing with the crashes of the last minute."""
        now = time.monotonic()
        self.crashes = [t for t in self.crashes if now - t < 60] + [now]
        return float(min(2 ** (len(self.crashes) - 1), 30))

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", f"services.{self.name}"], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class System:
    def __init__(self, config: LauncherConfig, say: Callable[[str], None] = print) -> None:
        self.config = config
        self.say = say
        self.postgres: EmbeddedPostgres | None = None
        self.nats: EmbeddedNats | None = None
        self.services: list[ServiceProcess] = []
        self.stopping = threading.Event()

    def start(self) -> None:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        pg_dsn, nats_url = self.config.pg_dsn, self.config.nats_url
        if pg_dsn is None:
            pg_dir = reachable_data_dir(self.config.data_dir / "pg")
            self.say(f"· PostgreSQL (nhúng) trên cổng {self.config.pg_port}, dữ liệu {pg_dir}")
            self.postgres = EmbeddedPostgres(pg_dir, self.config.pg_port).start()
            pg_dsn = self.postgres.dsn
        if nats_url is None:
            self.say(f"· NATS JetStream (nhúng, sync_interval: always) trên cổng {self.config.nats_port}")
            self.nats = EmbeddedNats(self.config.data_dir / "nats", self.config.nats_port,
                                     users=bus.users(self.config)).start()
            nats_url = self.nats.url
        self.say("· Tạo vai trò và bảng cho từng dịch vụ (quyền tối thiểu)")
        roles = migrate_all(self.config, pg_dsn)
        nats_users = bus.service_env(self.config) if self.nats is not None else {}
        env = {"TDKT_NOMINATION_DOCUMENTS_DIR": str(self.config.data_dir / "documents"), **os.environ, **roles,
               **nats_users,
               "TDKT_PG_DSN": pg_dsn, "TDKT_NATS_URL": nats_url, "TDKT_JWT_SECRET": self.config.jwt_secret(),
               "TDKT_AUDIT_KEY": self.config.audit_key(), **self.config.service_secrets(),
               "PYTHONUNBUFFERED": "1", **self.config.web_env()}
        for name in SERVICES:
            env[f"TDKT_{name.upper()}_PORT"] = str(self.config.ports[name])
            env[f"TDKT_{name.upper()}_HOST"] = self.config.host
        self.services = [ServiceProcess(name, self.config, env) for name in SERVICES]
        for service in self.services:
            service.start()
        self.wait_ready()

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        pending = {s.name for s in self.services}
        while pending and time.monotonic() < deadline:
            for service in self.services:
                if service.name in pending and not service.alive():
                    raise SystemExit(f"Dịch vụ {service.name} dừng khi khởi động; xem {service.log}")
                if service.name in pending and _ready(self.config.url(service.name)):
                    pending.discard(service.name)
                    self.say(f"· {service.name:<13} sẵn sàng  {self.config.url(service.name)}")
            time.sleep(0.2)
        if pending:
            logs = self.config.data_dir / "logs"
            raise SystemExit(f"Chưa sẵn sàng sau {timeout:.0f}s: {', '.join(sorted(pending))} (xem {logs})")

    def supervise(self) -> None:
        """Until stopped: restart any service that died, with back-off."""
        while not self.stopping.wait(1.0):
            for service in self.services:
                if not service.alive() and not self.stopping.is_set():
                    delay = service.restart_delay()
                    code = service.process.returncode if service.process else "?"
                    self.say(f"! {service.name} dừng (mã {code}); khởi động lại sau {delay:.0f}s — xem {service.log}")
                    if self.stopping.wait(delay):
                        return
                    service.start()

    def stop(self) -> None:
        self.stopping.set()
        for service in self.services:
            service.stop()
        for server in (self.nats, self.postgres):
            if server is not None:
                server.stop()


def _ready(url: str) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    return False


def run_up(config: LauncherConfig, load_sample: bool, sample_dir: Path) -> int:
    from tdkt.sample import load_sample_data

    system = System(config)

    def on_signal(signum: int, _: object) -> None:
        system.stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print("Khởi động hệ thống TĐKT …", flush=True)
    first_administrator(config)
    try:
        system.start()
        if load_sample:
            load_sample_data(config, sample_dir)
        _print_urls(config)
        system.supervise()
    finally:
        print("\nĐang dừng các dịch vụ …", flush=True)
        system.stop()
        print("Đã dừng. Dữ liệu giữ tại", config.data_dir, flush=True)
    return 0


def first_administrator(config: LauncherConfig) -> None:
    """On the first start: an administrator `admin` with a one-time password, printed once."""
    from services.web.accounts import AccountStore

    store = AccountStore(config.accounts_file)
    if store.has_admin():
        return
    password = secrets.token_urlsafe(12)
    store.add("admin", unit="SNV", roles=["admin"], password=password, full_name="Quản trị hệ thống",
              must_change_password=True)
    print(f"· Tài khoản quản trị đầu tiên: admin / {password}  (mật khẩu dùng một lần, đổi khi đăng nhập)\n"
          "  Thêm người dùng: tdkt user add TEN --unit SNV --roles appraiser", flush=True)


def _print_urls(config: LauncherConfig) -> None:
    print(f"\nMở {config.url('web')} để làm việc (đăng nhập bằng tài khoản tạo với `tdkt user add`).")
    print("Hệ thống TĐKT đang chạy:")
    for name in SERVICES[1:]:
        print(f"  {name:<13} {config.url(name)}/docs")
    print(f"  dữ liệu       {config.data_dir}   (nhật ký: {config.data_dir / 'logs'})")
    print("  mã truy cập:  tdkt token --roles planner,admin")
    print("Nhấn Ctrl-C để dừng.", flush=True)
