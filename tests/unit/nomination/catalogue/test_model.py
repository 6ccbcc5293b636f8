"""The catalogue's files are validated by one set of models: a broken file is refused with
the file, line and column of each problem."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from services.nomination.catalogue import files
from services.nomination.catalogue.bundle import UnknownAwardError
from services.nomination.yamlconfig import ConfigError
from tests.unit.nomination.catalogue.helpers import copy_catalogue, edited, line_of, shipped, shipped_catalogue

CODES = ["LDTT", "CSTT", "CSTDCS", "CSTDT", "CSTDTQ", "TTLDTT", "DVTT", "TTLDXS", "DVQT", "CTDT", "CTDCP",
         "XA_TIEU_BIEU", "THON_VH", "GDVH", "HCSV", "HCHCM", "HCDL1", "HCDL2", "HCDL3", "HCQC1", "HCQC2", "HCQC3",
         "HCLD1", "HCLD2", "HCLD3", "HCBVTQ1", "HCBVTQ2", "HCBVTQ3", "HCCC1", "HCCC2", "HCCC3", "HCDDKDT", "HCDC",
         "HCHN", "HCQKQT", "HCVANTQ", "HCCSVV1", "HCCSVV2", "HCCSVV3", "HUYCHUONG_HN", "TINH_AH", "BMVNAH",
         "AHLLVTND", "AHLD", "NGND", "NGUT", "TTND", "TTUT", "NSND", "NSUT", "NNND", "NNUT", "GTHCM", "GTNN",
         "KNC", "KNC_TINH", "BKTTG", "BKT", "GK", "HCTNXPVV"]
# domain.md §7: titles (NĐ 152 Đ50) ...
MULTIPLIERS = {"CSTDTQ": "4.5", "CSTDT": "3.0", "CSTDCS": "1.0", "LDTT": "0.3", "TTLDXS": "1.5", "TTLDTT": "0.8",
               "XA_TIEU_BIEU": "2.0", "THON_VH": "1.5", "CTDCP": "12.0", "CTDT": "8.0"}
# ... and orders and forms for collectives (Đ51–54)
COLLECTIVE_MULTIPLIERS = {
    "HCSV": "92.0", "HCHCM": "61.0", "HCDL1": "30.0", "HCQC1": "30.0", "HCDL2": "25.0", "HCQC2": "25.0",
    "HCLD1": "18.0", "HCCC1": "18.0", "HCBVTQ1": "18.0", "HCLD2": "15.0", "HCCC2": "15.0", "HCBVTQ2": "15.0",
    "HCLD3": "9.0", "HCCC3": "9.0", "HCBVTQ3": "9.0", "AHLLVTND": "31.0", "AHLD": "31.0",
    "BKTTG": "7.0", "BKT": "3.0", "GK": "0.6"}


def refused(texts: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as error:
        files.parse(texts)
    return error.value.details


def with_awards(old: str, new: str) -> dict[str, str]:
    texts = shipped()
    return {**texts, "awards.yaml": edited(texts["awards.yaml"], old, new)}


def test_the_shipped_catalogue_has_every_award_of_the_law_with_the_known_multipliers() -> None:
    catalogue = shipped_catalogue()
    assert sorted(a.code for a in catalogue.awards) == sorted(CODES)
    titles = {a.code: str(a.cash.multiplier) for a in catalogue.awards
              if a.category == "danh_hieu_thi_dua" and a.cash.multiplier is not None}
    assert titles == MULTIPLIERS
    assert all(catalogue.award(code).cash.verified for code in MULTIPLIERS)
    collectives = {a.code: str(a.cash.for_subject("tap_the")[0]) for a in catalogue.awards
                   if a.code in COLLECTIVE_MULTIPLIERS}
    assert collectives == COLLECTIVE_MULTIPLIERS
    assert all(catalogue.award(code).cash.for_subject("tap_the")[1] for code in COLLECTIVE_MULTIPLIERS)
    names = [a.name for a in catalogue.awards] + [d.name for d in catalogue.awards_file.documents]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)


def test_what_the_sources_do_not_confirm_is_marked_unverified() -> None:
    catalogue = shipped_catalogue()
    assert not catalogue.award("KNC_TINH").verified
    assert not catalogue.award("HCTNXPVV").verified
    assert not catalogue.quota("CSTDCS_LDTT").verified
    assert not any(rule.verified for rule in catalogue.awards_file.councils)
    assert [(entry.amount, entry.verified) for entry in catalogue.salary.base_salary] == [
        (1490000, False), (1800000, False), (2340000, True), (2530000, True)]
    assert catalogue.salary.base_salary[-1].legal_basis[0].confidence == "medium"  # one copy of NĐ 161/2026
    assert not catalogue.award("BKT").cash.verified  # an individual's amount of a Bằng khen: UNVERIFIED
    assert catalogue.award("LDTT").verified  # Luật Điều 24 khoản 1, read in the sources
    assert catalogue.award("HCLD3").public_notice.working_days == 10


def test_who_decides_says_whether_the_province_decides_or_forwards() -> None:
    catalogue = shipped_catalogue()
    assert catalogue.province_decides("BKT") and catalogue.province_decides("CSTDT")
    assert catalogue.forwarded("HCLD3") and catalogue.forwarded("BKTTG") and catalogue.forwarded("CTDCP")
    assert catalogue.route("LDTT") == "cap_duoi"
    with pytest.raises(UnknownAwardError, match="không có mã 'XYZ'"):
        catalogue.award("XYZ")


def test_required_documents_depend_on_the_kind_of_nominee() -> None:
    catalogue = shipped_catalogue()
    person = [d.code for d in catalogue.required_documents("HCLD3", "ca_nhan")]
    company = [d.code for d in catalogue.required_documents("HCLD3", "doanh_nghiep")]
    assert "xac_nhan_nghia_vu_thue" not in person
    assert company == [*person, "xac_nhan_nghia_vu_thue", "xac_nhan_moi_truong"]
    assert [d.code for d in catalogue.required_documents("CSTDCS", "ca_nhan")][-1] == "xac_nhan_sang_kien"


def test_broken_yaml_is_refused_where_it_breaks() -> None:
    texts = with_awards('    short: "LĐTT"\n', '    short: "LĐTT\n')
    [detail] = refused(texts)
    assert detail.startswith("awards.yaml:")
    assert "YAML không đọc được" in detail


def test_a_value_of_the_wrong_type_is_refused_at_its_line() -> None:
    texts = with_awards("    threshold: 0.9\n", "    threshold: chín mươi phần trăm\n")
    line = line_of(texts["awards.yaml"], "threshold: chín mươi")
    [detail] = refused(texts)
    assert detail.startswith(f"awards.yaml:{line}:16: councils[0].threshold: Input should be a valid decimal")


def test_an_unknown_authority_is_refused_at_the_reference() -> None:
    texts = with_awards("decided_by: [thu_truong_co_quan, chu_tich_ubnd_xa, giam_doc_doanh_nghiep]",
                        "decided_by: [thu_truong_co_quan, chu_tich_ubnd_thon]")
    line = line_of(texts["awards.yaml"], "chu_tich_ubnd_thon")
    [detail] = refused(texts)
    assert detail.startswith(f"awards.yaml:{line}:38: awards[0].decided_by[1]: không có cấp quyết định mã "
                             f"'chu_tich_ubnd_thon'")


def test_an_unknown_document_and_council_are_refused_at_their_lines() -> None:
    texts = with_awards("documents: [to_trinh, bao_cao_tom_tat]", "documents: [to_trinh, bao_cao_mat]")
    texts["awards.yaml"] = edited(texts["awards.yaml"], "council: hd_tinh_kin_90", "council: hd_tinh_99")
    order = [award.code for award in shipped_catalogue().awards]
    details = refused(texts)
    assert [d.split(": ")[1] for d in details] == [f"awards[{order.index('CSTDT')}].council",
                                                   f"awards[{order.index('KNC')}].documents[1].code"]
    assert details[0].startswith(f"awards.yaml:{line_of(texts['awards.yaml'], 'hd_tinh_99')}:")


def test_a_repeated_code_is_refused_at_the_second_entry() -> None:
    texts = with_awards("  - code: CSTT\n", "  - code: LDTT\n")
    line = line_of(texts["awards.yaml"], '    name: "Chiến sĩ tiên tiến"') - 1
    [detail] = refused(texts)
    assert detail == f"awards.yaml:{line}:5: awards[1]: mã 'LDTT' bị trùng với một mục ở trên"


def test_a_validity_ending_before_it_starts_is_refused() -> None:
    texts = with_awards('article: "Điều 24 khoản 1", valid_from: 2024-01-01,',
                        'article: "Điều 24 khoản 1", valid_from: 2024-01-01, valid_to: 2023-12-31,')
    [detail] = refused(texts)
    assert "awards[0].legal_basis[0]: valid_from (01/01/2024) sau valid_to (31/12/2023)" in detail


def test_a_threshold_outside_zero_to_one_is_refused() -> None:
    for bad in ("0", "1.5"):
        [detail] = refused(with_awards("    threshold: 0.9\n", f"    threshold: {bad}\n"))
        assert "councils[0].threshold: Input should be" in detail


def test_deciders_on_different_routes_are_refused() -> None:
    texts = with_awards("decided_by: [thu_truong_co_quan, chu_tich_ubnd_xa, giam_doc_doanh_nghiep]",
                        "decided_by: [thu_truong_co_quan, chu_tich_ubnd_tinh]")
    [detail] = refused(texts)
    assert "awards[0]: các cấp quyết định ['thu_truong_co_quan', 'chu_tich_ubnd_tinh'] không cùng một tuyến" in detail


def test_a_quota_of_an_unknown_award_is_refused_in_the_quotas_file() -> None:
    texts = shipped()
    texts["quotas.yaml"] = edited(texts["quotas.yaml"], "    base: LDTT\n", "    base: LDTX\n")
    [detail] = refused(texts)
    assert detail.startswith(f"quotas.yaml:{line_of(texts['quotas.yaml'], 'base: LDTX')}:11: quotas[0].base: "
                             f"không có danh hiệu, hình thức khen thưởng mã 'LDTX'")


def test_problems_of_several_files_are_reported_together() -> None:
    texts = with_awards("    threshold: 0.9\n", "    threshold: 2\n")
    texts["salary.yaml"] = edited(texts["salary.yaml"], "amount: 1800000", "amount: -5")
    texts["salary.yaml"] = edited(texts["salary.yaml"], "valid_from: 2024-07-01\n", "valid_from: 2023-07-01\n")
    with pytest.raises(ConfigError) as error:
        files.parse(texts)
    assert [(p.source, p.path) for p in error.value.problems] == [
        ("awards.yaml", "councils[0].threshold"), ("salary.yaml", "base_salary[1].amount"),
        ("salary.yaml", "base_salary[2]")]
    assert "ngày áp dụng '01/07/2023' bị trùng" in error.value.details[2]
    assert str(error.value).startswith("Tệp cấu hình awards.yaml, salary.yaml không hợp lệ (3 lỗi)")


def test_a_missing_or_unreadable_file_is_named(tmp_path: Path) -> None:
    folder = copy_catalogue(tmp_path / "catalogue")
    (folder / "salary.yaml").unlink()
    (folder / "quotas.yaml").write_bytes(b"quotas: []\n\xff\xfe")
    with pytest.raises(ConfigError) as error:
        files.read_dir(folder)
    assert error.value.details == [f"{folder}/salary.yaml:1:1: không tìm thấy tệp",
                                   f"{folder}/quotas.yaml:1:1: không phải văn bản UTF-8 (byte 11)"]


def test_decimals_are_kept_exactly() -> None:
    catalogue = shipped_catalogue()
    assert catalogue.award("LDTT").cash.multiplier == Decimal("0.3")
    assert catalogue.quota("CSTDCS_LDTT").max_share == Decimal("0.15")
