"""Everyone's home page: what needs my action now, with counts, each leading to its list."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.web.clients.base import ServiceError
from services.web.pages.common import PersonDep, apis, render
from services.web.pages.dossier_view import parent_units
from services.web.runtime import Apis
from services.web.sessions import Person

router = APIRouter()
LIMIT = 1000


async def _count(call: Awaitable[Any]) -> int | None:
    try:
        found = await call
    except ServiceError:
        return None
    return found if isinstance(found, int) else len(found)


def _items(person: Person, api: Apis, parent: bool) -> list[tuple[str, str, Awaitable[Any]]]:
    """(label, link, how to count) of what this person's roles must act on (`parent`: the
    person's unit is a parent unit, to which its units send their dossiers)."""
    items: list[tuple[str, str, Awaitable[Any]]] = []
    unit = person.unit
    if "unit_clerk" in person.roles and unit:
        if parent:
            items.append(("Hồ sơ đơn vị cấp dưới gửi lên, chờ xử lý", "/ho-so/cap-duoi",
                          api.nomination.dossiers(level=unit, state="at_parent", limit=LIMIT)))
        items += [
            ("Nhiệm vụ quá hạn của đơn vị", "/nhiem-vu?trang_thai=overdue",
             api.plan.tasks(unit=unit, status="overdue", limit=LIMIT)),
            ("Nhiệm vụ đang thực hiện", "/nhiem-vu?trang_thai=assigned",
             api.plan.tasks(unit=unit, status="assigned", limit=LIMIT)),
            ("Hồ sơ bị trả lại cần bổ sung", "/ho-so?trang_thai=returned",
             api.nomination.dossiers(state="returned", limit=LIMIT)),
            ("Hồ sơ đang soạn", "/ho-so?trang_thai=draft", api.nomination.dossiers(state="draft", limit=LIMIT)),
            ("Thông báo chưa đọc", "/hop-thu", api.notification.unread()),
        ]
    if person.has("appraiser"):
        items += [(label, f"/ho-so?trang_thai={state}", api.nomination.dossiers(state=state, limit=LIMIT))
                  for label, state in (("Hồ sơ mới trình, chờ tiếp nhận", "submitted"),
                                       ("Hồ sơ đang thẩm định", "appraising"),
                                       ("Hồ sơ đang công khai", "public_notice"),
                                       ("Hồ sơ Hội đồng đã thông qua, chờ trình ký", "council_passed"))]
        items.append(("Hồ sơ quá thời hạn xử lý", "/ho-so?tre_han=1",
                      api.nomination.dossiers(late="true", limit=LIMIT)))
    if person.has("chair"):
        items.append(("Hồ sơ chờ quyết định", "/ho-so?trang_thai=awaiting_decision",
                      api.nomination.dossiers(state="awaiting_decision", limit=LIMIT)))
    if person.has("council_member", "council_secretary"):
        items.append(("Phiên họp Hội đồng đang mở", "/hoi-dong", _open_sessions(api)))
    if person.has("planner"):
        items.append(("Nhiệm vụ quá hạn (toàn tỉnh)", "/ke-hoach?trang_thai=overdue",
                      api.plan.tasks(status="overdue", limit=LIMIT)))
    return items


async def _open_sessions(api: Apis) -> int:
    return sum(1 for s in await api.nomination.sessions() if not s.get("closed"))


async def counts(request: Request, person: Person) -> list[dict[str, Any]]:
    api = apis(request, person)
    parent = "unit_clerk" in person.roles and any(
        u["code"] == person.unit and u.get("children") for u in await parent_units(api.nomination))
    items = _items(person, api, parent)
    found = await asyncio.gather(*(_count(call) for _, _, call in items))
    return [{"label": label, "href": href, "count": n} for (label, href, _), n in zip(items, found, strict=True)]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, person: PersonDep) -> HTMLResponse:
    return render(request, "home.html", title="Việc cần làm", items=await counts(request, person), limit=LIMIT)


@router.get("/phan/viec-can-lam", response_class=HTMLResponse, include_in_schema=False)
async def home_counts(request: Request, person: PersonDep) -> HTMLResponse:
    """The counts alone, refreshed in place when an event arrives."""
    return render(request, "home_counts.html", items=await counts(request, person), limit=LIMIT)
