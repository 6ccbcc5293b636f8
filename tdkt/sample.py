"""Sample data for `tdkt up` and the plan import of `tdkt import-plan`, over the HTTP API."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import yaml

from servicekit.auth import issue_token
from tdkt.config import LauncherConfig

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class CommandError(SystemExit):
    """Raised to end a command with a message for the user."""


def headers(config: LauncherConfig, roles: list[str]) -> dict[str, str]:
    token = issue_token(config.jwt_secret(), subject="tdkt-cli", roles=roles, name="tdkt")
    return {"Authorization": f"Bearer {token}"}


def load_sample_data(config: LauncherConfig, sample_dir: Path) -> None:
    auth = headers(config, ["planner"])
    units = yaml.safe_load((sample_dir / "units-caobang.yaml").read_text(encoding="utf-8"))["units"]
    added = 0
    with httpx.Client(base_url=config.url("plan"), headers=auth, timeout=60) as client:
        for unit in units:
            response = client.post("/units", json=unit)
            if response.status_code not in (200, 201):
                raise CommandError(f"Không thêm được đơn vị {unit['code']}: {response.text}")
            added += response.status_code == 201
        print(f"· danh mục đơn vị: {len(units)} đơn vị ({added} mới)")
        summary = import_plan(client, (sample_dir / "157-KH-UBND-2026.txt").read_bytes(), {})
    print(format_summary(summary))


def import_plan(client: httpx.Client, data: bytes, params: dict[str, str]) -> dict[str, Any]:
    try:
        response = client.post("/plans/import", content=data, params=params,
                               headers={"content-type": "application/octet-stream"})
    except httpx.ConnectError:
        raise CommandError(
            f"Không kết nối được dịch vụ kế hoạch ở {client.base_url}; hãy chạy `tdkt up` trước."
        ) from None
    if response.status_code not in (200, 201):
        is_json = response.headers.get("content-type", "").startswith("application/json")
        error = response.json().get("error", {}) if is_json else {"message": response.text}
        details = error.get("details") or []
        if isinstance(details, dict):
            details = details.get("unknown_units", [details])
        lines = [f"  - {_detail(d)}" for d in details]
        raise CommandError("\n".join([f"Không nhập được kế hoạch: {error.get('message')}", *lines]))
    summary: dict[str, Any] = response.json()
    return summary


def _detail(detail: object) -> str:
    if isinstance(detail, dict) and "name" in detail:
        return f"{detail['name']}: {', '.join(detail.get('where', []))}"
    return str(detail)


def format_summary(summary: dict[str, Any]) -> str:
    issued = date.fromisoformat(summary["issued_on"]).strftime("%d/%m/%Y") if summary["issued_on"] else "?"
    lines = [f"Kế hoạch {summary['number']} ngày {issued}: {summary['title']}",
             f"  Cơ quan ban hành: {summary['issuer']}"
             + (f"; người ký: {summary['signed_by']}" if summary["signed_by"] else "")]
    for quarter in summary["quarters"]:
        announced = quarter["announced"]
        note = "" if announced is None else f" (văn bản ghi {announced:02d})"
        flag = "  ⚠" if announced is not None and announced != quarter["listed"] else ""
        lines.append(f"  Quý {ROMAN[quarter['quarter']]:<4} {quarter['listed']:>3} nhiệm vụ{note}{flag}")
    if summary["dry_run"]:
        outcome = "chạy thử, chưa lưu gì"
    elif summary["created"]:
        outcome = "đã nhập mới"
    else:
        outcome = "đã có trong hệ thống, không tạo gì thêm"
    lines.append(f"  Tổng: {summary['tasks_total']} nhiệm vụ — {outcome}")
    for unit in summary.get("registered_units", []):
        lines.append(f"  + đơn vị mới: {unit['code']} — {unit['name']}")
    if summary["warnings"]:
        lines.append("  Cảnh báo:")
        lines.extend(f"   - {warning}" for warning in summary["warnings"])
    return "\n".join(lines)
