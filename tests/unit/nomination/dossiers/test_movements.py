"""A thematic or ad hoc dossier names a movement the plan launched: an unknown one, a year
outside its period or a movement concluded long ago is refused in Vietnamese and nothing is
saved; the decision carries the movement's id and name into the nominee's history."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from uuid import UUID

import openpyxl
import pytest

from services.nomination.dossiers.application import (
    MovementConcludedError,
    MovementPeriodError,
    NewDossier,
    UnknownMovementError,
)
from services.nomination.dossiers.bulk import COLUMNS, HELP_SHEET, MOVEMENT, BulkSubmissions, read_rows, template
from services.nomination.dossiers.ports import KnownMovement
from tests.unit.nomination.dossiers.fakes import FakeMovements
from tests.unit.nomination.dossiers.test_bulk import row, spreadsheet
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CHAIR, CLERK, NOW, World

SECURITY = KnownMovement(UUID("3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02"), "Toàn dân bảo vệ an ninh Tổ quốc",
                         "chuyen_de", date(2025, 1, 1), date(2025, 12, 31), launched_on=date(2025, 1, 10))
OLD = KnownMovement(UUID("7b1d2c3e-4f5a-5b6c-9d0e-1f2a3b4c5d6e"), "200 ngày đêm thi đua", "dot_xuat",
                    date(2023, 3, 1), date(2023, 9, 30), launched_on=date(2023, 3, 1), concluded_on=date(2024, 1, 20))


def world_with(*movements: KnownMovement) -> World:
    world = World()
    known = FakeMovements({m.movement_id: m for m in movements})
    world.drafting.movements = world.review.movements = known
    return world


def thematic(movement_id: UUID, year: int = 2025) -> NewDossier:
    return NewDossier(unit_code="SGDDT", award_code="BKT", year=year, basis="chuyen_de", nominee_kind="ca_nhan",
                      nominee={"name": "Nông Thị Hoa", "position": "Giáo viên"}, summary="Phong trào",
                      movement_id=movement_id)


def test_a_dossier_naming_a_movement_never_launched_is_refused_and_nothing_is_saved() -> None:
    world = world_with(SECURITY)
    unknown = UUID("00000000-0000-5000-8000-000000000001")
    with pytest.raises(UnknownMovementError) as refused:
        world.drafting.open(CLERK, thematic(unknown), NOW)
    assert str(refused.value).startswith(f"Không có phong trào thi đua mã {unknown} trong số các phong trào đã "
                                         "phát động")
    assert world.app.recorder.max_notification_id() is None


@pytest.mark.parametrize(("movement", "year", "error", "message"), [
    (SECURITY, 2024, MovementPeriodError, "Năm thành tích 2024 nằm ngoài thời gian của phong trào «Toàn dân bảo vệ an "
                                          "ninh Tổ quốc» (01/01/2025 – 31/12/2025)."),
    (OLD, 2023, MovementConcludedError, "Phong trào «200 ngày đêm thi đua» đã tổng kết ngày 20/01/2024, quá 365 "
                                        "ngày: không mở thêm hồ sơ khen thưởng cho phong trào này."),
])
def test_a_year_outside_the_period_or_a_movement_concluded_long_ago_is_refused(
        movement: KnownMovement, year: int, error: type[Exception], message: str) -> None:
    world = world_with(movement)
    with pytest.raises(error) as refused:
        world.drafting.open(CLERK, thematic(movement.movement_id, year=year), NOW)
    assert str(refused.value) == message
    assert world.app.recorder.max_notification_id() is None


def test_a_movement_concluded_within_the_year_still_takes_dossiers() -> None:
    recent = world_with(replace(OLD, concluded_on=date(2025, 12, 1), ends_on=date(2025, 11, 30)))
    assert recent.drafting.open(CLERK, thematic(OLD.movement_id, year=2025), NOW)[1]


def test_the_decision_gives_the_nominees_history_the_movement_id_and_name() -> None:
    world = world_with(SECURITY)
    dossier_id, created = world.drafting.open(CLERK, thematic(SECURITY.movement_id), NOW)
    assert created and world.review.load(dossier_id).movement_id == SECURITY.movement_id
    world.to_council(dossier_id)
    world.council(dossier_id, passed=True)
    world.review.step(dossier_id, None, APPRAISER, "send_for_decision", NOW)
    world.review.decide(dossier_id, None, CHAIR, number="45/QĐ-UBND", decided_on=date(2026, 4, 2),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    assert world.history.movements == [(str(SECURITY.movement_id), "Toàn dân bảo vệ an ninh Tổ quốc")]


def test_without_the_movements_port_a_movement_is_kept_as_named() -> None:
    world = World()
    dossier_id, created = world.drafting.open(CLERK, thematic(SECURITY.movement_id), NOW)
    assert created and world.review.load(dossier_id).movement_id == SECURITY.movement_id


def test_the_spreadsheet_takes_an_optional_movement_column_with_its_errors_by_row() -> None:
    world = world_with(SECURITY)
    header = [*COLUMNS, MOVEMENT]
    rows = [[*row(1, **{"Loại hình": "chuyen_de"}), str(SECURITY.movement_id)],
            [*row(2, **{"Loại hình": "chuyen_de"}), "PT-2025"],
            [*row(3, **{"Loại hình": "dot_xuat"}), "00000000-0000-5000-8000-000000000001"],
            [*row(4), str(SECURITY.movement_id)],
            [*row(5), None]]
    sheet = read_rows(spreadsheet(rows, header), "SGDDT", 2025, "Tờ trình 12/TTr-SGDĐT")
    assert sheet.errors == [{"row": 3, "column": MOVEMENT, "error": (
        "mã phong trào 'PT-2025' không đúng dạng: 32 chữ số, chữ a–f và dấu gạch ngang, ví dụ "
        "3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02")}]
    outcome = BulkSubmissions(world.app, world.drafting).submit_rows(CLERK, "SGDDT", 2025, sheet.title, sheet.rows,
                                                                     "xlsx", NOW)
    assert outcome.created == 2
    errors = {e["row"]: e["error"] for e in outcome.errors}
    assert sorted(errors) == [4, 5]
    assert errors[4].startswith("Không có phong trào thi đua mã 00000000-0000-5000-8000-000000000001")
    assert errors[5].startswith("Chỉ hồ sơ khen thưởng theo chuyên đề, theo đợt hoặc đột xuất mới gắn với phong trào")
    dossiers: list[UUID] = world.app.repository.get(outcome.submission_id).dossiers
    named = [world.review.load(d).movement_id for d in dossiers]
    assert sorted(map(str, named)) == sorted([str(SECURITY.movement_id), "None"])


def test_a_file_made_from_the_older_template_without_the_movement_column_is_still_read() -> None:
    sheet = read_rows(spreadsheet([row(1)]), "SGDDT", 2025, "Đợt 1")
    assert sheet.errors == [] and [new.movement_id for _, new in sheet.rows] == [None]
    book = openpyxl.load_workbook(io.BytesIO(template(2026)))
    guide = {r[0].value: r[1].value for r in book[HELP_SHEET].iter_rows(min_row=2, max_col=2)}
    assert "mã phong trào thi đua đã phát động" in guide[MOVEMENT]
