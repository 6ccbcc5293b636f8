"""`facts_for` builds the eligibility engine's NomineeFacts from a record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.nomination.eligibility.facts import (
    AwardRecord,
    Confirmation,
    Innovation,
    MembersYear,
    Rating,
    Standing,
    YearRecord,
)
from services.nomination.history import factkinds as kinds
from services.nomination.history.application import History
from services.nomination.history.domainmodel import Collective, FactNotForSubjectError, Person, RecordMergedError
from services.nomination.history.facts import facts_for
from services.nomination.history.pid import PidRules
from tests.unit.nomination.history.support import NOW

SOURCE = kinds.manual_source()


def person(rules: PidRules) -> Person:
    return Person.register(personal_number="004085000123", full_name="Nguyễn Văn A", born_on=date(1985, 3, 5),
                           sex="nam", unit_code="SNV", rules=rules, by="c", at=NOW)


def record(target: Person | Collective, *facts: kinds.Fact) -> None:
    for fact in facts:
        target.record(fact, source=SOURCE, by="c", at=NOW)


def test_years_innovations_and_awards_of_a_person(rules: PidRules) -> None:
    # the Bộ Nội vụ example of R9: 2023 HTXSNV + 1 sáng kiến, 2024 HTXSNV + 1 sáng kiến + CSTĐCS
    nominee = person(rules)
    record(nominee, kinds.rating(2023, "HTXSNV"), kinds.rating(2024, "HTXSNV"),
           kinds.innovation(2023, "co_so", "sang_kien", "Số hóa hồ sơ thi đua", "Giám đốc Sở Nội vụ", "5/QĐ-SNV"),
           kinds.innovation(2024, "co_so", "sang_kien", "Phần mềm chấm điểm khối thi đua"),
           kinds.title(2024, "CSTDCS", "163/QĐ-UBND", date(2025, 1, 15)),
           kinds.award("GK", 2022, "7/QĐ-SNV", basis="dot_xuat"))
    facts = facts_for(nominee, attestations={"doan_ket"}, dossier_facts={"cluster_leader": False})
    assert facts.subject_kind == "ca_nhan"
    assert facts.years == {
        2023: YearRecord(2023, Rating.HTXSNV, frozenset()),
        2024: YearRecord(2024, Rating.HTXSNV, frozenset({"CSTDCS"})),
    }
    assert facts.innovations == (
        Innovation(2023, "co_so", "sang_kien", "Số hóa hồ sơ thi đua", "Giám đốc Sở Nội vụ", "5/QĐ-SNV"),
        Innovation(2024, "co_so", "sang_kien", "Phần mềm chấm điểm khối thi đua"),
    )
    assert facts.awards == (
        AwardRecord("GK", 2022, None, "7/QĐ-SNV", "dot_xuat"),
        AwardRecord("CSTDCS", 2024, date(2025, 1, 15), "163/QĐ-UBND", "cong_trang"),
    )
    assert (facts.attestations, facts.dossier) == (frozenset({"doan_ket"}), {"cluster_leader": False})


def test_awards_are_known_from_the_records_first_year_unless_the_province_says_otherwise(rules: PidRules) -> None:
    nominee = person(rules)
    assert facts_for(nominee).awards_known_from is None
    record(nominee, kinds.rating(2021, "HTTNV"), kinds.award("GK", 2023, "7/QĐ-SNV"))
    assert facts_for(nominee).awards_known_from == 2021
    assert facts_for(nominee, awards_known_from=2015).awards_known_from == 2015
    assert facts_for(nominee, awards_known_from=None).awards_known_from is None


def test_revoked_titles_and_awards_are_left_out(rules: PidRules) -> None:
    nominee = person(rules)
    title = kinds.title(2024, "CSTDCS", "163/QĐ-UBND", date(2025, 1, 15))
    record(nominee, kinds.rating(2024, "HTXSNV"), title, kinds.revoked(title, date(2025, 6, 1), "40/QĐ-UBND"))
    facts = facts_for(nominee)
    assert facts.awards == ()
    assert facts.years[2024].titles == frozenset()


def test_standing_is_unknown_without_cases_and_pending_while_one_is_open(rules: PidRules) -> None:
    nominee = person(rules)
    assert facts_for(nominee).standing == Standing()
    record(nominee, kinds.case("ky_luat", "KL-01/2025", date(2025, 2, 1)), kinds.case("khieu_nai", "Đơn 12"))
    standing = facts_for(nominee).standing
    assert (standing.discipline_pending, standing.complaint_pending, standing.investigation_pending) == \
        (True, True, None)


def test_a_closed_discipline_gives_the_date_achievements_count_from(rules: PidRules) -> None:
    nominee = person(rules)
    record(nominee, kinds.case("ky_luat", "KL-01/2024", date(2024, 2, 1)),
           kinds.case("ky_luat", "KL-01/2024", closed_on=date(2024, 3, 1), outcome="Khiển trách",
                      discipline_until=date(2024, 9, 1)))
    standing = facts_for(nominee).standing
    # a closed case says nothing of today: only a confirmation states that nothing is pending
    assert (standing.discipline_pending, standing.discipline_ended_on) == (None, date(2024, 9, 1))


def document(confirmation: Confirmation | None) -> str | None:
    return confirmation.document if confirmation else None


def test_a_confirmation_states_that_nothing_is_pending_as_of_its_date(rules: PidRules) -> None:
    nominee = person(rules)
    record(nominee, kinds.standing(date(2026, 1, 5), "Trưởng phòng Tổ chức cán bộ", "12/XN-SNV"),
           kinds.standing(date(2025, 6, 1), "Thủ trưởng đơn vị", "3/XN-SNV", ["khieu_nai"]))
    standing = facts_for(nominee).standing
    assert standing.discipline_pending is None  # stated by the confirmation, not by a case
    assert standing.confirmations == (
        Confirmation(date(2025, 6, 1), "Thủ trưởng đơn vị", "3/XN-SNV", frozenset({"complaint_pending"})),
        Confirmation(date(2026, 1, 5), "Trưởng phòng Tổ chức cán bộ", "12/XN-SNV",
                     frozenset({"discipline_pending", "investigation_pending", "complaint_pending"})),
    )
    # the latest confirmation dated on or before the evaluation date is the one that counts
    assert document(standing.confirmation("complaint_pending", date(2025, 12, 1))) == "3/XN-SNV"
    assert standing.confirmation("discipline_pending", date(2025, 12, 1)) is None
    assert document(standing.confirmation("discipline_pending", date(2026, 1, 15))) == "12/XN-SNV"


def test_a_confirmation_needs_who_and_the_document(rules: PidRules) -> None:
    with pytest.raises(kinds.FactError, match="Văn bản xác nhận"):
        kinds.standing(date(2026, 1, 5), "Thủ trưởng đơn vị", " ")
    with pytest.raises(kinds.FactError, match="Người, cơ quan xác nhận"):
        kinds.standing(date(2026, 1, 5), "", "12/XN-SNV", not_dissolved=True)
    with pytest.raises(kinds.FactError, match="Loại vụ việc"):
        kinds.standing(date(2026, 1, 5), "Thủ trưởng đơn vị", "12/XN-SNV", ["ky_luat", "tham_nhung"])
    with pytest.raises(kinds.FactError, match="ít nhất một điều"):
        kinds.standing(date(2026, 1, 5), "Thủ trưởng đơn vị", "12/XN-SNV", [])
    with pytest.raises(kinds.FactError, match="chưa tới"):  # a confirmation speaks of a day that has come
        record(person(rules), kinds.standing(NOW.date() + timedelta(days=2), "Thủ trưởng đơn vị", "12/XN-SNV"))


def test_only_a_collective_is_confirmed_not_dissolved(rules: PidRules) -> None:
    with pytest.raises(FactNotForSubjectError):
        record(person(rules), kinds.standing(date(2026, 1, 5), "Sở Nội vụ", "20/XN-SNV", not_dissolved=True))
    unit = Collective.register(unit_code="SYT", name="Sở Y tế", subject_kind="tap_the", by="c", at=NOW)
    assert facts_for(unit).standing.unit_dissolved is None
    record(unit, kinds.standing(date(2026, 1, 5), "Sở Nội vụ", "20/XN-SNV", [], not_dissolved=True),
           kinds.standing(date(2026, 1, 6), "Giám đốc Sở Y tế", "21/XN-SYT"))
    standing = facts_for(unit).standing
    assert standing.unit_dissolved is None
    assert standing.confirmation("unit_dissolved", date(2026, 1, 15)) == \
        Confirmation(date(2026, 1, 5), "Sở Nội vụ", "20/XN-SNV", frozenset({"unit_dissolved"}))
    assert document(standing.confirmation("complaint_pending", date(2026, 1, 15))) == "21/XN-SYT"


def test_a_collective_brings_its_members_and_dissolution() -> None:
    unit = Collective.register(unit_code="SNV", name="Sở Nội vụ", subject_kind="tap_the", by="c", at=NOW)
    record(unit, kinds.rating(2024, "HTXSNV"),
           kinds.members(2024, 40, {"HTNV": 40, "HTTNV": 30}, {"LDTT": 30, "CSTDCS": 2}, 1, {"canh_cao": 0}),
           kinds.dissolved(date(2025, 7, 1), "15/QĐ-UBND"))
    facts = facts_for(unit)
    assert facts.subject_kind == "tap_the"
    assert facts.members == {2024: MembersYear(2024, 40, {Rating.HTNV: 40, Rating.HTTNV: 30},
                                               {"LDTT": 30, "CSTDCS": 2}, 1, {"canh_cao": 0})}
    assert facts.standing.unit_dissolved is True


def test_a_merged_record_gives_no_facts_of_its_own(history: History) -> None:
    kept, _ = history.find_or_create_person(personal_number="004085000123", full_name="Nguyễn Văn A",
                                            born_on=date(1985, 3, 5), sex="nam", unit_code="SNV", by="c", now=NOW)
    duplicate, _ = history.find_or_create_person(personal_number=None, full_name="Nguyễn Văn A",
                                                 born_on=date(1985, 3, 5), sex="nam", unit_code="SYT", by="c", now=NOW)
    history.merge(kept, duplicate, by="c", now=NOW)
    with pytest.raises(RecordMergedError):
        facts_for(history.app.repository.get(duplicate))
    assert history.nominee_facts(duplicate).subject_kind == "ca_nhan"
