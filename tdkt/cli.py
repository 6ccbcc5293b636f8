"""The `tdkt` command."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import httpx

from servicekit.auth import Role, issue_token
from tdkt import audit, bus, deadletters, keys, migrate, reconcile, reports
from tdkt.config import LauncherConfig
from tdkt.embedded import EmbeddedError
from tdkt.sample import CommandError, format_summary, headers, import_plan

SAMPLES = Path(__file__).resolve().parents[1] / "services" / "plan" / "samples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tdkt", description="Hệ thống thông tin quản lý thi đua, khen thưởng")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="chạy toàn bộ hệ thống trên máy này")
    up.add_argument("--no-sample", action="store_true", help="không nạp dữ liệu mẫu (kế hoạch 157/KH-UBND)")
    imp = commands.add_parser("import-plan", help="nhập một văn bản kế hoạch (.txt hoặc .docx)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--register-units", action="store_true", help="thêm các đơn vị chưa có vào danh mục")
    imp.add_argument("--dry-run", action="store_true", help="chỉ đọc và báo cáo, không lưu")
    imp.add_argument("--strict", action="store_true", help="không nhập khi văn bản có cảnh báo")
    tok = commands.add_parser("token", help="cấp mã truy cập thử nghiệm, ký bằng khóa cục bộ")
    tok.add_argument("--roles", default="planner",
                     help=f"vai trò, cách nhau bởi dấu phẩy: {', '.join(r.value for r in Role)}")
    tok.add_argument("--unit", default=None, help="mã đơn vị của người dùng (ví dụ SNV)")
    tok.add_argument("--subject", default="dev", help="định danh người dùng")
    commands.add_parser("rebuild-reports", help="dựng lại số liệu báo cáo từ luồng sự kiện")
    deadletters.add_parser(commands)
    reconcile.add_parser(commands)
    audit.add_parser(commands)
    keys.add_parser(commands)
    migrate.add_parser(commands)
    bus.add_parser(commands)
    reports.add_parser(commands)
    user = commands.add_parser("user", help="tài khoản đăng nhập trang web (cục bộ)").add_subparsers(
        dest="user_command", required=True)
    add = user.add_parser("add", help="thêm một tài khoản")
    add.add_argument("name", help="tên đăng nhập (chữ thường không dấu)")
    add.add_argument("--unit", default=None, help="mã đơn vị (ví dụ SNV)")
    add.add_argument("--roles", required=True,
                     help=f"vai trò, cách nhau bởi dấu phẩy: {', '.join(r.value for r in Role)}")
    add.add_argument("--password", default=None, help="mật khẩu (không ghi: hỏi khi chạy)")
    add.add_argument("--full-name", default="", help="họ và tên hiển thị")
    args = parser.parse_args(argv)
    config = LauncherConfig.from_env()
    try:
        return _run(args, config)
    except CommandError as error:
        print(error.code, file=sys.stderr)
        return 2
    except EmbeddedError as error:
        print(f"Không khởi động được: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, config: LauncherConfig) -> int:
    if args.command == "up":
        from tdkt.launcher import run_up

        return run_up(config, load_sample=not args.no_sample, sample_dir=SAMPLES)
    if args.command == "import-plan":
        return _import(args, config)
    if args.command == "dead-letters":
        return deadletters.run(args, config)
    if args.command == "reconcile":
        return reconcile.run(args, config)
    if args.command == "audit":
        return audit.run(args, config)
    if args.command == "keys":
        return keys.run(args, config)
    if args.command == "migrate":
        return migrate.run(args, config)
    if args.command == "integrator":
        return bus.run(args, config)
    if args.command in ("report", "form"):
        return reports.run(args, config)
    if args.command == "user":
        return add_user(args, config)
    if args.command == "token":
        roles = [r.strip() for r in args.roles.split(",") if r.strip()]
        unknown = [r for r in roles if r not in {role.value for role in Role}]
        if unknown:
            raise CommandError(f"Vai trò không hợp lệ: {', '.join(unknown)}")
        print(issue_token(config.jwt_secret(), subject=args.subject, roles=roles, unit=args.unit, name=args.subject))
        return 0
    with httpx.Client(base_url=config.url("reporting"), headers=headers(config, ["admin"]), timeout=30) as client:
        response = client.post("/admin/rebuild")
    print("Đang dựng lại số liệu báo cáo từ đầu luồng sự kiện." if response.status_code == 202 else response.text)
    return 0 if response.status_code == 202 else 1


def add_user(args: argparse.Namespace, config: LauncherConfig) -> int:
    from services.web.accounts import AccountError, AccountStore

    password = args.password
    if password is None:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise CommandError("Hai lần nhập mật khẩu không giống nhau.")
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    try:
        AccountStore(config.accounts_file).add(args.name, unit=args.unit, roles=roles, password=password,
                                               full_name=args.full_name)
    except AccountError as error:
        raise CommandError(str(error)) from None
    print(f"Đã thêm tài khoản {args.name} ({', '.join(roles)}{', ' + args.unit if args.unit else ''}).")
    return 0


def _import(args: argparse.Namespace, config: LauncherConfig) -> int:
    if not args.file.is_file():
        raise CommandError(f"Không tìm thấy tệp {args.file}")
    params = {k: "true" for k in ("register_units", "dry_run", "strict") if getattr(args, k)}
    with httpx.Client(base_url=config.url("plan"), headers=headers(config, ["planner"]), timeout=120) as client:
        summary = import_plan(client, args.file.read_bytes(), params)
    print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
