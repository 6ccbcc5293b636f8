"""HTTP API of published reports: publish (freeze) a report or a form, list them, fetch the
stored bytes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicekit.auth import Principal, Role, require
from services.reporting import publications
from services.reporting.api import RuntimeDep
from services.reporting.documents.report import MEDIA_TYPES
from services.reporting.period_api import Reader
from services.reporting.periods import PATTERN, PeriodError, parse

router = APIRouter(prefix="/reports/publications", tags=["published reports"])
Publisher = Annotated[Principal, Depends(require(Role.PLANNER))]
PUBLICATION_ERRORS: dict[type[Exception], tuple[int, str]] = {
    publications.AlreadyPublishedError: (409, "already_published"),
    publications.PublicationNotFoundError: (404, "publication_not_found"),
}


class PublicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["period", "form"]
    ref: str = Field(min_length=4, max_length=22, examples=["2026-H1", "0603/2026"],
                     description="A period (2026-H1, 2026, …) or a form and its year (0603/2026)")
    format: Literal["json", "docx", "xlsx", "pdf"]
    signed_on: date | None = None
    number: str | None = Field(default=None, min_length=1, max_length=40, examples=["12/BC-SNV"])

    @model_validator(mode="after")
    def _ref_fits_kind(self) -> PublicationCreate:
        if self.kind == "form" and not re.fullmatch(r"\d{4}/\d{4}", self.ref):
            raise ValueError("ref của một biểu phải có dạng MÃ/NĂM, ví dụ 0603/2026")
        if self.kind == "period":
            if not re.fullmatch(PATTERN, self.ref):
                raise ValueError("ref của một kỳ báo cáo phải có dạng 2026-Q3, 2026-H1, 2026 hoặc A..B")
            try:
                parse(self.ref)
            except PeriodError as error:
                raise ValueError(str(error)) from None
        return self


class PublicationPublic(BaseModel):
    publication_id: UUID
    kind: Literal["period", "form"]
    ref: str
    format: str
    media_type: str
    sha256: str
    size: int
    stream_position: int
    published_by: str
    published_at: datetime
    announced: bool = Field(description="ReportPublished is on the bus")


@router.post("", status_code=201)
async def publish(runtime: RuntimeDep, who: Publisher, body: PublicationCreate) -> PublicationPublic:
    """Publish a report or a form: its bytes are frozen with their SHA-256 and stream position."""
    row = await publications.publish(runtime, body.kind, body.ref, body.format, by=who.subject,
                                     signed_on=body.signed_on or runtime.today(), number=body.number)
    return PublicationPublic(**row)


@router.get("")
async def publication_list(runtime: RuntimeDep, _: Reader) -> list[PublicationPublic]:
    """Every published report and form, the newest first."""
    return [PublicationPublic(**row) for row in await publications.listed(runtime.pool)]


@router.get("/{publication_id}")
async def publication(runtime: RuntimeDep, _: Reader, publication_id: UUID) -> PublicationPublic:
    """What was published: hash, size, stream position, who and when."""
    return PublicationPublic(**await publications.one(runtime.pool, publication_id))


class Difference(BaseModel):
    path: str = Field(examples=["awards.by_form[BKT]"], description="Where the figure stands in the report")
    label: str
    published: int
    now: int


class Changes(BaseModel):
    publication_id: UUID
    published_position: int
    position: int
    differences: list[Difference]


@router.get("/{publication_id}/changes")
async def publication_changes(runtime: RuntimeDep, _: Reader, publication_id: UUID) -> Changes:
    """How the same report built now differs from the published one, figure by figure."""
    return Changes(**await publications.changes(runtime, publication_id))


@router.get("/{publication_id}/file", response_class=Response,
            responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}})
async def publication_file(runtime: RuntimeDep, _: Reader, publication_id: UUID) -> Response:
    """The published file, byte for byte as it was frozen."""
    data, media_type, sha256 = await publications.file(runtime.pool, publication_id)
    return Response(data, media_type=media_type, headers={"X-Content-SHA256": sha256})
