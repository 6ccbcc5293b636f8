"""`tdkt dead-letters list|replay`: the events each service set aside, over its admin API."""

from __future__ import annotations

import argparse
from typing import Any

import httpx

from tdkt.config import SERVICES, LauncherConfig
from tdkt.sample import CommandError, headers


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("dead-letters", help="sự kiện các dịch vụ chưa áp dụng được (thư chết)")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="liệt kê thư chết của mọi dịch vụ (hoặc một dịch vụ)")
    listing.add_argument("--service", choices=SERVICES, help="chỉ một dịch vụ")
    listing.add_argument("--all", action="store_true", help="kể cả thư đã áp dụng lại")
    replay = actions.add_parser("replay", help="áp dụng lại thư chết (sau khi đã sửa nguyên nhân)")
    replay.add_argument("service", choices=SERVICES)
    replay.add_argument("ids", nargs="*", type=int, help="số thư (xem 'list'); bỏ trống cùng --all: mọi thư")
    replay.add_argument("--all", action="store_true", help="mọi thư chưa áp dụng được của dịch vụ")


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    if args.action == "list":
        return _list(config, [args.service] if args.service else list(SERVICES), args.all)
    if not args.ids and not args.all:
        raise CommandError("Hãy ghi số thư cần áp dụng lại, hoặc --all.")
    with _client(config, args.service) as client:
        ids = args.ids or [letter["id"] for letter in _get(client, args.service, False)]
        failed = 0
        for letter_id in ids:
            response = client.post(f"/admin/dead-letters/{letter_id}/replay")
            if response.status_code != 200:
                raise CommandError(f"{args.service} #{letter_id}: {_message(response)}")
            result = response.json()
            failed += not result["replayed"]
            print(f"{args.service} #{letter_id}: " + ("đã áp dụng lại" if result["replayed"]
                                                      else f"vẫn lỗi — {result['error']}"))
    return 1 if failed else 0


def _list(config: LauncherConfig, services: list[str], include_replayed: bool) -> int:
    total = 0
    for service in services:
        with _client(config, service) as client:
            for letter in _get(client, service, include_replayed):
                total += 1
                state = f"áp dụng lại {letter['replayed_at'][:19]}" if letter["replayed_at"] else "chưa xử lý"
                print(f"{service:<13} #{letter['id']:<6} {letter['source']:<22} vị trí {letter['position']:<8} "
                      f"{letter['recorded_at'][:19]}  {state}\n    {letter['subject']}\n    {letter['reason'][:300]}")
    print(f"Tổng: {total} thư chết.")
    return 0


def _client(config: LauncherConfig, service: str) -> httpx.Client:
    return httpx.Client(base_url=config.url(service), headers=headers(config, ["admin"]), timeout=30)


def _get(client: httpx.Client, service: str, include_replayed: bool) -> list[dict[str, Any]]:
    try:
        response = client.get("/admin/dead-letters", params={"include_replayed": str(include_replayed).lower()})
    except httpx.HTTPError as error:
        raise CommandError(f"Không kết nối được dịch vụ {service} ({client.base_url}): {error}") from None
    if response.status_code != 200:
        raise CommandError(f"{service}: {_message(response)}")
    letters: list[dict[str, Any]] = response.json()
    return letters


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"
