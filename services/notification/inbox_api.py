"""HTTP API of the units' inbox: a unit's clerk reads and marks its own unit's messages;
an auditor (or admin) may read any unit's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from servicekit.auth import Principal, Role, require
from services.notification import inbox
from services.notification.api import RuntimeDep

Reader = Annotated[Principal, Depends(require(Role.UNIT_CLERK, Role.AUDITOR))]
Clerk = Annotated[Principal, Depends(require(Role.UNIT_CLERK))]
MessageId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Unit = Annotated[str | None, Query(min_length=1, max_length=64, description="Mã đơn vị (auditor, admin)")]


class MessageNotFoundError(Exception):
    def __init__(self, message_id: int) -> None:
        super().__init__(f"Không tìm thấy thông báo {message_id}.")


class NoUnitError(Exception):
    def __init__(self) -> None:
        super().__init__("Tài khoản không gắn với đơn vị nào nên không có hộp thư đơn vị.")


class OtherUnitError(Exception):
    def __init__(self, own: str | None, other: str) -> None:
        super().__init__(f"Chỉ xem và đánh dấu được thông báo của đơn vị mình ({own or 'không có'}), "
                         f"không phải của đơn vị {other}.")


class NotYourMessageError(Exception):
    def __init__(self, message_id: int, own: str | None) -> None:
        super().__init__(f"Thông báo {message_id} không thuộc đơn vị của bạn ({own or 'không có'}): "
                         "chỉ đơn vị nhận mới đánh dấu đã đọc được.")


ERRORS: dict[type[Exception], tuple[int, str]] = {
    MessageNotFoundError: (404, "inbox_message_not_found"),
    NoUnitError: (403, "no_unit"),
    OtherUnitError: (403, "other_unit"),
    NotYourMessageError: (403, "not_your_message"),
}


class InboxMessage(BaseModel):
    id: int
    unit_code: str
    kind: str = Field(examples=["task_due_soon", "returned", "council_failed"])
    topic: Literal["task", "dossier", "movement", "cluster"]
    ref_id: UUID = Field(description="The task, dossier, movement or cluster the message is about")
    dossier_id: UUID | None = None
    task_id: UUID | None = None
    movement_id: UUID | None = None
    cluster_id: UUID | None = None
    title: str
    body: str
    link: str
    occurred_at: datetime
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unit: str | None
    unread: int


class KindCount(BaseModel):
    kind: str
    topic: str
    total: int
    unread: int


class InboxCounts(BaseModel):
    unit: str | None
    total: int
    unread: int
    kinds: list[KindCount]


def public(row: dict[str, Any]) -> InboxMessage:
    return InboxMessage(**row, **{f"{row['topic']}_id": row["ref_id"]})


Kinds = Annotated[list[str], Query(max_length=20, description="Chỉ các loại thông báo này")]
Topic = Annotated[Literal["task", "dossier", "movement", "cluster"] | None, Query()]


router = APIRouter(prefix="/inbox", tags=["inbox"])


def _unit(who: Principal, asked: str | None) -> str | None:
    """The unit whose inbox is read: an auditor's choice (None: every unit), else the clerk's own."""
    if who.has_any([Role.AUDITOR]):
        return asked
    if who.unit is None:
        raise NoUnitError()
    if asked is not None and asked != who.unit:
        raise OtherUnitError(who.unit, asked)
    return who.unit


@router.get("")
async def list_inbox(runtime: RuntimeDep, who: Reader, unit: Unit = None, unread: bool = False,
                     kind: Kinds = [], topic: Topic = None, ref: UUID | None = None,  # noqa: B006
                     limit: Annotated[int, Query(ge=1, le=200)] = 50,
                     offset: Annotated[int, Query(ge=0)] = 0) -> list[InboxMessage]:
    """The unit's messages about its tasks, dossiers, movements and clusters, newest first;
    filters by kind, topic, the task, dossier, movement or cluster (`ref`) and unread."""
    chosen = inbox.Filter(_unit(who, unit), kind, topic, ref, unread)
    rows = await inbox.list_messages(runtime.pool, chosen, limit=limit, offset=offset)
    return [public(row) for row in rows]


@router.get("/counts")
async def counts(runtime: RuntimeDep, who: Reader, unit: Unit = None, topic: Topic = None) -> InboxCounts:
    """How many messages of each kind the unit has, and how many are unread."""
    chosen = _unit(who, unit)
    kinds = [KindCount(**row) for row in await inbox.counts(runtime.pool, inbox.Filter(chosen, topic=topic))]
    return InboxCounts(unit=chosen, total=sum(k.total for k in kinds), unread=sum(k.unread for k in kinds),
                       kinds=kinds)


@router.get("/unread-count")
async def unread_count(runtime: RuntimeDep, who: Reader, unit: Unit = None) -> UnreadCount:
    """How many of the unit's messages are still unread."""
    chosen = _unit(who, unit)
    return UnreadCount(unit=chosen, unread=await inbox.unread_count(runtime.pool, chosen))


@router.post("/{message_id}/read")
async def mark_read(message_id: MessageId, runtime: RuntimeDep, who: Clerk) -> InboxMessage:
    """Mark one of your unit's messages read (again: keeps the first time)."""
    row = await inbox.find(runtime.pool, message_id)
    if row is None:
        raise MessageNotFoundError(message_id)
    if row["unit_code"] != who.unit:
        raise NotYourMessageError(message_id, who.unit)
    return public(await inbox.mark_read(runtime.pool, message_id))
