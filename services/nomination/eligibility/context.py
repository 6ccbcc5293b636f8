"""What a condition sees while it is evaluated, and what it answers (a `Result`).

A year's data is in one of three states: known (a `YearRecord` exists), missing (no record:
"cannot tell"), or excluded (before the end of a discipline period: it counts as not met, G1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from services.nomination.eligibility import wording
from services.nomination.eligibility.facts import NomineeFacts, Outcome, YearRecord

YearState = Literal["known", "missing", "excluded"]


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reason: str
    facts: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    """The years a streak covered (or the window it asked for), for counts "in that span"."""

    first: int
    last: int
    open_before: bool = False  # the year before `first` is unknown: the streak may reach further

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)


@dataclass
class Context:
    facts: NomineeFacts
    year: int  # the achievement year being nominated
    on: date  # the evaluation date: selects rule versions, ends discipline periods
    award: str
    basis: str
    labels: wording.Labels
    not_counted_bases: frozenset[str]  # G4: bases of awards that never count in chains
    not_counted_by: str  # the principle that says so, e.g. "G4"
    resolve_rule: Callable[[str], Result]
    spans: dict[str, Span] = field(default_factory=dict)

    @property
    def counts_from(self) -> int | None:
        ended = self.facts.standing.discipline_ended_on
        return ended.year + 1 if ended else None

    def state(self, year: int) -> YearState:
        if self.counts_from is not None and year < self.counts_from:
            return "excluded"
        return "known" if year in self.facts.years else "missing"

    def record(self, year: int) -> YearRecord | None:
        return self.facts.years.get(year) if self.state(year) == "known" else None

    def awards_known(self, year: int) -> bool:
        known_from = self.facts.awards_known_from
        return known_from is None or year >= known_from

    def year_fact(self, year: int) -> str:
        record = self.facts.years.get(year)
        if record is None:
            return f"{year}: chưa có dữ liệu"
        items = [record.rating.value if record.rating else "chưa xếp loại", *self.labels.shorts(record.titles)]
        note = " (không tính: trước khi hết thời hạn kỷ luật)" if self.state(year) == "excluded" else ""
        return f"{year}: {', '.join(items)}{note}"

    def excluded_note(self) -> str:
        ended = self.facts.standing.discipline_ended_on
        return f"kỷ luật đến {wording.dmy(ended)}" if ended else ""


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def pass_(reason: str, facts: Iterable[str] = ()) -> Result:
    return Result("pass", reason, unique(facts))


def fail(reason: str, facts: Iterable[str] = ()) -> Result:
    return Result("fail", reason, unique(facts))


def unknown(reason: str, missing: Iterable[str], facts: Iterable[str] = ()) -> Result:
    return Result("unknown", reason, unique(facts), unique(missing))


def decide(met: bool, reason_met: str, reason_not: str, facts: Iterable[str] = ()) -> Result:
    return pass_(reason_met, facts) if met else fail(reason_not, facts)
