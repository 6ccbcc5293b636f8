"""A thematic award or title decided for a movement stays in the nominee's record with the
movement's id and name, so guard G4 leaves it out of the công trạng chains and says which
movement it was for."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from services.nomination.application import Nominations
from services.nomination.eligibility import DEFAULT_RULES, evaluate, load_rules
from services.nomination.history import factkinds as kinds
from services.nomination.history.application import History
from services.nomination.history.config import history_config
from services.nomination.history.domainmodel import Record
from services.nomination.history.factkinds import FactError
from services.nomination.history.identity import key_id
from services.nomination.history.importer import read_sheet
from services.nomination.history.port import DossierHistory
from tests.unit.nomination.history.support import NOW, TODAY, row, xlsx

MOVEMENT = ("3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02", "Toàn dân bảo vệ an ninh Tổ quốc")
NOMINEE = {"name": "Nguyễn Văn A", "id_number": "004085000123", "date_of_birth": "1985-03-05", "gender": "nam",
           "unit_code": "SNV", "position": "Chuyên viên", "deceased": False}


def nominee(app: Nominations) -> tuple[DossierHistory, dict[str, Any]]:
    """The history port and the snapshot of a nominee whose record is saved."""
    port = DossierHistory(app, clock=lambda: NOW)
    snapshot, records = port.resolve("ca_nhan", NOMINEE, "clerk")
    app.save(*records)
    return port, snapshot


def test_a_thematic_award_keeps_its_movement_and_g4_names_it(app: Nominations) -> None:
    port, snapshot = nominee(app)
    app.save(*port.decided(snapshot, "BKT", 2019, "45/QĐ-UBND", date(2020, 1, 15), "chuyen_de", MOVEMENT))
    facts = port.facts(snapshot)
    assert facts is not None
    [award] = facts.awards
    assert (award.basis, award.movement_id, award.movement) == ("chuyen_de", *MOVEMENT)
    verdicts = {v.rule_id: v for v in evaluate(load_rules(DEFAULT_RULES), "BKTTG", 2025, facts, date(2026, 1, 15))}
    assert verdicts["R11"].outcome == "unknown"  # not counted; the record says nothing before 2019
    assert ("không tính BK tỉnh 2019 (khen chuyên đề, phong trào «Toàn dân bảo vệ an ninh Tổ quốc», theo G4)"
            in verdicts["R11"].reason)


def test_the_same_decision_again_adds_nothing_and_an_older_record_gains_the_movement(app: Nominations) -> None:
    port, snapshot = nominee(app)
    app.save(*port.decided(snapshot, "BKT", 2019, "45/QĐ-UBND", date(2020, 1, 15), "chuyen_de"))
    app.save(*port.decided(snapshot, "BKT", 2019, "45/QĐ-UBND", date(2020, 1, 15), "chuyen_de", MOVEMENT))
    assert port.decided(snapshot, "BKT", 2019, "45/QĐ-UBND", date(2020, 1, 15), "chuyen_de", MOVEMENT) == []
    facts = port.facts(snapshot)
    assert facts is not None and [(a.code, a.movement) for a in facts.awards] == [("BKT", MOVEMENT[1])]


def test_a_thematic_title_keeps_its_movement_like_an_award(app: Nominations) -> None:
    port, snapshot = nominee(app)
    app.save(*port.decided(snapshot, "CSTDCS", 2024, "12/QĐ-UBND", date(2025, 1, 10), "cong_trang"))
    app.save(*port.decided(snapshot, "CSTDT", 2025, "45/QĐ-UBND", date(2026, 1, 15), "chuyen_de", MOVEMENT))
    record: Record = app.repository.get(UUID(snapshot["ref"]))
    thematic, regular = record.facts["title/2025/CSTDT"], record.facts["title/2024/CSTDCS"]
    assert (thematic["basis"], thematic["movement_id"], thematic["movement"]) == ("chuyen_de", *MOVEMENT)
    assert not {"basis", "movement_id", "movement"} & set(regular)  # a regular title is written as before
    facts = port.facts(snapshot)
    assert facts is not None
    assert [(a.code, a.basis, a.movement_id, a.movement) for a in facts.awards] == [
        ("CSTDCS", "cong_trang", None, None), ("CSTDT", "chuyen_de", *MOVEMENT)]
    assert facts.years[2025].titles == frozenset({"CSTDT"})  # still a title held in the year
    assert "phong trào «Toàn dân bảo vệ an ninh Tổ quốc»" in facts.awards[1].describe_basis()
    # the same decision again adds nothing; a title recorded before without its movement gains it
    assert port.decided(snapshot, "CSTDT", 2025, "45/QĐ-UBND", date(2026, 1, 15), "chuyen_de", MOVEMENT) == []
    app.save(*port.decided(snapshot, "CSTDCS", 2024, "12/QĐ-UBND", date(2025, 1, 10), "chuyen_de", MOVEMENT))
    record = app.repository.get(UUID(snapshot["ref"]))
    assert record.facts["title/2024/CSTDCS"]["movement"] == MOVEMENT[1]


def test_a_regular_title_cannot_name_a_movement() -> None:
    with pytest.raises(FactError, match="Chỉ khen theo chuyên đề hoặc đột xuất mới ghi phong trào thi đua"):
        kinds.title(2025, "CSTDT", "45/QĐ-UBND", movement=MOVEMENT[1])


def test_a_regular_award_cannot_name_a_movement() -> None:
    with pytest.raises(FactError) as refused:
        kinds.award("BKT", 2019, "45/QĐ-UBND", basis="cong_trang", movement_id=MOVEMENT[0])
    assert str(refused.value) == ("Chỉ khen theo chuyên đề hoặc đột xuất mới ghi phong trào thi đua; khen này có "
                                  "loại hình 'công trạng'.")


def test_an_imported_thematic_award_keeps_its_movement_and_a_regular_one_cannot_name_one(history: History) -> None:
    rows = [row(stt=1, full_name="Hoàng Thị Bích", born_on="20/11/1990", unit_code="SNV", year=2019,
                award="Bằng khen tỉnh", decision_ref="45/QĐ-UBND", basis="Chuyên đề", movement=MOVEMENT[1]),
            row(stt=2, full_name="Hoàng Thị Bích", born_on="20/11/1990", unit_code="SNV", year=2020,
                award="Bằng khen tỉnh", decision_ref="46/QĐ-UBND", movement=MOVEMENT[1])]
    report = history.import_sheet(read_sheet(xlsx(rows), "ds.xlsx", history_config(), TODAY), by="appraiser",
                                  now=NOW)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "Phong trào thi đua", (
        "Chỉ khen theo chuyên đề hoặc đột xuất mới ghi phong trào thi đua; để trống hoặc sửa Loại hình khen "
        "thưởng."))]
    fact = history.get(key_id("Hoàng Thị Bích", date(1990, 11, 20), "SNV")).facts["award/BKT/2019/45/QĐ-UBND"]
    assert (fact["basis"], fact["movement_id"], fact["movement"]) == ("chuyen_de", None, MOVEMENT[1])
