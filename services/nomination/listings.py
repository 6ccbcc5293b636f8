"""Reads the web pages need: a dossier's timeline (its stored events, in words) and the list of
council sessions (so members and the secretary can find theirs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from servicekit.auth import PrincipalDep
from services.nomination.council.domainmodel import CouncilSession
from services.nomination.dossiers.schemas import Public
from services.nomination.routing import DOSSIER_READERS, CouncilDep, DraftingDep, RuntimeDep, council_policy

router = APIRouter(tags=["dossiers"])
LABELS = {
    "Created": "Mở hồ sơ", "Edited": "Sửa hồ sơ", "DocumentAttached": "Đính kèm tài liệu",
    "DocumentRemoved": "Gỡ tài liệu", "UnitCouncilRecorded": "Ghi kết quả bình xét của đơn vị",
    "Submitted": "Trình hồ sơ", "Returned": "Trả lại để bổ sung", "Accepted": "Tiếp nhận để thẩm định",
    "ConsultationRequested": "Xin ý kiến hiệp y", "ConsultationRecorded": "Ghi ý kiến hiệp y",
    "ConsultationFinished": "Kết thúc xin ý kiến", "PutOnHold": "Tạm dừng xét", "Resumed": "Tiếp tục xét",
    "Appraised": "Kết luận thẩm định", "NoticeStarted": "Bắt đầu công khai", "NoticeCommented": "Nhận ý kiến góp ý",
    "NoticeClosed": "Kết thúc công khai", "CouncilVoted": "Hội đồng bỏ phiếu", "SentForDecision": "Trình ký quyết định",
    "Decided": "Quyết định khen thưởng", "Forwarded": "Trình cấp Nhà nước", "CentralDecided": "Cấp Nhà nước quyết định",
    "Rejected": "Không khen thưởng", "Conferred": "Trao tặng", "Revoked": "Hủy quyết định khen thưởng",
    "BecameLate": "Quá thời hạn xử lý", "SentToParent": "Gửi đơn vị cấp trên",
    "ReturnedByParent": "Đơn vị cấp trên trả lại để bổ sung", "ForwardedUp": "Đơn vị cấp trên trình tiếp",
}
# What each step's words may show (never the nominee's identifiers).
DETAILS = ("reasons", "filename", "number", "submission_number", "reason", "agencies", "agency", "ground", "note",
           "content", "notice_until", "due", "parent", "from_level", "to_level", "title")


def _words(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_words(v) for v in value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def timeline_of(events: Any) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        name = type(event).__name__
        detail = "; ".join(_words(getattr(event, k)) for k in DETAILS if getattr(event, k, None))
        if name == "CouncilVoted":
            detail = "thông qua" if getattr(event, "passed", False) else "không thông qua"
        rows.append({"event": name, "label": LABELS.get(name, name), "at": getattr(event, "timestamp", None),
                     "by": getattr(event, "by", None) or getattr(event, "created_by", None), "detail": detail,
                     "version": event.originator_version})
    return rows


class Step(Public):
    """One step of a dossier's timeline, in words."""

    event: str
    label: str
    at: datetime | None
    by: str | None
    detail: str
    version: int


class SessionRow(Public):
    session_id: UUID
    title: str
    held_on: date
    closed: bool
    dossiers: int = Field(description="Số hồ sơ trong chương trình")
    members: dict[str, str] = Field(description="mã người dùng → họ tên")


@router.get("/dossiers/{dossier_id}/timeline", dependencies=DOSSIER_READERS)
async def timeline(dossier_id: UUID, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep
                   ) -> list[Step]:
    """The dossier's steps in order: when, what, by whom (for its readers)."""
    await runtime.call(drafting.for_reading, dossier_id, actor)
    rows = await runtime.call(lambda: timeline_of(runtime.app.repository.event_store.get(dossier_id)))
    return [Step.model_validate(row) for row in rows]


@router.get("/council/sessions", tags=["council"], dependencies=council_policy("read"))
async def sessions(council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep) -> list[SessionRow]:
    """Every council session, newest first: title, day, agenda size, closed or not."""
    def read() -> list[dict[str, Any]]:
        topic = f"{CouncilSession.__module__}:{CouncilSession.__qualname__}.Opened"
        opened = runtime.app.recorder.select_notifications(start=None, limit=10_000, topics=[topic])
        found = [council.get(UUID(str(n.originator_id))) for n in opened]
        return [{"session_id": s.id, "title": s.title, "held_on": s.held_on, "closed": s.closed,
                 "dossiers": len(s.agenda), "members": s.members} for s in found]

    rows: list[dict[str, Any]] = await runtime.call(read)
    return [SessionRow.model_validate(row)
            for row in sorted(rows, key=lambda s: (s["held_on"], s["title"]), reverse=True)]


