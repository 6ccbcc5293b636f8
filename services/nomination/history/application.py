"""Use cases of the award history, on the nomination service's one Application.

Every use case works in a `Session`: the records it touches, each loaded once (following
aliases and merge links), saved together in one transaction. The dossier workflow can use the
same session methods (`person`, `decided_award`, `revoked_award`) and save what they changed
with its own aggregates (see `port.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

from eventsourcing.application import Application

from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.eligibility.facts import NomineeFacts
from services.nomination.history import factkinds as kinds
from services.nomination.history.config import HistoryConfig, history_config
from services.nomination.history.domainmodel import (
    Collective,
    MergeConflictError,
    Person,
    PersonAlias,
    Record,
    check_same_person,
)
from services.nomination.history.factkinds import Fact, MovementRef
from services.nomination.history.facts import facts_for
from services.nomination.history.identity import (
    HistoryError,
    IdentityRequiredError,
    check_unit_code,
    collective_id,
    number_id,
)
from services.nomination.history.importer import Sheet
from services.nomination.history.loader import ImportReport, SheetLoader
from services.nomination.history.pid import check_personal_number
from services.nomination.history.privacy import history_logger, mask_number, may_see_full
from services.nomination.history.session import Session

log = history_logger(__name__)

# Who writes a person's or a collective's record: these roles for any unit's, a unit's clerk
# for the unit's own (the history's command table).
WRITERS: frozenset[Role] = frozenset({Role.APPRAISER})
WRITERS_OF_OWN_UNIT: frozenset[Role] = frozenset({Role.UNIT_CLERK})


# Who reads people's records (names, personal numbers, histories): the roles whose work needs
# every unit's, a unit's clerk the people of the unit's own; nobody else, even masked.
PEOPLE_READERS: frozenset[Role] = frozenset({Role.APPRAISER, Role.COUNCIL_SECRETARY, Role.AUDITOR})
PEOPLE_READERS_OF_OWN_UNIT: frozenset[Role] = frozenset({Role.UNIT_CLERK})


def people_scope(actor: Principal, unit: str | None) -> str | None:
    """The unit a search or a read of people's records is limited to (None: every unit)."""
    if actor.has_any(PEOPLE_READERS):
        return unit
    if not actor.roles & PEOPLE_READERS_OF_OWN_UNIT or actor.unit is None:
        raise ForbiddenError("Chỉ chuyên viên thẩm định, thư ký Hội đồng, kiểm tra viên hoặc cán bộ TĐKT của "
                             "đơn vị được xem hồ sơ cá nhân.")
    if unit is not None and unit != actor.unit:
        raise ForbiddenError(f"Chỉ xem được hồ sơ cá nhân của đơn vị mình ({actor.unit}), không xem được của {unit}.")
    return actor.unit


def check_may_write(actor: Principal, unit_code: str) -> None:
    if actor.has_any(WRITERS) or (actor.roles & WRITERS_OF_OWN_UNIT and actor.unit == unit_code.strip().upper()):
        return
    raise ForbiddenError("Chỉ chuyên viên Ban TĐKT hoặc cán bộ TĐKT của chính đơn vị được ghi hồ sơ này.")


class History:
    def __init__(self, app: Application[UUID], config: HistoryConfig | None = None) -> None:
        self.app = app
        self.config = config or history_config()

    # -- people and collectives ----------------------------------------------------------
    def find_or_create_person(self, **details: Any) -> tuple[UUID, bool]:
        """By personal number, or by name + date of birth + unit; (id, created)."""
        session = Session(self.app)
        person, created = self.person(session, **details)
        session.save()
        return person.id, created

    def open_record(self, actor: Principal, kind: Literal["person", "collective"], details: dict[str, Any],
                    now: datetime) -> tuple[UUID, bool]:
        """Find or create a person's or a collective's record for `actor`, who must write the
        records of its unit; (id, created)."""
        check_may_write(actor, str(details.get("unit_code") or ""))
        find = self.find_or_create_person if kind == "person" else self.find_or_create_collective
        return find(**details, by=actor.subject, now=now)

    def person(self, session: Session, *, personal_number: str | None, full_name: str, born_on: date | None,
               sex: str | None, unit_code: str, by: str, now: datetime) -> tuple[Person, bool]:
        rules = self.config.pid
        number = check_personal_number(personal_number, rules, born_on, sex) if personal_number else None
        if number is None and born_on is None:
            raise IdentityRequiredError()
        found = session.follow(Person.create_id(number, full_name, born_on, check_unit_code(unit_code)))
        if isinstance(found, Person):
            check_same_person(found, full_name, born_on)
            if found.complete(born_on=born_on, sex=sex, rules=rules, by=by, at=now):
                self._link_key(session, found, by, now)
            return found, False
        person = Person.register(personal_number=number, full_name=full_name, born_on=born_on, sex=sex,
                                 unit_code=unit_code, rules=rules, by=by, at=now)
        session.add(person)
        self._link_key(session, person, by, now)
        log.info("new person record %s (%s, unit %s)", person.id, mask_number(number) or "no number", person.unit_code)
        return person, True

    def _link_key(self, session: Session, person: Person, by: str, now: datetime) -> None:
        """Let the person's name + date of birth + unit find them; fold in a record kept under it."""
        if not person.personal_number:  # before `key`: a keyed hash per row of a big upload
            return
        key = person.key
        if key is None:
            return
        found = session.find(key)
        if found is None:
            session.add(PersonAlias(key=key, target=person.id))
        elif isinstance(found, Person) and not found.personal_number and found.merged_into is None:
            # on a conflict both records stay; a clerk merges them after reconciling (POST /people/{id}/merge)
            with contextlib.suppress(MergeConflictError):
                person.absorb(found, by=by, at=now)

    def find_or_create_collective(self, **details: Any) -> tuple[UUID, bool]:
        session = Session(self.app)
        collective, created = self.collective(session, **details)
        session.save()
        return collective.id, created

    def collective(self, session: Session, *, unit_code: str, name: str, subject_kind: str = "tap_the",
                   by: str, now: datetime) -> tuple[Collective, bool]:
        found = session.follow(collective_id(check_unit_code(unit_code)))
        if isinstance(found, Collective):
            return found, False
        collective = Collective.register(unit_code=unit_code, name=name, subject_kind=subject_kind, by=by, at=now)
        session.add(collective)
        return collective, True

    # -- facts ---------------------------------------------------------------------------
    def record_fact(self, record_id: UUID, fact: Fact, *, source: dict[str, Any], by: str, now: datetime,
                    reason: str | None = None) -> bool:
        """Record one fact; False when the record already holds it."""
        session = Session(self.app)
        changed = self.resolve(session, record_id).record(fact, source=source, by=by, at=now, reason=reason)
        session.save()
        return changed

    def record_fact_as(self, actor: Principal, record_id: UUID, fact: Fact, *, source: dict[str, Any],
                       now: datetime, reason: str | None = None) -> tuple[UUID, bool]:
        """Record one fact given by `actor`, who must write the record's unit; (record id, recorded)."""
        record = self.get(record_id)
        check_may_write(actor, record.unit_code)
        return record.id, self.record_fact(record.id, fact, source=source, by=actor.subject, now=now, reason=reason)

    def merge(self, keep_id: UUID, duplicate_id: UUID, *, by: str, now: datetime) -> UUID:
        session = Session(self.app)
        kept = self.resolve(session, keep_id)
        kept.absorb(self.resolve(session, duplicate_id), by=by, at=now)
        session.save()
        return kept.id

    def record_decided_award(self, ref: UUID | str, code: str, year: int, decision_ref: str, decided_on: date,
                             basis: str = "cong_trang", *, by: str = "system", at: datetime | None = None,
                             movement: MovementRef | None = None) -> bool:
        """An award decided in the system, added to the nominee's record (idempotent on the decision)."""
        session = Session(self.app)
        changed = self.decided_award(session, ref, code, year, decision_ref, decided_on, basis, by=by,
                                     at=at or datetime.now(UTC), movement=movement)
        session.save()
        return changed

    def decided_award(self, session: Session, ref: UUID | str, code: str, year: int, decision_ref: str,
                      decided_on: date, basis: str = "cong_trang", *, by: str, at: datetime,
                      movement: MovementRef | None = None) -> bool:
        """As `record_decided_award`, without saving: the caller saves `session.changes()`."""
        fact = self.decided_fact(code, year, decision_ref, decided_on, basis, movement)
        source = kinds.decision_source(decision_ref, decided_on)
        return self.by_ref(session, ref).record(fact, source=source, by=by, at=at)

    def decided_fact(self, code: str, year: int, decision_ref: str | None, decided_on: date | None,
                     basis: str, movement: MovementRef | None = None) -> Fact:
        """A danh hiệu is a title held in the year; every other code is a form of award. Either keeps
        the movement a thematic or ad hoc one was for."""
        movement_id, name = movement or (None, None)
        fact = kinds.title if self.config.is_title(kinds.check_code(code)) else kinds.award
        return fact(code=code, year=year, decision_ref=decision_ref, decided_on=decided_on, basis=basis,
                    movement_id=movement_id, movement=name)

    def revoked_award(self, session: Session, ref: UUID | str, code: str, year: int, decision_ref: str,
                      revoked_on: date, revocation_ref: str | None = None, *, by: str, at: datetime) -> bool:
        """Mark a decided title or award as revoked, without saving."""
        record = self.by_ref(session, ref)
        wanted = self.decided_fact(code, year, decision_ref, None, "cong_trang")
        fact = record.facts.get(wanted["key"])
        if fact is None or (fact["decision_ref"] or "").upper() != (wanted["decision_ref"] or "").upper():
            raise FactNotFoundError(code, year, decision_ref)
        new = kinds.revoked(fact, revoked_on, revocation_ref)
        source = kinds.decision_source(new["revocation_ref"], revoked_on)
        return record.record(new, source=source, by=by, at=at)

    # -- reading -------------------------------------------------------------------------
    def get(self, record_id: UUID) -> Record:
        return self.resolve(Session(self.app), record_id)

    def details(self, record_id: UUID) -> dict[str, Any]:
        """The whole record, unmasked (the HTTP layer masks it for those not entitled)."""
        return record_details(self.get(record_id))

    def person_record(self, record_id: UUID) -> dict[str, Any]:
        """A person's whole record, unmasked."""
        record = self.details(record_id)
        if record["kind"] != "person":
            raise RecordNotFoundError(record_id)
        return record

    def person_for(self, actor: Principal, record_id: UUID) -> tuple[dict[str, Any], bool]:
        """A person's record for `actor`, who reads the people of its unit (or of every unit), and
        whether `actor` may see it unmasked."""
        record = self.person_record(record_id)
        people_scope(actor, record["unit_code"])
        return record, may_see_full(actor.roles, actor.unit, record["unit_code"])

    def nominee_facts(self, ref: UUID | str, attestations: Iterable[str] = (),
                      dossier_facts: Mapping[str, bool] | None = None) -> NomineeFacts:
        return facts_for(self.by_ref(Session(self.app), ref), attestations, dossier_facts)

    def resolve(self, session: Session, record_id: UUID) -> Record:
        found = session.follow(record_id)
        if found is None:
            raise RecordNotFoundError(record_id)
        return found

    def by_ref(self, session: Session, ref: UUID | str) -> Record:
        """A record id (UUID or its text), a 12-digit personal number, or a unit code."""
        return self.resolve(session, ref_id(ref))

    def import_sheet(self, sheet: Sheet, *, by: str, now: datetime, **options: Any) -> ImportReport:
        """Save the valid rows of a checked sheet, in batches (see `loader.py`)."""
        return SheetLoader(self).run(sheet, by=by, now=now, **options)


def ref_id(ref: UUID | str) -> UUID:
    if isinstance(ref, UUID):
        return ref
    text = str(ref).strip()
    try:
        return UUID(text)
    except ValueError:
        pass
    digits = "".join(text.split())
    return number_id(digits) if digits.isdigit() else collective_id(check_unit_code(text))


def record_details(record: Record) -> dict[str, Any]:
    common = {"id": record.id, "version": record.version, "merged_from": list(record.merged_from),
              "facts": sorted(record.facts.values(), key=_fact_order)}
    if isinstance(record, Person):
        return {"kind": "person", "personal_number": record.personal_number, "full_name": record.full_name,
                "born_on": record.born_on, "sex": record.sex, "unit_code": record.unit_code, **common}
    assert isinstance(record, Collective)
    return {"kind": "collective", "unit_code": record.unit_code, "name": record.name,
            "subject_kind": record.subject_kind, **common}


def _fact_order(fact: Fact) -> tuple[Any, ...]:
    return (fact.get("year") or 0, fact["kind"], fact["key"])


class RecordNotFoundError(HistoryError):
    def __init__(self, record_id: UUID) -> None:
        super().__init__(f"Không tìm thấy hồ sơ {record_id}.")


class FactNotFoundError(HistoryError):
    def __init__(self, code: str, year: int, decision_ref: str) -> None:
        super().__init__(f"Hồ sơ không có {code} năm {year} theo quyết định {decision_ref}.")
