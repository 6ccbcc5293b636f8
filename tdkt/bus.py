"""The NATS users of a `tdkt up` system: one per service (from each service's `BUS`
declaration) and one per integrator (`tdkt integrator add`), with generated passwords kept
owner-only in the data folder."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from servicekit.natsauth import BusAccess, Integrator, integrator_user, service_user
from servicekit.natsauth import accounts as accounts_block
from servicekit.secretfiles import read_or_create_secret, write_secret
from tdkt.config import SERVICES, LauncherConfig
from tdkt.sample import CommandError

NAME = re.compile(r"[a-z][a-z0-9_-]{1,31}")


def _root() -> str:
    return os.environ.get("TDKT_SUBJECT_ROOT", "tdkt")


def _stream() -> str:
    return os.environ.get("TDKT_STREAM", "TDKT")


def service_password(config: LauncherConfig, service: str) -> str:
    return read_or_create_secret(config.data_dir / "nats-passwords" / service)


def _integrators_file(config: LauncherConfig) -> Path:
    return config.data_dir / "nats-integrators.json"


def integrators(config: LauncherConfig) -> list[Integrator]:
    path = _integrators_file(config)
    if not path.exists():
        return []
    return [Integrator(name, tuple(entry["subjects"]), entry["password"])
            for name, entry in json.loads(path.read_text(encoding="utf-8")).items()]


def users(config: LauncherConfig) -> list[dict[str, Any]]:
    root, stream = _root(), _stream()
    found = []
    for service in SERVICES:
        access: BusAccess = importlib.import_module(f"services.{service}.main").BUS
        found.append(service_user(service, access, root=root, stream=stream,
                                  password=service_password(config, service)))
    found += [integrator_user(integrator, root=root, stream=stream) for integrator in integrators(config)]
    return found


def service_env(config: LauncherConfig) -> dict[str, str]:
    """What each service connects to NATS as."""
    env: dict[str, str] = {}
    for service in SERVICES:
        env[f"TDKT_{service.upper()}_NATS_USER"] = service
        env[f"TDKT_{service.upper()}_NATS_PASSWORD"] = service_password(config, service)
    return env


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("integrator", help="tài khoản NATS cho hệ thống bên ngoài (chỉ đọc)")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="tạo tài khoản chỉ được đọc các chủ đề được cấp")
    add.add_argument("name", help="tên tài khoản, ví dụ eoffice")
    add.add_argument("--subjects", action="append", required=True,
                     help="chủ đề được đọc, ví dụ 'tdkt.plan.>' (lặp lại để cấp nhiều chủ đề)")
    actions.add_parser("list", help="liệt kê tài khoản và chủ đề được cấp")


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    if args.action == "list":
        for integrator in integrators(config):
            print(f"{integrator.name}: {', '.join(integrator.subjects)}")
        return 0
    integrator = _add(config, args.name, args.subjects)
    _apply(config)
    port = config.nats_port
    print(f"Tài khoản NATS '{integrator.name}' (chỉ đọc):")
    print(f"  máy chủ:   nats://127.0.0.1:{port}   người dùng: {integrator.name}   mật khẩu: {integrator.password}")
    print(f"  tiền tố hộp thư trả lời (inbox prefix): _INBOX_{integrator.name}")
    for index, subject in enumerate(integrator.subjects):
        print(f"  chủ đề {subject}: consumer kéo (pull) tên '{integrator.consumer(index)}', lọc đúng '{subject}'")
    return 0


def _add(config: LauncherConfig, name: str, subjects: list[str]) -> Integrator:
    root = _root()
    if not NAME.fullmatch(name) or name in SERVICES or name == "tdkt_admin":
        raise CommandError(f"Tên '{name}' không hợp lệ: chữ thường, số, '-', '_'; không trùng tên dịch vụ.")
    for subject in subjects:
        tokens = subject.split(".")
        if tokens[0] != root or len(tokens) < 2 or tokens[1] == "dlq" or not all(tokens) or ">" in tokens[:-1]:
            raise CommandError(f"Chủ đề '{subject}' không được cấp: phải nằm dưới '{root}.<dịch vụ>.'")
    path = _integrators_file(config)
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    password = entries.get(name, {}).get("password") or secrets.token_urlsafe(24)
    entries[name] = {"subjects": subjects, "password": password}
    write_secret(path, json.dumps(entries, ensure_ascii=False, indent=2))
    return Integrator(name, tuple(subjects), password)


def _apply(config: LauncherConfig) -> None:
    """The embedded server's users, rewritten; a running server takes them at once."""
    from tdkt.embedded import EmbeddedNats

    EmbeddedNats(config.data_dir / "nats", config.nats_port).reload(users(config))


ACCOUNTS_FILE = Path(__file__).resolve().parents[1] / "infra" / "nats" / "accounts.conf"
HEADER = """# NATS users and permissions of TĐKT for compose and Kubernetes: GENERATED from each service's
# BUS declaration (services/<name>/main.py, servicekit/natsauth.py) by `python -m tdkt.bus`;
# do not edit by hand (`python -m tdkt.bus --check` fails when it differs from the code).
#
# Passwords are read by nats-server from its environment ($TDKT_NATS_<USER>_PASSWORD).
# `integrator` is an example read-only integrator granted the plan and nomination events;
# with `tdkt up`, `tdkt integrator add NAME --subjects ...` makes such users.
"""


def template() -> str:
    """The accounts of a deployment whose passwords come from the server's environment."""
    root, stream = "tdkt", "TDKT"
    found = []
    for service in SERVICES:
        access: BusAccess = importlib.import_module(f"services.{service}.main").BUS
        found.append(service_user(service, access, root=root, stream=stream,
                                  password=f"$TDKT_NATS_{service.upper()}_PASSWORD"))
    example = Integrator("integrator", ("tdkt.plan.>", "tdkt.nomination.>"), "$TDKT_NATS_INTEGRATOR_PASSWORD")
    found.append(integrator_user(example, root=root, stream=stream))
    return HEADER + "\n" + accounts_block(found, "$TDKT_NATS_ADMIN_PASSWORD")


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description="infra/nats/accounts.conf from the code").parse_known_args(argv)[1]
    text = template()
    if "--check" in args:
        if not ACCOUNTS_FILE.exists() or ACCOUNTS_FILE.read_text(encoding="utf-8") != text:
            print(f"{ACCOUNTS_FILE} differs from the code: run python -m tdkt.bus")
            return 1
        return 0
    ACCOUNTS_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
