"""`tdkt audit verify [SERVICE]`: recompute each event store's hash chain, over the admin API."""

from __future__ import annotations

import argparse
from typing import Any

import httpx

from tdkt.config import LauncherConfig
from tdkt.sample import CommandError, headers

STORES = ("plan", "nomination")  # the services that keep an event store


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("audit", help="kiểm tra tính toàn vẹn của kho sự kiện")
    actions = parser.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="tính lại chuỗi băm; chỉ ra sự kiện đầu tiên bị sửa, xóa hay đảo")
    verify.add_argument("service", nargs="?", choices=STORES, help="một dịch vụ (mặc định: tất cả)")


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    broken = 0
    for service in [args.service] if args.service else STORES:
        with httpx.Client(base_url=config.url(service), headers=headers(config, ["auditor"]), timeout=600) as client:
            try:
                response = client.get("/admin/audit/verify")
            except httpx.HTTPError as error:
                raise CommandError(f"Không kết nối được dịch vụ {service} ({client.base_url}): {error}") from None
        if response.status_code != 200:
            raise CommandError(f"{service}: HTTP {response.status_code} {response.text[:300]}")
        for store in response.json():
            if store["intact"]:
                print(f"{service}/{store['store']}: {store['checked']} sự kiện, chuỗi băm nguyên vẹn.")
            else:
                broken += 1
                print(f"{service}/{store['store']}: SAI tại sự kiện số {store['first_difference']} — "
                      f"{store['reason']} ({store['checked']} sự kiện trước đó khớp).")
    return 1 if broken else 0
