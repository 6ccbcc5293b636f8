"""The nominee's leadership tier and the award's basis, which forms 0602 and 0603 count rows by:
what a unit may declare (HTTP body, spreadsheet row), the Vietnamese error for a code outside the
closed sets, the basis a dossier takes when none is named, and version 3 of the opened and decided
events beside versions 1 and 2, carrying both as the dossier holds them then."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError

from contracts import nomination as c
from services.nomination.dossiers import priority
from services.nomination.dossiers.application import BASES, InvalidBasisError, NewDossier, default_basis
from services.nomination.dossiers.bulk import read_rows, template
from services.nomination.dossiers.ports import AwardInfo
from services.nomination.dossiers.schemas import DossierCreate
from tests.unit.nomination.dossiers.test_bulk import filled
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CLERK, NOW, World
from tests.unit.nomination.dossiers.test_priority_groups import row
from tests.unit.nomination.dossiers.test_step_due import _published

PERSON = {"name": "Lục Văn Thành", "gender": "nam"}


def body(kind: str = "ca_nhan", **facts: Any) -> dict[str, Any]:
    return {"award_code": "BKT", "year": 2025, "nominee_kind": kind, "nominee": {**PERSON, **facts}}


def opened(world: World, basis: str | None) -> UUID:
    new = NewDossier(unit_code="SGDDT", award_code="BKT", year=2025, basis=basis, nominee_kind="ca_nhan",
                     nominee={"name": "Nông Thị Hoa", "position": "Giáo viên"}, summary="Giáo viên dạy giỏi")
    return world.drafting.open(CLERK, new, NOW)[0]


def test_the_tier_and_the_leadership_fact_say_the_same_and_decide_one_another() -> None:
    def kept(**facts: Any) -> tuple[Any, ...]:
        nominee = DossierCreate.model_validate(body(**facts)).nominee
        return nominee.leadership, nominee.leadership_tier, nominee.leadership_title

    assert kept(leadership_tier="cap_vu_so", leadership_title="Giám đốc Sở") == (True, "cap_vu_so", "Giám đốc Sở")
    assert kept(leadership_tier="Lãnh đạo cấp vụ, sở, ngành và tương đương",
                leadership_title="Phó Giám đốc Sở") == (True, "cap_vu_so", "Phó Giám đốc Sở")  # the label too
    assert kept(leadership_tier="khong") == (False, "khong", None)
    assert kept(leadership=False) == (False, "khong", None)  # no position: the tier says so
    assert kept(leadership_title="Hiệu trưởng") == (True, None, "Hiệu trưởng")  # a leader of a tier not said
    assert kept() == (None, None, None)  # not declared


@pytest.mark.parametrize(("kind", "facts", "message"), [
    ("ca_nhan", {"leadership_tier": "giam_doc"}, "Cấp lãnh đạo 'giam_doc' không hợp lệ; dùng một trong: khong "
     "(Không giữ chức vụ lãnh đạo, quản lý); cap_bo_tinh"),
    ("ca_nhan", {"leadership_tier": "khong", "leadership": True, "leadership_title": "Trưởng phòng"},
     "Cấp lãnh đạo 'Không giữ chức vụ lãnh đạo, quản lý' không khớp với ô có giữ chức vụ lãnh đạo, quản lý"),
    ("ca_nhan", {"leadership_tier": "doanh_nhan", "leadership": False}, "Cấp lãnh đạo 'Doanh nhân' không khớp"),
    ("ca_nhan", {"leadership_tier": "tu_pho_phong"}, "ghi rõ chức vụ"),
    ("tap_the", {"leadership_tier": "cap_bo_tinh"}, "Chỉ cá nhân mới khai cấp lãnh đạo"),
])
def test_a_tier_outside_the_list_or_against_the_other_facts_is_refused_in_vietnamese(
        kind: str, facts: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        DossierCreate.model_validate(body(kind, **facts))
    with pytest.raises(priority.PriorityFactError, match=re.escape(message)):
        priority.checked(kind, facts)


def test_a_dossier_without_a_basis_takes_the_one_its_award_implies() -> None:
    award = AwardInfo(code="BKT", name="Bằng khen", category="bang_khen", level="tinh", subjects=frozenset({"ca_nhan"}),
                      province_decides=True, bases=("cong_trang", "chuyen_de", "dot_xuat"))
    service = AwardInfo(code="KNC", name="Kỷ niệm chương", category="ky_niem_chuong", level="tinh",
                        subjects=frozenset({"ca_nhan"}), province_decides=True, bases=("cong_hien",))
    movement = UUID("3a5c7e9b-2d4f-5a6c-8e0b-1d3f5a7c9e02")
    assert default_basis(award, movement) == default_basis(service, movement) == "chuyen_de"
    assert default_basis(service, None) == "cong_hien"
    assert default_basis(award, None) == "cong_trang"
    assert default_basis(AwardInfo(code="X", name="X", category="bang_khen", level="tinh", subjects=frozenset(),
                                   province_decides=True), None) == "cong_trang"  # bases not said
    world = World()
    dossier_id = opened(world, None)
    assert world.review.load(dossier_id).basis == "cong_trang"


def test_an_unknown_basis_is_refused_with_every_code_and_its_meaning() -> None:
    world = World()
    with pytest.raises(InvalidBasisError) as refused:
        opened(world, "thuong_xuyen_nam")
    assert str(refused.value).startswith("Loại hình khen thưởng 'thuong_xuyen_nam' không hợp lệ; dùng một trong: "
                                         "cong_trang (công trạng, thành tích thường xuyên); chuyen_de")
    assert all(code in str(refused.value) for code in BASES) and "khang_chien (kháng chiến)" in str(refused.value)
    dossier_id = opened(world, "khang_chien")
    assert world.review.load(dossier_id).basis == "khang_chien"


def test_version_3_goes_out_beside_versions_1_and_2_with_the_tier_and_the_basis_of_the_day() -> None:
    world = World()
    nominee = {"name": "Bế Văn Đàn", "gender": "nam", "leadership_tier": "tu_pho_phong",
               "leadership_title": "Phó Trưởng phòng"}
    dossier_id, _ = world.drafting.open(CLERK, NewDossier(unit_code="SGDDT", award_code="BKT", year=2025, basis=None,
                                                          nominee_kind="ca_nhan", nominee=nominee, summary="Sáng kiến",
                                                          simplified=True), NOW)
    world.drafting.edit(dossier_id, None, CLERK, summary=None, basis="dot_xuat", position=None, now=NOW,
                        priority={"leadership_tier": "cap_vu_so", "leadership_title": "Phó Giám đốc Sở"})
    world.to_council(dossier_id)
    world.review.decide(dossier_id, None, APPRAISER, number="14/QĐ-UBND", decided_on=NOW.date(),
                        signed_by="Chủ tịch UBND tỉnh", now=NOW)
    published = _published(world)
    for v1_class, v3_class in c.THIRD_VERSIONS.items():
        v1 = next(e for e in published if type(e) is v1_class)
        v2 = next(e for e in published if type(e) is c.SECOND_VERSIONS[v1_class])
        v3 = next(e for e in published if type(e) is v3_class)
        assert isinstance(v3, c.NominationCreatedV3 | c.AwardDecidedV3)
        assert published.index(v3) == published.index(v2) + 1 == published.index(v1) + 2
        assert len({v1.event_id, v2.event_id, v3.event_id}) == 3
        assert v3.model_dump(exclude={"event_id", "version", "nominee_groups", "basis"}) == v2.model_dump(
            exclude={"event_id", "version", "nominee_groups", "basis"})
        assert v3.nominee_groups.model_dump(exclude={"leadership_tier"}) == v2.nominee_groups.model_dump()  # type: ignore[attr-defined]
    created = next(e for e in published if type(e) is c.NominationCreatedV3)
    decided = next(e for e in published if type(e) is c.AwardDecidedV3)
    assert isinstance(created, c.NominationCreatedV3) and isinstance(decided, c.AwardDecidedV3)
    assert (created.basis, created.nominee_groups.leadership_tier) == ("cong_trang", "tu_pho_phong")
    assert (decided.basis, decided.nominee_groups.leadership_tier) == ("dot_xuat", "cap_vu_so")  # as corrected
    assert decided.nominee_groups.leadership_title == "Phó Giám đốc Sở"


def test_the_unit_sets_no_position_again_and_the_tier_follows() -> None:
    world = World()
    dossier_id, _ = world.drafting.open(CLERK, NewDossier(
        unit_code="SGDDT", award_code="BKT", year=2025, basis=None, nominee_kind="ca_nhan",
        nominee={"name": "Đinh Thị Mỵ", "leadership_tier": "cap_vu_so", "leadership_title": "Phó Giám đốc"}), NOW)
    world.drafting.edit(dossier_id, None, CLERK, summary=None, basis=None, position=None, now=NOW,
                        priority={"leadership": False})
    kept = world.review.load(dossier_id).nominee
    assert (kept["leadership"], kept["leadership_tier"], kept["leadership_title"]) == (False, "khong", None)
    world.drafting.edit(dossier_id, None, CLERK, summary=None, basis=None, position=None, now=NOW,
                        priority={"leadership_tier": "doanh_nhan", "leadership_title": "Giám đốc Công ty"})
    kept = world.review.load(dossier_id).nominee
    assert (kept["leadership"], kept["leadership_tier"]) == (True, "doanh_nhan")


def test_the_spreadsheet_reads_the_tier_and_a_blank_basis_and_names_the_column_of_a_bad_code() -> None:
    data = filled(template(2026), [
        row(1, **{"Cấp lãnh đạo": "Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên",
                  "Chức vụ lãnh đạo, quản lý": "Phó Chủ tịch UBND tỉnh", "Loại hình": ""}),
        row(2, **{"Cấp lãnh đạo": "khong", "Loại hình": "nien_han"}),
        row(3, **{"Cấp lãnh đạo": "trưởng thôn"}),
    ], title="Tờ trình 6/TTr-SGDĐT")
    sheet = read_rows(data, "SGDDT")
    read: dict[int, NewDossier] = dict(sheet.rows)
    assert (read[2].nominee["leadership_tier"], read[2].nominee["leadership"], read[2].basis) == (
        "cap_bo_tinh", True, None)  # the basis is the award's (`default_basis`) when the dossier opens
    assert (read[3].nominee["leadership_tier"], read[3].nominee["leadership"], read[3].basis) == (
        "khong", False, "nien_han")
    [error] = sheet.errors
    assert (error["row"], error["column"]) == (4, "Cấp lãnh đạo")
    assert "Cấp lãnh đạo 'trưởng thôn' không hợp lệ" in error["error"]
