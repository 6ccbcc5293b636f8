"""The history as the dossier workflow uses it: records handed back unsaved, so a decision
and the history it adds are saved in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.nomination.application import Nominations
from services.nomination.history.domainmodel import Person
from services.nomination.history.identity import number_id
from services.nomination.history.port import DossierHistory
from services.nomination.history.session import Known
from tests.unit.nomination.history.support import NOW

NOMINEE = {"name": "Nguyễn Văn A", "id_number": "004085000123", "date_of_birth": "1985-03-05", "gender": "nam",
           "unit_code": "SNV", "position": "Chuyên viên", "deceased": False}


def test_a_new_nominee_is_resolved_to_an_unsaved_record_and_a_masked_snapshot(app: Nominations) -> None:
    port = DossierHistory(app, clock=lambda: NOW)
    snapshot, records = port.resolve("ca_nhan", NOMINEE, "clerk")
    assert snapshot == {"kind": "ca_nhan", "ref": str(number_id("004085000123")), "name": "Nguyễn Văn A",
                        "unit_code": "SNV", "masked_id": "004******123", "position": "Chuyên viên", "deceased": False,
                        "gender": "nam"}  # from the record: the priority group of women counts on it
    assert app.recorder.max_notification_id() is None  # nothing saved yet
    app.save(*records)
    assert port.resolve("ca_nhan", NOMINEE, "clerk")[1] == []


def test_a_decision_and_a_revocation_hand_back_the_changed_record(app: Nominations) -> None:
    port = DossierHistory(app, clock=lambda: NOW)
    snapshot, records = port.resolve("ca_nhan", NOMINEE, "clerk")
    app.save(*records)
    app.save(*port.decided(snapshot, "BKT", 2024, "163/QĐ-UBND", date(2025, 1, 15), "cong_trang"))
    assert port.decided(snapshot, "BKT", 2024, "163/QĐ-UBND", date(2025, 1, 15), "cong_trang") == []
    facts = port.facts(snapshot)
    assert facts is not None and [a.code for a in facts.awards] == ["BKT"]
    app.save(*port.revoked(snapshot, "BKT", 2024, "163/QĐ-UBND", date(2025, 6, 1)))
    facts = port.facts(snapshot)
    assert facts is not None and facts.awards == ()


def test_collectives_are_resolved_by_unit_code_and_households_have_no_record(app: Nominations) -> None:
    port = DossierHistory(app, clock=lambda: NOW)
    snapshot, records = port.resolve("tap_the", {"name": "Sở Nội vụ", "unit_code": "SNV"}, "clerk")
    assert (snapshot["name"], snapshot["masked_id"], len(records)) == ("Sở Nội vụ", None, 1)
    household, nothing = port.resolve("ho_gia_dinh", {"name": "Hộ ông Nông Văn B", "unit_code": "XA1"}, "clerk")
    assert (household["ref"], nothing) == (None, [])
    assert port.decided(household, "GDVH", 2024, "5/QĐ-UBND", date(2025, 1, 5), "cong_trang") == []


def test_nominees_read_ahead_resolve_as_they_do_one_by_one(app: Nominations) -> None:
    port = DossierHistory(app, clock=lambda: NOW)
    known = {**NOMINEE, "gender": None}
    app.save(*port.resolve("ca_nhan", known, "clerk")[1])  # stored without sex: the next row completes it
    app.save(*port.resolve("tap_the", {"name": "Sở Nội vụ", "unit_code": "SNV"}, "clerk")[1])
    by_key = {"name": "Nguyễn Văn A", "date_of_birth": "1985-03-05", "unit_code": "SNV"}  # through the alias
    nominees: list[tuple[str, dict[str, Any]]] = [
        ("ca_nhan", NOMINEE), ("ca_nhan", by_key),
        ("ca_nhan", {"name": "Lò Thị C", "unit_code": "SNV", "date_of_birth": "1990-01-02"}),
        ("tap_the", {"name": "Sở Nội vụ", "unit_code": "SNV"}),
        ("ho_gia_dinh", {"name": "Hộ ông Nông Văn B", "unit_code": "XA1"}),
        ("ca_nhan", {"name": "Không ngày sinh", "unit_code": "SNV"}), ("ca_nhan", NOMINEE)]

    def outcomes(ahead: Known | None) -> list[Any]:
        found: list[object] = []
        for kind, data in nominees:
            try:
                snapshot, records = port.resolve(kind, data, "clerk", ahead)
            except ValueError as error:
                found.append(str(error))
            else:
                found.append((snapshot, [(r.id, [type(e).__name__ for e in r.pending_events]) for r in records]))
        return found

    ahead = port.read_ahead(nominees)
    one_by_one = outcomes(None)
    assert outcomes(ahead) == one_by_one
    assert one_by_one[0][1] == [(number_id("004085000123"), ["DetailsCompleted"])]
    assert outcomes(ahead) == outcomes(ahead)  # each resolve takes a copy: the records read stay as stored
    stored = ahead.read[number_id("004085000123")]
    assert isinstance(stored, Person) and stored.sex is None
