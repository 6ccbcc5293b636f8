"""The base of every public integration event.

An integration event is the JSON body of a message on the bus. Its type, source and time
also travel as CloudEvents headers (see `contracts.envelope`), so an outside subscriber
needs nothing of ours to read it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_validator

CE_TYPE_PREFIX = "vn.gov.tdkt"
_VERSION_SUFFIX = re.compile(r"V\d+$")


class IntegrationEvent(BaseModel):
    """A fact one service tells the others; frozen, versioned, deduplicated on `event_id`."""

    # Unknown fields are ignored so that a consumer built on version N keeps reading
    # messages that later gained optional fields (additive, non-breaking change).
    model_config = ConfigDict(frozen=True, extra="ignore")

    publisher: ClassVar[str]
    event_name: ClassVar[str]

    event_id: UUID
    occurred_at: AwareDatetime
    version: int

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_name" not in cls.__dict__:
            cls.event_name = _VERSION_SUFFIX.sub("", cls.__name__)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def schema_version(cls) -> int:
        """The version this class publishes (the default of its `version` field)."""
        default = cls.model_fields["version"].default
        if not isinstance(default, int):
            raise TypeError(f"{cls.__name__}.version needs a Literal default")
        return default

    @classmethod
    def ce_type(cls) -> str:
        return f"{CE_TYPE_PREFIX}.{cls.publisher}.{cls.event_name}.v{cls.schema_version()}"

    @classmethod
    def subject_for(cls, root: str = "tdkt") -> str:
        return f"{root}.{cls.publisher}.{cls.event_name}.v{cls.schema_version()}"

    def cloudevent_subject(self) -> str:
        """What the event is about, as a path (`ce-subject`)."""
        return ""
