"""What the dossier workflow needs from the rest of the nomination service, as protocols:
the award catalogue, the eligibility rules, the nominee's history, the movements launched, the
working-day calendar and the document store. `services/nomination/wiring.py` adapts the real modules to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.nomination.eligibility.facts import SubjectKind, Verdict


@dataclass(frozen=True)
class AwardInfo:
    """What the workflow needs to know of one award of the catalogue."""

    code: str
    name: str
    category: str
    level: str
    subjects: frozenset[str]
    province_decides: bool  # False: the Chairman forwards it to the central level
    notice_working_days: int | None = None  # public notice before the council, if required
    council_required: bool = True  # False: decided without the provincial council
    council_threshold: float = 0.5
    council_comparison: str = "at_least"  # or "more_than" (a strict majority)
    council_base: str = "all_members"  # or "present"
    written_votes_allowed: bool = False
    posthumous_allowed: bool = False
    bases: tuple[str, ...] = ()  # the bases the catalogue gives it on (loại hình khen thưởng); () = not said


class Catalogue(Protocol):
    @property
    def version(self) -> str: ...

    def award(self, code: str) -> AwardInfo: ...

    def required_documents(self, code: str, kind: str) -> dict[str, str]:
        """The documents a dossier for this award and this kind of nominee needs: code -> name."""
        ...

    def cash(self, code: str, subject: SubjectKind, on: date) -> int | None:
        """The cash amount (đồng) for this kind of nominee decided on `on`; None: no multiplier known."""
        ...

    def quota_problems(self, code: str, unit: str, year: int, counts: dict[str, int]) -> list[str]:
        """The quotas of this award the unit's counts for the year exceed, explained in Vietnamese."""
        ...


class AwardCounts(Protocol):
    def __call__(self, unit: str, year: int) -> dict[str, int]:
        """Dossiers of the unit for the year by award, not rejected or revoked."""
        ...


@dataclass(frozen=True)
class Evaluation:
    """The engine's verdicts and how they sum up (alternative rules in a group, guards)."""

    verdicts: tuple[Verdict, ...]
    overall: str  # "pass" | "fail" | "unknown": never "pass" when something cannot be told
    rules_version: str
    text: str = ""
    deciding: tuple[str, ...] = ()  # the rules the outcome comes from
    unverified: tuple[str, ...] = ()  # unverified rules the outcome rests on (provisional)


class Eligibility(Protocol):
    def evaluate(self, award_code: str, year: int, basis: str, nominee: dict[str, Any],
                 dossier_facts: dict[str, Any], on: date) -> Evaluation: ...


class History(Protocol):
    def read_ahead(self, nominees: Sequence[tuple[str, Mapping[str, Any]]]) -> Any:
        """What `resolve` would read for many nominees (kind, data), read at once, to pass to it."""
        ...

    def resolve(self, kind: str, data: dict[str, Any], by: str,
                ahead: Any = None) -> tuple[dict[str, Any], list[Aggregate]]:
        """The nominee snapshot a dossier keeps (kind, ref, name, unit_code, masked_id, position, gender,
        deceased) and any new record to save with the dossier. Nominee data it cannot accept
        raises ValueError (or LookupError for a reference to no record). `ahead`: what
        `read_ahead` read for a batch of nominees that includes this one."""
        ...

    def decided(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                decided_on: date, basis: str, movement: tuple[str, str | None] | None = None) -> list[Aggregate]:
        """The nominee's record with the award added (with the movement, id and name, a thematic
        or ad hoc award was for), for saving with the decision (not saved)."""
        ...

    def revoked(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                revoked_on: date) -> list[Aggregate]: ...


@dataclass(frozen=True)
class KnownMovement:
    """An emulation movement the plan service launched, as its events said."""

    movement_id: UUID
    name: str
    kind: str  # thuong_xuyen, chuyen_de, dot_xuat
    starts_on: date
    ends_on: date
    launched_on: date | None = None  # None: its conclusion was read before its launch
    concluded_on: date | None = None


class Movements(Protocol):
    """The movements launched so far (services/nomination/movements.py keeps them from the bus)."""

    def find(self, movement_id: UUID) -> KnownMovement | None: ...


class Calendar(Protocol):
    def add_working_days(self, start: date, days: int) -> date: ...

    def day_of(self, moment: datetime) -> date:
        """The province's calendar day of an instant (not its UTC date)."""
        ...


class Units(Protocol):
    """The parent units above a proposing unit (services/nomination/units.py)."""

    def route(self, unit_code: str) -> list[str]: ...

    def name(self, code: str) -> str: ...

    def names(self, codes: list[str]) -> list[str]: ...


class NoParents:
    """Every unit submits straight to Sở Nội vụ."""

    def route(self, unit_code: str) -> list[str]:
        return []

    def name(self, code: str) -> str:
        return code

    def names(self, codes: list[str]) -> list[str]:
        return list(codes)


class DocumentStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def has(self, sha256: str) -> bool: ...


@dataclass(frozen=True)
class TimeLimits:
    """Working days allowed in each state whose clock runs (configuration, legal basis unverified)."""

    days: dict[str, int]

    def due(self, state: str, entered: date, calendar: Calendar) -> date | None:
        limit = self.days.get(state)
        return calendar.add_working_days(entered, limit) if limit else None


@dataclass(frozen=True)
class DossierRef:
    dossier_id: UUID
    version: int
