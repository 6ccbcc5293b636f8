"""`tdkt migrate`: the least-privilege roles, databases and event tables of every service, made
with an administrator's connection (`servicekit.migrate`), before the services start."""

from __future__ import annotations

import argparse
import importlib
import os
from typing import Any

from servicekit.migrate import Migration, migrate
from servicekit.secretfiles import read_or_create_secret
from tdkt.config import SERVICES, LauncherConfig


def database_of(service: str) -> str:
    return f"{os.environ.get('TDKT_DB_PREFIX', 'tdkt_')}{service}"


def password_of(config: LauncherConfig, service: str) -> str:
    """TDKT_<SERVICE>_PG_PASSWORD, else the one generated for it in the data folder."""
    return os.environ.get(f"TDKT_{service.upper()}_PG_PASSWORD") or read_or_create_secret(
        config.data_dir / "pg-passwords" / service)


def migrate_all(config: LauncherConfig, admin_dsn: str, services: tuple[str, ...] = SERVICES) -> dict[str, str]:
    """Migrate each service; the environment each then runs with (its own role and password)."""
    env: dict[str, str] = {}
    for service in services:
        spec: Migration = importlib.import_module(f"services.{service}.main").MIGRATION
        password = password_of(config, service)
        migrate(admin_dsn, database_of(service), spec, password)
        env[f"TDKT_{service.upper()}_PG_USER"] = database_of(service)
        env[f"TDKT_{service.upper()}_PG_PASSWORD"] = password
    return env


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("migrate", help="tạo vai trò, cơ sở dữ liệu và bảng sự kiện cho từng dịch vụ "
                                                 "(quyền tối thiểu); chạy bằng tài khoản quản trị PostgreSQL")
    parser.add_argument("--service", choices=SERVICES, help="chỉ một dịch vụ")
    parser.add_argument("--admin-dsn", default=os.environ.get("TDKT_PG_ADMIN_DSN") or os.environ.get("TDKT_PG_DSN"),
                        help="kết nối quản trị (mặc định TDKT_PG_ADMIN_DSN, rồi TDKT_PG_DSN)")


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    if not args.admin_dsn:
        print("Cần kết nối quản trị PostgreSQL: --admin-dsn hoặc TDKT_PG_ADMIN_DSN.")
        return 2
    services = (args.service,) if args.service else SERVICES
    migrate_all(config, args.admin_dsn, services)
    for service in services:
        print(f"· {service}: vai trò {database_of(service)} (chỉ thêm sự kiện, không sửa/xóa), "
              f"cơ sở dữ liệu {database_of(service)}")
    return 0
