"""What the eligibility engine reads from a record: `facts_for(record) -> NomineeFacts`.

Pure: no web, no bus, no database. Revoked titles and awards are left out. A year is known
(has a `YearRecord`) when the record holds a rating or a title for it. Awards are known from
the first year the record holds anything for (earlier years: unknown), unless the caller
says otherwise. Guards G1 and G5: an open case is pending; that nothing is pending (and that a
unit is neither dissolved nor merged) is known only from a confirmation recorded as of a date,
by whom, on what document (see `standing`); the end of the last discipline period is when
achievements count again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, cast

from services.nomination.eligibility.facts import (
    AwardRecord,
    Confirmation,
    Innovation,
    Matter,
    MembersYear,
    NomineeFacts,
    Rating,
    Standing,
    YearRecord,
)
from services.nomination.history.domainmodel import Collective, Person, Record, check_open
from services.nomination.history.factkinds import Fact


def facts_for(record: Record, attestations: Iterable[str] = (), dossier_facts: Mapping[str, bool] | None = None,
              *, awards_known_from: int | Literal["record"] | None = "record") -> NomineeFacts:
    """`awards_known_from="record"`: from the record's first year; an int: the province's lists
    are complete from that year; None: every award is known."""
    check_open(record)
    facts = [f for f in record.facts.values() if not f.get("revoked_on")]
    known_from = first_year(record) if awards_known_from == "record" else awards_known_from
    return NomineeFacts(
        subject_kind=subject_kind(record), years=years(facts), innovations=innovations(facts),
        awards=awards(facts), members=members(facts), standing=standing(record, facts),
        attestations=frozenset(attestations), dossier=dict(dossier_facts or {}), awards_known_from=known_from,
    )


def first_year(record: Record) -> int | None:
    """The first year the record holds a rating, title or award for."""
    return min((f["year"] for f in record.facts.values() if f["kind"] in ("rating", "title", "award")), default=None)


def subject_kind(record: Record) -> Any:
    if isinstance(record, Person):
        return "ca_nhan"
    assert isinstance(record, Collective)
    return record.subject_kind


def years(facts: list[Fact]) -> dict[int, YearRecord]:
    ratings = {f["year"]: Rating(f["rating"]) for f in _of(facts, "rating")}
    titles: dict[int, set[str]] = {}
    for fact in _of(facts, "title"):
        titles.setdefault(fact["year"], set()).add(fact["code"])
    return {year: YearRecord(year=year, rating=ratings.get(year), titles=frozenset(titles.get(year, ())))
            for year in sorted(set(ratings) | set(titles))}


def innovations(facts: list[Fact]) -> tuple[Innovation, ...]:
    return tuple(Innovation(year=f["year"], scope=f["scope"], kind=f["innovation_kind"], title=f["title"],
                            recognised_by=f["recognised_by"], reference=f["reference"])
                 for f in sorted(_of(facts, "innovation"), key=lambda f: (f["year"], f["key"])))


def awards(facts: list[Fact]) -> tuple[AwardRecord, ...]:
    """Every form of award, and every title, decided for the nominee."""
    decided = [AwardRecord(code=f["code"], year=f["year"], decided_on=f["decided_on"],
                           decision_ref=f["decision_ref"], basis=f.get("basis") or "cong_trang",
                           movement_id=f.get("movement_id"), movement=f.get("movement"))
               for f in _of(facts, "award", "title")]
    return tuple(sorted(decided, key=lambda a: (a.year, a.code, a.decision_ref or "")))


def members(facts: list[Fact]) -> dict[int, MembersYear]:
    return {f["year"]: MembersYear(year=f["year"], members=f["members"],
                                   at_least={Rating(r): n for r, n in f["at_least"].items()},
                                   titles=dict(f["titles"]), disciplined=f["disciplined"],
                                   disciplined_levels=dict(f.get("disciplined_levels") or {}))
            for f in sorted(_of(facts, "members"), key=lambda f: f["year"])}


PENDING = {"ky_luat": "discipline_pending", "dieu_tra": "investigation_pending", "khieu_nai": "complaint_pending"}


def standing(record: Record, facts: list[Fact]) -> Standing:
    """An open case is pending (True); closed cases alone say nothing of today (None), only a
    confirmation of "nothing pending as of DATE" states that; likewise a dissolution (True) and
    "not dissolved or merged as of DATE" for a collective."""
    cases = _of(facts, "case")
    ends = [f["discipline_until"] for f in cases if f["case_kind"] == "ky_luat" and f["discipline_until"]]
    collective = isinstance(record, Collective)
    dissolved = True if _of(facts, "dissolved") else None
    return Standing(discipline_pending=_pending(cases, "ky_luat"), investigation_pending=_pending(cases, "dieu_tra"),
                    complaint_pending=_pending(cases, "khieu_nai"), discipline_ended_on=max(ends, default=None),
                    unit_dissolved=dissolved if collective else None,
                    confirmations=confirmations(facts, collective))


def confirmations(facts: list[Fact], collective: bool) -> tuple[Confirmation, ...]:
    stated = []
    for fact in _of(facts, "standing"):
        matters: set[Matter] = {cast(Matter, PENDING[k]) for k in fact["case_kinds"]}
        if collective and fact["not_dissolved"]:
            matters.add("unit_dissolved")
        stated.append(Confirmation(fact["as_of"], fact["confirmed_by"], fact["document"], frozenset(matters)))
    return tuple(sorted(stated, key=lambda c: (c.as_of, sorted(c.matters))))


def _pending(cases: list[Fact], kind: str) -> bool | None:
    return True if any(f["case_kind"] == kind and f["closed_on"] is None for f in cases) else None


def _of(facts: list[Fact], *kinds: str) -> list[Fact]:
    return [f for f in facts if f["kind"] in kinds]
