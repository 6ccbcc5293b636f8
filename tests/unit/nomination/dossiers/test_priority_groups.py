"""The priority groups of the Law (Điều 5) on a dossier: what a unit may declare for its nominee,
the Vietnamese error for what does not fit (HTTP body, spreadsheet row), and what goes on the bus
(yes/no facts in version 2 beside version 1, never the ethnicity itself); a comment during the
public notice goes out as the fact and the count, never its author or text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from contracts import nomination as c
from servicekit.http import install_error_handlers
from services.nomination.dossiers import priority
from services.nomination.dossiers.application import NewDossier
from services.nomination.dossiers.bulk import ALL_COLUMNS, HELP, read_rows, template
from services.nomination.dossiers.schemas import DossierCreate
from tests.unit.nomination.dossiers.test_bulk import filled
from tests.unit.nomination.dossiers.test_bulk import row as base_row
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CLERK, NOW, World
from tests.unit.nomination.dossiers.test_step_due import _published

PERSON = {"name": "Hoàng Văn Páo", "gender": "nam"}


def body(kind: str = "ca_nhan", **facts: Any) -> dict[str, Any]:
    return {"award_code": "BKT", "year": 2025, "nominee_kind": kind, "nominee": {**PERSON, **facts}}


def test_declared_facts_are_kept_the_one_way_the_dossier_writes_them() -> None:
    facts = DossierCreate.model_validate(body(ethnicity=" h'mông ", leadership_title="Trưởng bản",
                                              direct_labourer=True, hard_to_reach=True)).nominee
    assert (facts.ethnicity, facts.ethnic_minority) == ("Mông", True)
    assert (facts.leadership, facts.leadership_title) == (True, "Trưởng bản")  # a title says it
    kinh = DossierCreate.model_validate(body(ethnicity="kinh", leadership=False)).nominee
    assert (kinh.ethnicity, kinh.ethnic_minority, kinh.leadership) == ("Kinh", False, False)
    nothing = DossierCreate.model_validate(body()).nominee
    assert [getattr(nothing, f) for f in priority.FACTS if f != "gender"] == [None] * 7  # not declared: None
    assert len(priority.ETHNICITIES) == len(set(priority.ETHNICITIES)) == 54


@pytest.mark.parametrize(("kind", "facts", "message"), [
    ("ca_nhan", {"ethnicity": "Tày Nùng"}, "Dân tộc 'Tày Nùng' không có trong danh mục 54 dân tộc Việt Nam"),
    ("ca_nhan", {"ethnicity": "Kinh", "ethnic_minority": True}, "Dân tộc Kinh không phải dân tộc thiểu số"),
    ("ca_nhan", {"ethnicity": "Dao", "ethnic_minority": False}, "Dân tộc Dao là dân tộc thiểu số"),
    ("ca_nhan", {"leadership": True}, "Người giữ chức vụ lãnh đạo, quản lý: ghi rõ chức vụ"),
    ("ca_nhan", {"leadership": False, "leadership_title": "Hiệu trưởng"},
     "Đã ghi chức vụ lãnh đạo, quản lý 'Hiệu trưởng' nhưng lại khai không giữ chức vụ"),
    ("tap_the", {"direct_labourer": True}, "Chỉ cá nhân mới khai người trực tiếp lao động, sản xuất"),
    ("doanh_nghiep", {"ethnicity": "Tày"}, "Chỉ cá nhân mới khai dân tộc"),
])
def test_what_does_not_fit_is_refused_in_vietnamese(kind: str, facts: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DossierCreate.model_validate(body(kind, **facts))
    with pytest.raises(priority.PriorityFactError, match=message):  # the use case checks the same (bulk, API)
        priority.checked(kind, facts)


def test_a_bad_value_is_an_http_422_with_the_vietnamese_reason() -> None:
    app = FastAPI()
    install_error_handlers(app, {})

    @app.post("/dossiers")
    def open_dossier(new: DossierCreate) -> dict[str, Any]:
        return new.nominee.model_dump()

    client = TestClient(app)
    answer = client.post("/dossiers", json=body(ethnicity="Kinh", ethnic_minority=True))
    assert answer.status_code == 422
    assert "Dân tộc Kinh không phải dân tộc thiểu số" in answer.json()["error"]["message"]
    flag = client.post("/dossiers", json=body(hard_to_reach="vùng cao"))
    assert (flag.status_code, flag.json()["error"]["details"][0]["msg"]) == (422, "Phải là true hoặc false.")
    assert flag.json()["error"]["details"][0]["loc"] == ["body", "nominee", "hard_to_reach"]
    collective = client.post("/dossiers", json={**body("tap_the", hard_to_reach=True),
                                                "nominee": {"name": "Trường PTDTBT Lũng Pù", "hard_to_reach": True}})
    assert collective.status_code == 200 and collective.json()["hard_to_reach"] is True


def row(n: int, **changes: object) -> list[object]:
    base = base_row(n)
    cells = dict(zip(ALL_COLUMNS, [*base, *[""] * (len(ALL_COLUMNS) - len(base))], strict=True))
    cells.update(changes)
    return list(cells.values())


def test_the_spreadsheet_reads_the_groups_and_names_the_column_of_each_bad_value() -> None:
    data = filled(template(2026), [
        row(1, **{"Giữ chức vụ lãnh đạo, quản lý": "Không", "Người trực tiếp lao động, sản xuất": "Có",
                  "Dân tộc": "nùng", "Vùng sâu, vùng xa, vùng ĐBKK": "x"}),
        row(2, **{"Chức vụ lãnh đạo, quản lý": "Hiệu trưởng"}),
        row(3, **{"Vùng sâu, vùng xa, vùng ĐBKK": "vùng cao"}),
        row(4, **{"Dân tộc": "Kinh", "Người dân tộc thiểu số": "Có"}),
        row(5, **{"Giữ chức vụ lãnh đạo, quản lý": "Có"}),
        row(6, **{"Đối tượng": "Tập thể", "Dân tộc": "Tày"}),
        row(7),
    ], title="Tờ trình 5/TTr-SGDĐT")
    sheet = read_rows(data, "SGDDT")
    read: dict[int, NewDossier] = dict(sheet.rows)
    assert {k: read[2].nominee[k] for k in ("leadership", "direct_labourer", "ethnicity", "ethnic_minority",
                                            "hard_to_reach")} == {
        "leadership": False, "direct_labourer": True, "ethnicity": "Nùng", "ethnic_minority": True,
        "hard_to_reach": True}
    assert (read[3].nominee["leadership"], read[3].nominee["leadership_title"]) == (True, "Hiệu trưởng")
    assert [read[8].nominee[k] for k in ("leadership", "ethnicity", "hard_to_reach")] == [None, None, None]
    assert [(e["row"], e["column"]) for e in sheet.errors] == [
        (4, "Vùng sâu, vùng xa, vùng ĐBKK"), (5, "Người dân tộc thiểu số"), (6, "Chức vụ lãnh đạo, quản lý"),
        (7, "Dân tộc")]
    assert "ghi 'Có', 'Không' hoặc để trống, không ghi 'vùng cao'" in sheet.errors[0]["error"]
    assert "Dân tộc Kinh không phải dân tộc thiểu số" in sheet.errors[1]["error"]
    assert all(HELP[name] for name in ALL_COLUMNS)


def test_a_sheet_of_the_older_template_is_read_and_an_unknown_column_refused() -> None:
    from services.nomination.dossiers.bulk import COLUMNS, SpreadsheetError
    from tests.unit.nomination.dossiers.test_bulk import spreadsheet
    old = read_rows(spreadsheet([base_row(1)]), "SGDDT", 2025, "Đợt 1")
    assert old.errors == [] and old.rows[0][1].nominee["ethnicity"] is None
    with pytest.raises(SpreadsheetError, match="Cột 'Dân tôc' không có trong mẫu"):
        read_rows(spreadsheet([base_row(1)], header=[*COLUMNS, "Dân tôc"]), "SGDDT", 2025, "Đợt 1")


def test_the_groups_go_out_in_version_2_beside_version_1_and_never_the_ethnicity() -> None:
    world = World()
    nominee = {"name": "Lý Thị Mai", "gender": "nu", "ethnicity": "Dao", "leadership": False, "direct_labourer": True,
               "hard_to_reach": True}
    dossier_id, _ = world.drafting.open(CLERK, NewDossier(unit_code="SGDDT", award_code="BKT", year=2025,
                                                          basis="cong_trang", nominee_kind="ca_nhan", nominee=nominee,
                                                          summary="Nông dân sản xuất giỏi", simplified=True), NOW)
    world.to_council(dossier_id)  # simplified: appraisal leads to the decision
    world.review.decide(dossier_id, None, APPRAISER, number="12/QĐ-UBND", decided_on=NOW.date(),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    published = _published(world)
    for v1_class, v2_class in c.WITH_GROUPS.items():
        v1 = next(e for e in published if type(e) is v1_class)
        v2 = next(e for e in published if type(e) is v2_class)
        assert isinstance(v2, c.NominationCreatedV2 | c.AwardDecidedV2)
        assert published.index(v2) == published.index(v1) + 1 and v2.event_id != v1.event_id
        assert v2.model_dump(exclude={"event_id", "version", "nominee_groups", "movement_id"}) == v1.model_dump(
            exclude={"event_id", "version"})
        assert v2.nominee_groups == c.PriorityGroups(gender="nu", leadership=False, direct_labourer=True,
                                                     ethnic_minority=True, hard_to_reach=True)
        assert "Dao" not in v2.model_dump_json() and "ethnicity" not in v2.model_dump_json()
    assert world.review.load(dossier_id).nominee["ethnicity"] == "Dao"  # kept in the dossier, not published


def test_a_notice_comment_goes_out_as_the_fact_and_the_count_never_its_author_or_text() -> None:
    world = World()
    dossier_id = world.open(award="HCLD3")
    world.to_council(dossier_id)
    for n in (1, 2):
        world.review.step(dossier_id, None, APPRAISER, "record_notice_comment", NOW, author=f"Nguyễn Văn Tố {n}",
                          content=f"Tổ 5, phường Hợp Giang: đề nghị xem xét lại thành tích lần {n}")
    comments = [e for e in _published(world) if isinstance(e, c.NominationNoticeCommented)]
    assert [e.comments for e in comments] == [1, 2]
    assert comments[0].unit_code == "SGDDT" and comments[0].state == "public_notice"
    assert str(comments[0].notice_until) == "2026-03-16"
    text = "".join(e.model_dump_json() for e in comments)
    assert "Nguyễn Văn Tố" not in text and "Hợp Giang" not in text and "thành tích lần" not in text


def test_the_unit_corrects_the_groups_before_submitting_and_the_decision_carries_the_correction() -> None:
    world = World()
    nominee = {"name": "Sầm Văn Páo", "gender": "nam", "ethnicity": "Kinh", "leadership_title": "Trưởng phòng"}
    dossier_id, _ = world.drafting.open(CLERK, NewDossier(unit_code="SGDDT", award_code="BKT", year=2025,
                                                          basis="cong_trang", nominee_kind="ca_nhan", nominee=nominee,
                                                          summary="Có sáng kiến", simplified=True), NOW)
    with pytest.raises(priority.PriorityFactError, match="Dân tộc Tày là dân tộc thiểu số"):
        world.drafting.edit(dossier_id, None, CLERK, summary=None, basis=None, position=None, now=NOW,
                            priority={"ethnicity": "Tày", "ethnic_minority": False})
    world.drafting.edit(dossier_id, None, CLERK, summary=None, basis=None, position=None, now=NOW,
                        priority={"ethnicity": "tày", "leadership": False, "hard_to_reach": True})
    kept = world.review.load(dossier_id).nominee
    assert {k: kept[k] for k in priority.FACTS} == {
        "gender": "nam", "leadership": False, "leadership_title": None, "leadership_tier": "khong",
        "direct_labourer": None, "ethnicity": "Tày", "ethnic_minority": True,
        "hard_to_reach": True}  # the title went with the position, the flag with Kinh
    world.to_council(dossier_id)
    world.review.decide(dossier_id, None, APPRAISER, number="13/QĐ-UBND", decided_on=NOW.date(),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    [decided] = [e for e in _published(world) if type(e) is c.AwardDecidedV2]
    assert (decided.nominee_groups.leadership, decided.nominee_groups.ethnic_minority) == (False, True)
    [created] = [e for e in _published(world) if type(e) is c.NominationCreatedV2]
    assert (created.nominee_groups.leadership, created.nominee_groups.ethnic_minority) == (True, False)
