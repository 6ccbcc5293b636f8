"""Dashboards of the reporting service for leaders and auditors: tasks per quarter and status,
dossiers per state, awards per form, level and subject; each table also as a CSV download."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.web.format import TASK_STATUSES
from services.web.pages.common import apis, render, role
from services.web.runtime import Apis
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Leaders = role("planner", "appraiser", "chair", "auditor")


def _year(request: Request) -> int:
    raw = request.query_params.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


async def tables(api: Apis, year: int) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every dashboard table: (headings, rows)."""
    quarters, status, units, states, awards = await asyncio.gather(
        api.reporting.tasks_by_quarter(year), api.reporting.tasks_by_status(year), api.reporting.tasks_by_unit(year),
        api.reporting.dossiers_by_state(year), api.reporting.awards(year))
    return {
        "nhiem-vu-theo-quy": (["Quý", "Tổng", "Đang thực hiện", "Hoàn thành", "Quá hạn"],
                              [[f"Quý {q['quarter']}", q["total"], q["assigned"], q["completed"], q["overdue"]]
                               for q in quarters]),
        "nhiem-vu-theo-trang-thai": (["Trạng thái", "Số nhiệm vụ"],
                                     [[TASK_STATUSES.get(k, k), v] for k, v in status.items()]),
        "nhiem-vu-theo-don-vi": (["Đơn vị", "Chủ trì", "Phối hợp", "Chủ trì đã xong", "Chủ trì quá hạn"],
                                 [[u["name"], u["lead"], u["coordinating"], u["lead_completed"], u["lead_overdue"]]
                                  for u in units]),
        "ho-so-theo-trang-thai": (["Trạng thái", "Số hồ sơ"],
                                  [[s["label"], s["count"]] for s in states["states"] if s["count"]]),
        "khen-thuong-theo-hinh-thuc": (["Hình thức", "Số lượng", "Tiền thưởng (đ)"],
                                       [[f.get("award_name") or f["award_code"], f["count"], f["cash_total"]]
                                        for f in awards["by_form"]]),
        "khen-thuong-theo-cap": (["Cấp", "Số lượng", "Tiền thưởng (đ)"],
                                 [[f["award_level"], f["count"], f["cash_total"]] for f in awards["by_level"]]),
        "khen-thuong-theo-doi-tuong": (["Đối tượng", "Số lượng", "Tiền thưởng (đ)"],
                                       [[f["label"], f["count"], f["cash_total"]] for f in awards["by_subject"]]),
    }


TITLES = {"nhiem-vu-theo-quy": "Nhiệm vụ theo quý", "nhiem-vu-theo-trang-thai": "Nhiệm vụ theo trạng thái",
          "nhiem-vu-theo-don-vi": "Nhiệm vụ theo đơn vị", "ho-so-theo-trang-thai": "Hồ sơ theo trạng thái",
          "khen-thuong-theo-hinh-thuc": "Khen thưởng theo hình thức", "khen-thuong-theo-cap": "Khen thưởng theo cấp",
          "khen-thuong-theo-doi-tuong": "Khen thưởng theo đối tượng"}
CHARTS = {"nhiem-vu-theo-quy", "nhiem-vu-theo-trang-thai", "ho-so-theo-trang-thai", "khen-thuong-theo-hinh-thuc"}


def bars(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Bars of an SVG chart: the label, the first count and its width out of 100."""
    top = max((int(r[1]) for r in rows), default=0) or 1
    return [{"label": str(r[0]), "value": int(r[1]), "width": round(100 * int(r[1]) / top, 1)} for r in rows]


@router.get("/bao-cao", response_class=HTMLResponse)
async def dashboard(request: Request, person: Person = Leaders) -> HTMLResponse:
    year = _year(request)
    found = await tables(apis(request, person), year)
    return render(request, "reports.html", title=f"Báo cáo năm {year}", year=year, tables=found, titles=TITLES,
                  charts={name: bars(found[name][1]) for name in CHARTS})


@router.get("/bao-cao/tai-ve/{name}.csv")
async def download(name: str, request: Request, person: Person = Leaders) -> Response:
    year = _year(request)
    found = await tables(apis(request, person), year)
    if name not in found:
        return Response("Không có bảng này.", status_code=404, media_type="text/plain; charset=utf-8")
    out = io.StringIO()
    headings, rows = found[name]
    csv.writer(out).writerows([headings, *rows])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{year}.csv"'})
