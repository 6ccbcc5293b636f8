"""`tdkt keys rotate SERVICE`: put a new key first in the keys that encrypt a service's events
at rest (the data folder's `<service>-cipher-keys`). New events are sealed with it after the
service restarts; events sealed with the older keys stay readable while those keys are listed."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.crypto import new_key
from servicekit.secretfiles import write_secret
from tdkt.config import LauncherConfig
from tdkt.sample import CommandError

ENCRYPTED = ("nomination",)  # the services whose events hold personal data


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("keys", help="khóa mã hóa dữ liệu cá nhân trong kho sự kiện")
    actions = parser.add_subparsers(dest="action", required=True)
    rotate = actions.add_parser("rotate", help="thêm một khóa mới lên đầu (khóa cũ vẫn giữ để đọc sự kiện cũ)")
    rotate.add_argument("service", choices=ENCRYPTED)


def rotate(config: LauncherConfig, service: str) -> list[str]:
    """The service's keys after a new one is put first (the file rewritten atomically, 0600)."""
    path = config.cipher_keys_file(service)
    keys = [k.strip() for k in config.cipher_keys(service).split(",") if k.strip()]
    if not path.exists():
        raise CommandError(f"Khóa của {service} đặt bằng biến môi trường TDKT_{service.upper()}_CIPHER_KEYS: "
                           "thêm khóa mới vào đầu danh sách đó.")
    keys.insert(0, new_key())
    write_secret(path, ",".join(keys))
    return keys


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    keys = rotate(config, args.service)
    print(f"Đã thêm khóa mới cho {args.service} ({len(keys)} khóa, khóa mới đứng đầu). "
          f"Khởi động lại dịch vụ để dùng khóa mới; khóa cũ vẫn dùng để đọc sự kiện cũ.")
    return 0
