"""Events published by the reporting service (`tdkt.reporting.*`): reports frozen when published."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from contracts.base import IntegrationEvent

PUBLISHER = "reporting"


class ReportPublished(IntegrationEvent):
    """A report or a statutory form was published: its exact bytes are kept and never change; the
    hash and the stream position it was built from let anyone check a copy and rebuild it."""

    publisher: ClassVar[str] = PUBLISHER
    version: Literal[1] = 1

    publication_id: UUID
    kind: Literal["period", "form"] = Field(description="A period report or a statutory form")
    ref: str = Field(examples=["2026-H1", "0603/2026"], description="The period, or the form and its year")
    format: Literal["json", "docx", "xlsx", "pdf"]
    media_type: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the published file's bytes")
    size: int = Field(ge=1, description="Bytes")
    stream_position: int = Field(ge=0, description="Every event up to this stream sequence is counted")
    published_by: str
    published_at: datetime

    def cloudevent_subject(self) -> str:
        return f"publications/{self.publication_id}"


EVENTS: list[type[IntegrationEvent]] = [ReportPublished]
