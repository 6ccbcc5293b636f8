"""`tdkt reconcile`: per service, the events stored, the messages on the stream and what every
view and consumer applied; prints what is lost and duplicated, and has each publishing
service republish what the bus lacks (servicekit.reconcile)."""

from __future__ import annotations

import argparse
from typing import Any

import httpx

from tdkt.config import SERVICES, LauncherConfig
from tdkt.deadletters import _client, _message
from tdkt.sample import CommandError

KINDS = {"publisher": "sự kiện lưu → luồng", "view": "view", "consumer": "luồng → consumer",
         "webhook": "consumer → webhook"}
WITH_EVENTS = tuple(s for s in SERVICES if s != "web")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("reconcile", help="đối soát sự kiện đã lưu, tin trên luồng và dữ liệu đọc")
    parser.add_argument("--service", choices=WITH_EVENTS, action="append",
                        help="chỉ dịch vụ này (có thể ghi nhiều lần); mặc định: cả bốn dịch vụ")
    parser.add_argument("--no-republish", action="store_true", help="chỉ báo cáo, không phát lại tin thiếu")


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    unresolved = 0
    for service in args.service or list(WITH_EVENTS):
        with _client(config, service) as client:
            try:
                response = client.post("/admin/reconcile", params={"republish": str(not args.no_republish).lower()},
                                       timeout=300)
            except httpx.HTTPError as error:
                raise CommandError(f"Không kết nối được dịch vụ {service} ({client.base_url}): {error}") from None
            if response.status_code != 200:
                raise CommandError(f"{service}: {_message(response)}")
        for finding in response.json()["findings"]:
            unresolved += finding["lost"] - finding["republished"] + finding["duplicated"]
            print(format_finding(service, finding))
    print("Khớp: không mất, không trùng." if unresolved == 0 else f"Còn {unresolved} sự kiện mất hoặc trùng.")
    return 1 if unresolved else 0


def format_finding(service: str, f: dict[str, Any]) -> str:
    line = (f"{service:<13} {KINDS.get(f['kind'], f['kind']):<20} {f['name']:<22} cần {f['expected']:<7} "
            f"có {f['found']:<7} lost {f['lost']:<5} duplicated {f['duplicated']:<5} đang chờ {f['pending']}")
    if f["republished"]:
        line += f"  đã phát lại {f['republished']}"
    if f["lost_ids"]:
        line += "\n    mất: " + ", ".join(f["lost_ids"][:20])
    return line
