"""The record (hồ sơ lịch sử thi đua, khen thưởng) of a person or a collective, event-sourced.

A person's id comes from the personal number when it is known, else from the folded name,
date of birth and unit code; a collective's from its unit code. A person known by number also
leaves a `PersonAlias` at its name + date of birth + unit key, so a later lookup by those finds
it. Merging folds a duplicate's facts into the kept record and leaves the duplicate pointing
at it.

Pure domain: imports only `eventsourcing.domain`, the standard library and this module's
pure helpers. Ids and the checks of a person's details are in `identity.py`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.nomination.history import factkinds as kinds
from services.nomination.history.factkinds import Fact, Outcome
from services.nomination.history.identity import (
    HistoryError,
    IdentityRequiredError,
    check_birth_date,
    check_name,
    check_sex,
    check_unit_code,
    collective_id,
    key_id,
    number_id,
)
from services.nomination.history.names import clean_name, fold
from services.nomination.history.pid import PidRules, check_personal_number
from services.nomination.history.privacy import mask_number

SUBJECT_KINDS = {"tap_the": "tập thể", "doanh_nghiep": "doanh nghiệp, hợp tác xã"}


class Record(Aggregate):
    """What a person's and a collective's record share: facts by key, and the merge link."""

    unit_code: str

    def _open(self) -> None:
        self.facts: dict[str, Fact] = {}
        self.merged_into: UUID | None = None
        self.merged_from: list[UUID] = []

    def outcome(self, fact: Fact) -> tuple[str | None, Outcome]:
        """What recording `fact` would do, and the key of the recorded fact it matches."""
        for key in kinds.candidates(self.facts, fact):
            result = kinds.compare(self.facts[key], fact)
            if result != "conflict" or key == fact["key"]:
                return key, result
        return None, "new"

    def record(self, fact: Fact, *, source: dict[str, Any], by: str, at: datetime, reason: str | None = None) -> bool:
        """Record a fact; False when the record already holds it (from any source)."""
        check_open(self)
        check_kind_allowed(self, fact)
        check_not_ahead(fact, at)
        key, result = self.outcome(fact)
        old = self.facts[key] if key is not None else None
        if result == "same":
            return False
        if old is not None and result == "conflict" and not (reason and reason.strip()):
            raise ConflictingFactError(old, fact)
        if old is not None and result == "completes":
            fact = kinds.combine(old, fact)
        self.trigger_event(event_class(old, fact), fact=kinds.content(fact), source=source, by=by, at=at,
                           replaces=key, reason=reason.strip() if reason else None)
        return True

    class FactEvent(Aggregate.Event):
        """A fact recorded, with who, when and from which source; `replaces` names the fact it completes."""

        fact: dict[str, Any]
        source: dict[str, Any]
        by: str
        at: datetime
        replaces: str | None
        reason: str | None

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Record)
            if self.replaces is not None:
                aggregate.facts.pop(self.replaces, None)
            aggregate.facts[self.fact["key"]] = {**self.fact, "source": self.source, "by": self.by,
                                                 "at": self.at, "reason": self.reason}

    class RatingRecorded(FactEvent):
        pass

    class TitleRecorded(FactEvent):
        pass

    class AwardRecorded(FactEvent):
        pass

    class Revoked(FactEvent):
        """A title or award whose decision was revoked (hủy bỏ)."""

    class InnovationRecognised(FactEvent):
        pass

    class CaseOpened(FactEvent):
        pass

    class CaseClosed(FactEvent):
        pass

    class MembersCounted(FactEvent):
        pass

    class Dissolved(FactEvent):
        pass

    class StandingConfirmed(FactEvent):
        """Stated as of a date: no discipline review, investigation or complaint pending (G1); for a
        collective, the unit neither dissolved nor merged (G5)."""

    def absorb(self, duplicate: Record, *, by: str, at: datetime) -> None:
        """Fold a duplicate record into this one; the duplicate then points here."""
        check_mergeable(self, duplicate)
        items, conflicts = [], []
        for fact in duplicate.facts.values():
            key, result = self.outcome(fact)
            if result == "conflict":
                conflicts.append({"existing": self.facts[str(key)], "duplicate": fact})
            elif result == "completes":
                items.append({"fact": {**kinds.combine(self.facts[str(key)], fact), **_meta(fact)}, "replaces": key})
            elif result == "new":
                items.append({"fact": fact, "replaces": None})
        if conflicts:
            raise MergeConflictError(conflicts)
        self._absorbed(duplicate_id=duplicate.id, facts=items, details=self._fill(duplicate), by=by, at=at)
        duplicate._merged(into=self.id, by=by, at=at)

    def _fill(self, duplicate: Record) -> dict[str, Any]:
        return {}

    class Absorbed(Aggregate.Event):
        duplicate_id: UUID
        facts: list[dict[str, Any]]
        details: dict[str, Any]
        by: str
        at: datetime

    class MergedInto(Aggregate.Event):
        into: UUID
        by: str
        at: datetime

    @event(Absorbed)
    def _absorbed(self, duplicate_id: UUID, facts: list[dict[str, Any]], details: dict[str, Any], by: str,
                  at: datetime) -> None:
        for item in facts:
            if item["replaces"] is not None:
                self.facts.pop(item["replaces"], None)
            self.facts[item["fact"]["key"]] = item["fact"]
        self.__dict__.update(details)
        self.merged_from.append(duplicate_id)

    @event(MergedInto)
    def _merged(self, into: UUID, by: str, at: datetime) -> None:
        self.merged_into = into


class Person(Record):
    @staticmethod
    def create_id(personal_number: str | None, full_name: str, born_on: date | None, unit_code: str) -> UUID:
        if personal_number:
            return number_id(personal_number)
        assert born_on is not None, "a person without number is identified by name, birth date and unit"
        return key_id(full_name, born_on, unit_code)

    class Registered(Aggregate.Created):
        personal_number: str | None
        full_name: str
        born_on: date | None
        sex: str | None
        unit_code: str
        by: str
        at: datetime

    class DetailsCompleted(Aggregate.Event):
        born_on: date | None
        sex: str | None
        by: str
        at: datetime

    @event(Registered)
    def __init__(self, *, personal_number: str | None, full_name: str, born_on: date | None, sex: str | None,
                 unit_code: str, by: str, at: datetime) -> None:
        self._open()
        self.personal_number, self.full_name, self.born_on = personal_number, full_name, born_on
        self.sex, self.unit_code = sex, unit_code

    @classmethod
    def register(cls, *, personal_number: str | None, full_name: str, born_on: date | None, sex: str | None,
                 unit_code: str, rules: PidRules, by: str, at: datetime) -> Person:
        full_name, unit_code = check_name(full_name), check_unit_code(unit_code)
        check_birth_date(born_on, at)
        check_sex(sex)
        if personal_number:
            personal_number = check_personal_number(personal_number, rules, born_on, sex)
        elif born_on is None:
            raise IdentityRequiredError()
        return cls(personal_number=personal_number or None, full_name=full_name, born_on=born_on, sex=sex,
                   unit_code=unit_code, by=by, at=at)

    @property
    def key(self) -> UUID | None:
        """The name + date of birth + unit id this person answers to."""
        return key_id(self.full_name, self.born_on, self.unit_code) if self.born_on else None

    def complete(self, *, born_on: date | None, sex: str | None, rules: PidRules, by: str, at: datetime) -> bool:
        """Fill in a date of birth or sex not known before; False when nothing is new."""
        check_open(self)
        check_same_person(self, self.full_name, born_on)
        check_sex(sex)
        check_birth_date(born_on, at)
        born_on = born_on if self.born_on is None else None
        sex = sex if self.sex is None else None
        if born_on is None and sex is None:
            return False
        if self.personal_number:
            check_personal_number(self.personal_number, rules, born_on, sex)
        self._completed(born_on=born_on, sex=sex, by=by, at=at)
        return True

    @event(DetailsCompleted)
    def _completed(self, born_on: date | None, sex: str | None, by: str, at: datetime) -> None:
        self.born_on = born_on or self.born_on
        self.sex = sex or self.sex

    def _fill(self, duplicate: Record) -> dict[str, Any]:
        assert isinstance(duplicate, Person)
        return {k: getattr(duplicate, k) for k in ("born_on", "sex")
                if getattr(self, k) is None and getattr(duplicate, k) is not None}


class PersonAlias(Aggregate):
    """Left at a name + date of birth + unit key: the person answering to it is `target`."""

    @staticmethod
    def create_id(key: UUID) -> UUID:
        return key

    @event("Created")
    def __init__(self, *, key: UUID, target: UUID) -> None:
        self.target = target


class Collective(Record):
    @staticmethod
    def create_id(unit_code: str) -> UUID:
        return collective_id(unit_code)

    class Registered(Aggregate.Created):
        unit_code: str
        name: str
        subject_kind: str
        by: str
        at: datetime

    @event(Registered)
    def __init__(self, *, unit_code: str, name: str, subject_kind: str, by: str, at: datetime) -> None:
        self._open()
        self.unit_code, self.name, self.subject_kind = unit_code, name, subject_kind

    @classmethod
    def register(cls, *, unit_code: str, name: str, subject_kind: str, by: str, at: datetime) -> Collective:
        kinds.check_choice(subject_kind, SUBJECT_KINDS, "Loại tập thể")
        return cls(unit_code=check_unit_code(unit_code), name=kinds.check_text(name, "Tên tập thể", 300),
                   subject_kind=subject_kind, by=by, at=at)


COLLECTIVE_ONLY = {"members", "dissolved"}
EVENTS = {"rating": Record.RatingRecorded, "title": Record.TitleRecorded, "award": Record.AwardRecorded,
          "innovation": Record.InnovationRecognised, "case": Record.CaseOpened, "members": Record.MembersCounted,
          "dissolved": Record.Dissolved, "standing": Record.StandingConfirmed}


def event_class(old: Fact | None, new: Fact) -> type[Record.FactEvent]:
    if new.get("revoked_on") and not (old and old.get("revoked_on")):
        return Record.Revoked
    if new["kind"] == "case" and new["closed_on"]:
        return Record.CaseClosed
    return EVENTS[new["kind"]]


def check_open(record: Record) -> None:
    if record.merged_into is not None:
        raise RecordMergedError(record.id, record.merged_into)


def check_kind_allowed(record: Record, fact: Fact) -> None:
    if isinstance(record, Person) and (fact["kind"] in COLLECTIVE_ONLY or fact.get("not_dissolved")):
        raise FactNotForSubjectError("Số liệu thành viên, giải thể và xác nhận không giải thể chỉ ghi cho tập thể.")


def check_not_ahead(fact: Fact, at: datetime) -> None:
    """A confirmation speaks of a day that has come: at the latest the day it is recorded (in any
    time zone, hence one day past the UTC date)."""
    if fact["kind"] == "standing" and fact["as_of"] > (at + timedelta(days=1)).date():
        raise kinds.FactError(f"Ngày xác nhận {fact['as_of']:%d/%m/%Y} chưa tới: xác nhận chỉ nói về hôm nay "
                              "hoặc một ngày đã qua.")


def check_mergeable(kept: Record, duplicate: Record) -> None:
    check_open(kept)
    check_open(duplicate)
    if kept.id == duplicate.id:
        raise MergeRefusedError("Hai hồ sơ là một; không có gì để gộp.")
    if not (isinstance(kept, Person) and isinstance(duplicate, Person)):
        raise MergeRefusedError("Chỉ gộp được hồ sơ cá nhân.")
    if duplicate.personal_number and kept.personal_number:
        raise MergeRefusedError("Hai hồ sơ có hai số định danh khác nhau: đó là hai người.")
    if duplicate.personal_number:
        raise MergeRefusedError("Hãy giữ lại hồ sơ có số định danh cá nhân và gộp hồ sơ kia vào.")
    if kept.born_on and duplicate.born_on and kept.born_on != duplicate.born_on:
        raise MergeRefusedError("Hai hồ sơ có ngày sinh khác nhau; không gộp.")


def check_same_person(person: Person, full_name: str, born_on: date | None) -> None:
    if fold(full_name) != fold(person.full_name):
        raise IdentityMismatchError(f"Hồ sơ {mask_number(person.personal_number) or ''} mang họ tên "
                                    f"'{person.full_name}', khác với '{clean_name(full_name)}'.", "full_name")
    if born_on and person.born_on and born_on != person.born_on:
        raise IdentityMismatchError(f"Ngày sinh khác với ngày sinh trong hồ sơ của {person.full_name}.", "born_on")


class IdentityMismatchError(HistoryError):
    """Raised when details given for a known person contradict the record; `field` names which."""

    def __init__(self, message: str, field: str) -> None:
        self.field = field
        super().__init__(message)


class RecordMergedError(HistoryError):
    def __init__(self, record_id: UUID, into: UUID) -> None:
        self.details = {"record_id": str(record_id), "merged_into": str(into)}
        super().__init__(f"Hồ sơ {record_id} đã được gộp vào hồ sơ {into}; hãy ghi vào hồ sơ đó.")


class MergeRefusedError(HistoryError):
    """Raised when two records cannot be merged."""


class MergeConflictError(HistoryError):
    def __init__(self, conflicts: list[dict[str, Any]]) -> None:
        self.details = {"conflicts": [{"key": c["existing"]["key"]} for c in conflicts]}
        keys = ", ".join(c["existing"]["key"] for c in conflicts)
        super().__init__(f"Hai hồ sơ ghi khác nhau về: {keys}. Hãy sửa cho thống nhất rồi gộp.")


class ConflictingFactError(HistoryError):
    def __init__(self, existing: Fact, new: Fact) -> None:
        self.details = {"key": existing["key"], "existing": _shown(existing), "given": _shown(new)}
        super().__init__(f"Hồ sơ đã ghi khác cho '{existing['key']}'; muốn sửa thì phải nêu lý do (correction_reason).")


class FactNotForSubjectError(HistoryError):
    """Raised when a fact does not apply to this kind of record."""


def _meta(fact: Fact) -> dict[str, Any]:
    return {k: fact.get(k) for k in kinds.META}


def _shown(value: Any) -> Any:
    """JSON-ready (dates as ISO strings), for error details."""
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items() if k not in ("by", "at")}
    return value.isoformat() if isinstance(value, date) else value
