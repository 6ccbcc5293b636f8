"""`tdkt report {quarter|half|year|range} PERIOD` and `tdkt form CODE YEAR`: the period reports and
statutory forms, fetched from the reporting service's API and written to a file (or printed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import httpx

from services.reporting.periods import PeriodError, of
from tdkt.config import LauncherConfig
from tdkt.sample import CommandError, headers

FORMATS = ("json", "docx", "xlsx", "pdf")
KINDS = ("quarter", "half", "year", "range")


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="báo cáo công tác TĐKT của một kỳ (quý, 6 tháng, năm, khoảng ngày)")
    report.add_argument("kind", choices=KINDS, help="loại kỳ: quarter, half, year hoặc range")
    report.add_argument("period", help="2026-Q3, 2026-H1, 2026 hoặc 2026-01-01..2026-06-30")
    _output(report)
    report.add_argument("--number", help="số, ký hiệu văn bản (ví dụ 12/BC-SNV)")
    report.add_argument("--signed-on", help="ngày ký, dạng YYYY-MM-DD (mặc định: hôm nay)")
    form = commands.add_parser("form", help="biểu mẫu thống kê (0601–0605, TT 02/2023/TT-BNV) của một năm")
    form.add_argument("code", help="mã biểu, ví dụ 0603")
    form.add_argument("year", type=int, help="năm báo cáo, ví dụ 2026")
    _output(form)
    form.add_argument("--signed-on", help="ngày ký, dạng YYYY-MM-DD (mặc định: hôm nay)")


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="json, docx, xlsx hoặc pdf (mặc định: theo đuôi tệp -o, không có thì json)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="tệp ghi ra (bỏ trống: in ra màn hình)")


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.output.suffix.lstrip(".").lower() if args.output else ""
    return suffix if suffix in FORMATS else "json"


def run(args: argparse.Namespace, config: LauncherConfig) -> int:
    fmt = _format(args)
    if args.command == "report":
        try:
            period = of(args.kind, args.period)
        except PeriodError as error:
            raise CommandError(str(error)) from None
        path, params = "/reports/period", {"period": period.code, "number": args.number}
    else:
        path, params = f"/reports/forms/{args.code}", {"year": args.year}
    params = {**params, "format": fmt, "signed_on": args.signed_on}
    with httpx.Client(base_url=config.url("reporting"), headers=headers(config, ["auditor"]), timeout=120) as client:
        response = client.get(path, params={k: v for k, v in params.items() if v is not None})
    if response.status_code != 200:
        raise CommandError(_message(response))
    if args.output is None:
        if fmt != "json":
            raise CommandError(f"Định dạng {fmt} cần một tệp ghi ra (-o TỆP).")
        sys.stdout.write(response.text + "\n")
        return 0
    args.output.write_bytes(response.content)
    position = response.headers.get("X-TDKT-Stream-Position") or response.json().get("position", {}).get(
        "complete_through")
    print(f"Đã ghi {args.output} ({len(response.content):,} byte; số liệu đầy đủ đến sự kiện số {position}).")
    return 0


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}: {response.text[:300]}"
