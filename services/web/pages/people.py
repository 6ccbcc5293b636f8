"""People's records: search by name with or without diacritics (by personal number for those
entitled), and a person's or a collective's whole award history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.web.pages.common import apis, page_of, render, role
from services.web.sessions import Person

router = APIRouter(include_in_schema=False)
Readers = role("appraiser", "unit_clerk", "council_member", "council_secretary", "chair", "auditor")
FACT_KINDS = {"rating": "Xếp loại", "title": "Danh hiệu", "award": "Khen thưởng", "innovation": "Sáng kiến",
              "case": "Kỷ luật, điều tra, khiếu nại", "standing": "Xác nhận", "members": "Số thành viên"}


@router.get("/tra-cuu", response_class=HTMLResponse)
async def search(request: Request, person: Person = Readers) -> HTMLResponse:
    q = request.query_params.get("q", "").strip()[:200]
    size = 30
    page, offset = page_of(request, size)
    rows = await apis(request, person).nomination.people(q, limit=size + 1, offset=offset) if q else []
    return render(request, "people.html", title="Tra cứu lịch sử thi đua, khen thưởng", q=q, rows=rows[:size],
                  page=page, has_next=len(rows) > size)


@router.get("/tra-cuu/nguoi/{record_id}", response_class=HTMLResponse)
async def person_record(record_id: str, request: Request, person: Person = Readers) -> HTMLResponse:
    record = await apis(request, person).nomination.person(record_id)
    return render(request, "record.html", title=record.get("full_name", "Hồ sơ cá nhân"), record=record,
                  kinds=FACT_KINDS)


@router.get("/tra-cuu/tap-the/{unit_code}", response_class=HTMLResponse)
async def collective_record(unit_code: str, request: Request, person: Person = Readers) -> HTMLResponse:
    record = await apis(request, person).nomination.collective(unit_code[:32])
    return render(request, "record.html", title=record.get("name", unit_code), record=record, kinds=FACT_KINDS)
