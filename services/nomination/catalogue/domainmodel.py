"""The award catalogue's history: every version the service adopted, with its full content,
its label, who adopted it, from where and when, so that a past decision can be explained
with the rules of its day.

Pure domain: imports only `eventsourcing.domain` and the standard library.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class AwardCatalogue(Aggregate):
    """The one catalogue of the service and its numbered versions (1, 2, …)."""

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/nomination/catalogue")

    class Adopted(Aggregate.Event):
        """A new version: `content` is the validated catalogue, `files` the YAML it was read from."""

        number: int
        label: str
        checksum: str
        content: dict[str, Any]
        files: dict[str, str]
        source: dict[str, str]  # {"kind": "files" | "upload", "location": folder or file name}
        adopted_by: str
        adopted_at: datetime

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, AwardCatalogue)
            aggregate.versions.append({
                "number": self.number, "label": self.label, "checksum": self.checksum, "source": self.source,
                "adopted_by": self.adopted_by, "adopted_at": self.adopted_at, "position": self.originator_version,
            })

    @event("Opened")
    def __init__(self) -> None:
        self.versions: list[dict[str, Any]] = []

    @property
    def current(self) -> dict[str, Any] | None:
        return self.versions[-1] if self.versions else None

    def adopt(self, *, label: str, checksum: str, content: dict[str, Any], files: dict[str, str],
              source: dict[str, str], adopted_by: str, adopted_at: datetime) -> int | None:
        """Record a new version; None (and nothing recorded) when the content is the current one."""
        if self.current is not None and self.current["checksum"] == checksum:
            return None
        check_source(source)
        number = len(self.versions) + 1
        self.trigger_event(self.Adopted, number=number, label=label, checksum=checksum, content=content,
                           files=files, source=source, adopted_by=adopted_by, adopted_at=adopted_at)
        return number

    def numbered(self, number: int) -> dict[str, Any]:
        if not 1 <= number <= len(self.versions):
            raise UnknownVersionError(number, len(self.versions))
        return self.versions[number - 1]

    def at(self, moment: datetime) -> dict[str, Any]:
        """The version in force at `moment`: the last one adopted at or before it."""
        adopted = [v for v in self.versions if v["adopted_at"] <= moment]
        if not adopted:
            raise NoVersionAtError(moment, self.versions[0]["adopted_at"] if self.versions else None)
        return adopted[-1]


def check_source(source: dict[str, str]) -> None:
    if source.get("kind") not in ("files", "upload") or not source.get("location"):
        raise InvalidSourceError(source)


class CatalogueDomainError(Exception):
    pass


class UnknownVersionError(CatalogueDomainError, LookupError):
    """Raised when the catalogue has no version of that number."""

    def __init__(self, number: int, last: int) -> None:
        super().__init__(f"Danh mục khen thưởng không có phiên bản số {number} (có từ 1 đến {last}).")


class NoVersionAtError(CatalogueDomainError, LookupError):
    """Raised when no version had been adopted yet at the moment asked about."""

    def __init__(self, moment: datetime, first: datetime | None) -> None:
        since = f"; phiên bản đầu tiên được áp dụng lúc {first:%d/%m/%Y %H:%M}" if first else ""
        super().__init__(f"Chưa có phiên bản danh mục khen thưởng nào tại thời điểm {moment:%d/%m/%Y %H:%M}{since}.")


class InvalidSourceError(CatalogueDomainError, ValueError):
    """Raised when a version does not say where it came from."""

    def __init__(self, source: dict[str, str]) -> None:
        super().__init__(f"Nguồn của phiên bản danh mục không hợp lệ: {source!r} (cần kind files|upload và location).")
