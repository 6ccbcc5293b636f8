"""A person's or a collective's record: deterministic ids, facts recorded once whatever the
caller, corrections with a reason, decisions of the system, merging duplicates."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from services.nomination.application import Nominations
from services.nomination.history import factkinds as kinds
from services.nomination.history.application import FactNotFoundError, History, RecordNotFoundError
from services.nomination.history.domainmodel import (
    ConflictingFactError,
    FactNotForSubjectError,
    IdentityMismatchError,
    MergeConflictError,
    MergeRefusedError,
    Person,
    PersonAlias,
    RecordMergedError,
)
from services.nomination.history.identity import IdentityRequiredError, key_id, number_id
from tests.unit.nomination.history.support import NOW

A: dict[str, Any] = {"personal_number": "004085000123", "full_name": "Nguyễn Văn A", "born_on": date(1985, 3, 5),
                     "sex": "nam", "unit_code": "SNV"}
B: dict[str, Any] = {"personal_number": None, "full_name": "Hoàng Thị Bích", "born_on": date(1990, 11, 20),
                     "sex": "nu", "unit_code": "SNV"}


def create(history: History, details: dict[str, Any]) -> UUID:
    record_id, _ = history.find_or_create_person(**details, by="clerk", now=NOW)
    return record_id


def events(app: Nominations) -> int:
    return app.recorder.max_notification_id() or 0


def test_a_person_is_found_again_by_number_or_by_name_birth_date_and_unit(history: History) -> None:
    a_id, created = history.find_or_create_person(**A, by="clerk", now=NOW)
    assert (a_id, created) == (number_id("004085000123"), True)
    assert history.find_or_create_person(**A, by="other", now=NOW) == (a_id, False)
    b_id = create(history, B)
    assert b_id == key_id("Hoàng Thị Bích", date(1990, 11, 20), "SNV")
    assert create(history, {**B, "full_name": "HOANG THI BICH"}) == b_id
    assert create(history, {**A, "personal_number": None, "full_name": "Nguyen Van A"}) == a_id


def test_a_person_needs_a_number_or_a_birth_date(history: History) -> None:
    with pytest.raises(IdentityRequiredError):
        create(history, {**B, "born_on": None})


def test_a_known_number_with_another_name_or_birth_date_is_refused(history: History, app: Nominations) -> None:
    create(history, A)
    before = events(app)
    with pytest.raises(IdentityMismatchError, match="mang họ tên 'Nguyễn Văn A'"):
        create(history, {**A, "full_name": "Trần Văn B"})
    with pytest.raises(IdentityMismatchError, match="Ngày sinh"):
        create(history, {**A, "born_on": date(1985, 3, 6)})
    assert events(app) == before


def test_the_same_fact_twice_changes_nothing_whatever_its_source(history: History, app: Nominations) -> None:
    a_id = create(history, A)
    assert history.record_fact(a_id, kinds.rating(2024, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
    before = events(app)
    assert not history.record_fact(a_id, kinds.rating(2024, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
    assert not history.record_fact(a_id, kinds.rating(2024, "HTXSNV"), source=kinds.import_source("x.xlsx", "ab", 7),
                                   by="d", now=NOW)
    assert events(app) == before
    assert [f["key"] for f in history.get(a_id).facts.values()] == ["rating/2024"]


def test_a_different_value_needs_a_correction_reason(history: History) -> None:
    a_id = create(history, A)
    history.record_fact(a_id, kinds.rating(2024, "HTTNV"), source=kinds.manual_source(), by="c", now=NOW)
    with pytest.raises(ConflictingFactError) as error:
        history.record_fact(a_id, kinds.rating(2024, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
    assert error.value.details["existing"]["rating"] == "HTTNV"
    assert history.get(a_id).facts["rating/2024"]["rating"] == "HTTNV"
    history.record_fact(a_id, kinds.rating(2024, "HTXSNV"), source=kinds.manual_source("12/QĐ-SNV"), by="c", now=NOW,
                        reason="Đánh giá lại theo Quyết định 12/QĐ-SNV")
    fact = history.get(a_id).facts["rating/2024"]
    assert (fact["rating"], fact["reason"]) == ("HTXSNV", "Đánh giá lại theo Quyết định 12/QĐ-SNV")


def test_an_award_without_its_decision_number_is_completed_not_doubled(history: History) -> None:
    a_id = create(history, A)
    source = kinds.manual_source()
    history.record_fact(a_id, kinds.award("BKT", 2023), source=source, by="c", now=NOW)
    assert history.record_fact(a_id, kinds.award("BKT", 2023, "163/QĐ-UBND", date(2024, 1, 15)), source=source,
                               by="c", now=NOW)
    assert not history.record_fact(a_id, kinds.award("BKT", 2023), source=source, by="c", now=NOW)
    awards = [f for f in history.get(a_id).facts.values() if f["kind"] == "award"]
    assert [(f["code"], f["decision_ref"]) for f in awards] == [("BKT", "163/QĐ-UBND")]


def test_the_same_form_of_award_by_two_decisions_is_two_awards(history: History) -> None:
    a_id = create(history, A)
    for ref in ("163/QĐ-UBND", "201/QĐ-UBND"):
        history.record_fact(a_id, kinds.award("BKT", 2023, ref, basis="chuyen_de"), source=kinds.manual_source(),
                            by="c", now=NOW)
    assert len([f for f in history.get(a_id).facts.values() if f["kind"] == "award"]) == 2


def test_a_decision_of_the_system_is_recorded_once(history: History, app: Nominations) -> None:
    a_id = create(history, A)
    assert history.record_decided_award(a_id, "CSTDCS", 2024, "163/QĐ-UBND", date(2025, 1, 15), "cong_trang", at=NOW)
    before = events(app)
    assert not history.record_decided_award(str(a_id), "CSTDCS", 2024, "163/QĐ-UBND", date(2025, 1, 15), at=NOW)
    assert not history.record_decided_award("004085000123", "CSTDCS", 2024, "163/ QĐ-UBND", date(2025, 1, 15), at=NOW)
    assert events(app) == before
    title = history.get(a_id).facts["title/2024/CSTDCS"]
    assert title["source"] == {"kind": "decision", "decision_ref": "163/QĐ-UBND", "decided_on": date(2025, 1, 15)}


def test_a_collective_is_found_by_its_unit_code(history: History) -> None:
    c_id, created = history.find_or_create_collective(unit_code="snv", name="Sở Nội vụ", by="c", now=NOW)
    assert created
    assert history.find_or_create_collective(unit_code="SNV", name="Sở Nội vụ", by="c", now=NOW) == (c_id, False)
    assert history.record_decided_award("SNV", "TTLDXS", 2024, "88/QĐ-UBND", date(2025, 2, 1), at=NOW)
    assert "title/2024/TTLDXS" in history.get(c_id).facts


def test_members_counts_belong_to_collectives_only(history: History) -> None:
    a_id = create(history, A)
    with pytest.raises(FactNotForSubjectError):
        history.record_fact(a_id, kinds.members(2024, 10, {}, {}, 0), source=kinds.manual_source(), by="c", now=NOW)


def test_a_revoked_award_stays_in_the_record_marked_revoked(history: History) -> None:
    a_id = create(history, A)
    history.record_decided_award(a_id, "BKT", 2024, "163/QĐ-UBND", date(2025, 1, 15), at=NOW)
    with pytest.raises(FactNotFoundError):
        _revoke(history, a_id, "999/QĐ-UBND")
    assert _revoke(history, a_id, "163/QĐ-UBND")
    assert not _revoke(history, a_id, "163/QĐ-UBND")
    [award] = [f for f in history.get(a_id).facts.values() if f["kind"] == "award"]
    assert (award["revoked_on"], award["revocation_ref"]) == (date(2025, 6, 1), "40/QĐ-UBND")


def _revoke(history: History, record_id: UUID, decision_ref: str) -> bool:
    from services.nomination.history.session import Session

    session = Session(history.app)
    changed = history.revoked_award(session, record_id, "BKT", 2024, decision_ref, date(2025, 6, 1), "40/QĐ-UBND",
                                    by="system", at=NOW)
    session.save()
    return changed


def test_an_unknown_record_is_not_found(history: History) -> None:
    with pytest.raises(RecordNotFoundError):
        history.get(number_id("004085000999"))


class TestMerge:
    def given_two_records_of_one_person(self, history: History) -> tuple[UUID, UUID]:
        kept = create(history, A)
        duplicate = create(history, {**A, "personal_number": None, "unit_code": "SYT"})
        for record_id in (kept, duplicate):
            history.record_fact(record_id, kinds.rating(2023, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
        history.record_fact(duplicate, kinds.rating(2022, "HTTNV"), source=kinds.manual_source(), by="c", now=NOW)
        history.record_fact(duplicate, kinds.award("GK", 2022), source=kinds.manual_source(), by="c", now=NOW)
        return kept, duplicate

    def test_facts_are_folded_in_once_and_the_duplicate_leads_to_the_kept_record(self, history: History) -> None:
        kept, duplicate = self.given_two_records_of_one_person(history)
        assert history.merge(kept, duplicate, by="appraiser", now=NOW) == kept
        facts = history.get(kept).facts
        assert sorted(facts) == ["award/GK/2022/-", "rating/2022", "rating/2023"]
        assert facts["rating/2022"]["source"] == {"kind": "manual", "document": None}
        assert history.get(duplicate).id == kept
        assert history.get(kept).merged_from == [duplicate]

    def test_a_fact_recorded_through_the_duplicates_id_lands_in_the_kept_record(self, history: History) -> None:
        kept, duplicate = self.given_two_records_of_one_person(history)
        history.merge(kept, duplicate, by="appraiser", now=NOW)
        history.record_fact(duplicate, kinds.rating(2024, "HTTNV"), source=kinds.manual_source(), by="c", now=NOW)
        assert "rating/2024" in history.get(kept).facts

    def test_the_merged_aggregate_itself_refuses_new_facts(self, history: History, app: Nominations) -> None:
        kept, duplicate = self.given_two_records_of_one_person(history)
        history.merge(kept, duplicate, by="appraiser", now=NOW)
        stale: Person = app.repository.get(duplicate)
        with pytest.raises(RecordMergedError):
            stale.record(kinds.rating(2024, "HTTNV"), source=kinds.manual_source(), by="c", at=NOW)

    def test_contradicting_records_are_not_merged(self, history: History, app: Nominations) -> None:
        kept, duplicate = self.given_two_records_of_one_person(history)
        history.record_fact(kept, kinds.rating(2022, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
        before = events(app)
        with pytest.raises(MergeConflictError) as error:
            history.merge(kept, duplicate, by="appraiser", now=NOW)
        assert error.value.details == {"conflicts": [{"key": "rating/2022"}]}
        assert events(app) == before

    def test_the_record_with_the_number_is_the_one_kept(self, history: History) -> None:
        kept, duplicate = self.given_two_records_of_one_person(history)
        with pytest.raises(MergeRefusedError, match="Hãy giữ lại hồ sơ có số định danh"):
            history.merge(duplicate, kept, by="appraiser", now=NOW)

    def test_two_numbers_are_two_people(self, history: History) -> None:
        other = create(history, {**A, "personal_number": "004085000124", "full_name": "Nguyễn Văn C"})
        with pytest.raises(MergeRefusedError, match="hai người"):
            history.merge(create(history, A), other, by="appraiser", now=NOW)


def test_a_record_without_number_is_folded_into_the_person_when_the_number_becomes_known(history: History) -> None:
    # a clerk recorded Ms Bích without her number
    key_record = create(history, B)
    history.record_fact(key_record, kinds.rating(2023, "HTXSNV"), source=kinds.manual_source(), by="c", now=NOW)
    # later she is registered with her number
    numbered = create(history, {**B, "personal_number": "004190000321"})
    assert numbered == number_id("004190000321")
    assert "rating/2023" in history.get(numbered).facts
    assert history.get(key_record).id == numbered
    assert create(history, B) == numbered


def test_a_registered_person_answers_to_its_key_through_an_alias(history: History, app: Nominations) -> None:
    numbered = create(history, A)
    alias: PersonAlias = app.repository.get(key_id(A["full_name"], A["born_on"], "SNV"))
    assert alias.target == numbered
    assert isinstance(history.get(alias.id), Person)


def test_a_date_of_birth_learnt_later_is_completed(history: History) -> None:
    a_id = create(history, {**A, "born_on": None, "sex": None})
    assert create(history, A) == a_id
    person = history.get(a_id)
    assert isinstance(person, Person)
    assert (person.born_on, person.sex) == (date(1985, 3, 5), "nam")
