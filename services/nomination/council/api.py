"""HTTP API of council sessions: open, attendance, recusal, secret ballots, closing."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Response, status
from pydantic import Field

from servicekit.auth import PrincipalDep
from servicekit.http import ALREADY_EXISTS, Created
from services.nomination.council.application import summary
from services.nomination.council.domainmodel import CouncilError, SessionClosedError
from services.nomination.dossiers.schemas import Body, Public
from services.nomination.routing import CouncilDep, RuntimeDep, council_policy

router = APIRouter(prefix="/council/sessions", tags=["council"])
ERRORS: dict[type[Exception], tuple[int, str]] = {SessionClosedError: (409, "session_closed"),
                                                   CouncilError: (409, "council_rule")}


class SessionOpen(Body):
    title: str = Field(min_length=3, max_length=300, examples=["Phiên họp Hội đồng TĐKT tỉnh tháng 3/2026"])
    held_on: date
    members: dict[str, str] = Field(min_length=1, max_length=60, description="mã người dùng → họ tên")
    quorum: int = Field(ge=1, le=60)
    dossier_ids: list[UUID] = Field(min_length=1, max_length=2000)


class Attendance(Body):
    member: str
    present: bool


class Recusal(Body):
    dossier_id: UUID
    member: str
    reason: str = Field(min_length=3, max_length=1000)


class Ballot(Body):
    dossier_id: UUID
    choice: Literal["yes", "no", "abstain"]
    member: str | None = Field(default=None, description="Chỉ thư ký: phiếu bằng văn bản của thành viên vắng mặt")


class Invalidation(Body):
    dossier_id: UUID
    ballot_id: str
    reason: str = Field(min_length=3, max_length=1000)


class Result(Public):
    """A dossier's tally once the session is closed."""

    yes: int
    no: int
    abstain: int
    base: int = Field(description="Số thành viên tính tỷ lệ")
    threshold: float
    passed: bool
    voters: int
    recused: int


class AgendaItem(Public):
    award: str
    threshold: float
    comparison: str | None = None
    base: str
    written_votes_allowed: bool
    voted: list[str] = Field(description="Ai đã bỏ phiếu (không phải bỏ phiếu gì)")
    recused: list[str]
    result: Result | None


class SessionPublic(Public):
    session_id: UUID
    title: str
    held_on: date
    quorum: int
    members: dict[str, str] = Field(description="mã người dùng → họ tên")
    present: list[str]
    closed: bool
    agenda: dict[str, AgendaItem] = Field(description="mã hồ sơ → biểu quyết")


class Results(Public):
    results: dict[str, Result] = Field(description="mã hồ sơ → kết quả")


@router.post("", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS, dependencies=council_policy("open"))
async def open_session(body: SessionOpen, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep,
                       response: Response) -> Created:
    """Open a session with its members, quorum and agenda of dossiers ready for the council."""
    session_id, created = await runtime.call(
        council.open, actor, title=body.title, held_on=body.held_on, members=body.members,
        quorum=body.quorum, dossier_ids=body.dossier_ids, now=runtime.now())
    if not created:
        response.status_code = status.HTTP_200_OK
    return Created(id=session_id, created=created)


@router.get("/{session_id}", dependencies=council_policy("read"))
async def get_session(session_id: UUID, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep
                      ) -> SessionPublic:
    """Attendance, who voted on each dossier (never what), and the results once closed."""
    return SessionPublic.model_validate(summary(await runtime.call(council.get, session_id)))


@router.post("/{session_id}/attendance", status_code=status.HTTP_204_NO_CONTENT,
             dependencies=council_policy("attendance"))
async def attendance(session_id: UUID, body: Attendance, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep
                     ) -> None:
    """Record a member present or absent."""
    await runtime.call(council.attendance, session_id, actor, body.member, body.present)


@router.post("/{session_id}/recusals", status_code=status.HTTP_204_NO_CONTENT, dependencies=council_policy("recuse"))
async def recuse(session_id: UUID, body: Recusal, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep
                 ) -> None:
    """A member with a conflict of interest does not vote on a dossier."""
    await runtime.call(council.recuse, session_id, actor, body.dossier_id, body.member, body.reason)


@router.post("/{session_id}/ballots", status_code=status.HTTP_204_NO_CONTENT, dependencies=council_policy("vote",
             "written_vote"))
async def vote(session_id: UUID, body: Ballot, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep) -> None:
    """Cast one's secret ballot (or, for the secretary, an absent member's written one)."""
    await runtime.call(council.vote, session_id, actor, body.dossier_id, body.choice, member=body.member)


@router.get("/{session_id}/ballots/{dossier_id}", dependencies=council_policy("ballot_ids"))
async def ballots(session_id: UUID, dossier_id: UUID, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep
                  ) -> list[str]:
    """The ballot ids of a dossier, without their choices (to invalidate a spoiled one)."""
    return await runtime.call(council.ballot_ids, session_id, actor, dossier_id)


@router.post("/{session_id}/invalidations", status_code=status.HTTP_204_NO_CONTENT,
             dependencies=council_policy("invalidate"))
async def invalidate(session_id: UUID, body: Invalidation, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep
                     ) -> None:
    """Invalidate a ballot, with the reason (it stays on record)."""
    await runtime.call(council.invalidate, session_id, actor, body.dossier_id, body.ballot_id, body.reason)


@router.post("/{session_id}/close", dependencies=council_policy("close"))
async def close(session_id: UUID, council: CouncilDep, runtime: RuntimeDep, actor: PrincipalDep) -> Results:
    """Count the ballots: each dossier's tally and result (CouncilVoted)."""
    results = await runtime.call(council.close, session_id, actor, runtime.now())
    return Results.model_validate({"results": results})
