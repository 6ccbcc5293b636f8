"""The shipped rule set: versions chosen by date, the Bộ Nội vụ example and its reasons, and how
verdicts sum up (cannot tell is never pass; unverified rules are named)."""

from __future__ import annotations

from datetime import date

import pytest

from services.nomination.eligibility import (
    DEFAULT_RULES,
    Innovation,
    NomineeFacts,
    Rating,
    RuleSet,
    Standing,
    Verdict,
    YearRecord,
    evaluate,
    load_rules,
    summarize,
)

CLEAN = Standing(False, False, False, None, False)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(DEFAULT_RULES)


def bnv_example(attested: bool = True) -> NomineeFacts:
    """Bộ Nội vụ: 2023 HTXSNV + 1 sáng kiến, 2024 HTXSNV + 1 sáng kiến + CSTĐCS ⇒ Bằng khen tỉnh."""
    return NomineeFacts(
        "ca_nhan", standing=CLEAN,
        years={2023: YearRecord(2023, Rating.HTXSNV), 2024: YearRecord(2024, Rating.HTXSNV, frozenset({"CSTDCS"}))},
        innovations=(Innovation(2023, "co_so", title="Số hóa hồ sơ"), Innovation(2024, "co_so", title="Một cửa")),
        attestations=frozenset({"guong_mau_chap_hanh"} if attested else ()))


def test_the_bo_noi_vu_example_is_eligible_with_reasons_that_name_years_and_counts(rules: RuleSet) -> None:
    verdicts = evaluate(rules, "BKT", 2024, bnv_example(), date(2025, 1, 15))
    r9 = next(v for v in verdicts if v.rule_id == "R9")
    assert r9.outcome == "pass" and r9.verified
    assert r9.reason.split("; ")[1:] == [
        "Đủ 02 năm liên tục xếp loại Hoàn thành xuất sắc nhiệm vụ (2023, 2024)",
        "Có 02 sáng kiến phạm vi ảnh hưởng cấp cơ sở trở lên trong 2023–2024 (cần ít nhất 02)"]
    assert "2024: HTXSNV, CSTĐCS" in r9.facts_used
    assert "Sáng kiến 2023 (cơ sở): Số hóa hồ sơ" in r9.facts_used
    assert r9.legal_basis.startswith("Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 74 khoản 1 điểm d")
    summary = summarize(verdicts)
    assert (summary.outcome, summary.provisional) == ("pass", False)


def test_without_the_attestation_the_example_cannot_be_told_and_names_it(rules: RuleSet) -> None:
    summary = summarize(evaluate(rules, "BKT", 2024, bnv_example(attested=False), date(2025, 1, 15)))
    assert summary.outcome == "unknown"
    assert summary.missing == ("xác nhận của Hội đồng TĐKT: Gương mẫu chấp hành tốt chủ trương, chính sách "
                               "của Đảng, pháp luật của Nhà nước",)


def test_rule_versions_are_chosen_by_the_evaluation_date(rules: RuleSet) -> None:
    old, new = rules.rule("R11", date(2023, 12, 31)), rules.rule("R11", date(2024, 1, 1))
    assert old is not None and new is not None
    assert (old.legal.document, old.verified) == ("Nghị định 91/2017/NĐ-CP", True)
    assert (new.legal.article, new.verified) == ("Điều 71", False)
    assert "CHƯA KIỂM CHỨNG" in new.legal.text()
    # G1 stood in the earlier decrees too: a version for every evaluation date, each citing its decree
    assert [r.id for r in rules.for_award("LDTT", date(2025, 6, 30))] == ["G1", "G3", "R1"]
    g1 = [rules.rule("G1", date(y, 6, 30)) for y in (2023, 2025, 2026)]
    assert [g.legal.document for g in g1 if g] == ["Nghị định 91/2017/NĐ-CP", "Nghị định 98/2023/NĐ-CP",
                                                   "Nghị định 152/2025/NĐ-CP"]
    assert g1[0] is not None and "độ tin cậy: thấp" in g1[0].legal.text()
    assert [r.id for r in rules.for_award("LDTT", date(2025, 7, 1))] == ["G1", "G3", "R1"]
    assert [r.id for r in rules.for_award("TTLDXS", date(2025, 9, 1))] == ["G1", "G3", "G5", "R6"]


def test_rules_are_filtered_by_subject_and_basis(rules: RuleSet) -> None:
    on = date(2026, 1, 15)
    # Điều 74 khoản 1 (d computed; a–c and đ judged by the appraiser) and khoản 2, alternatives of group R9
    assert [r.id for r in rules.for_award("BKT", on, subject="ca_nhan")] == \
        ["G1", "G3", "R9", "R9-ABC", "R9-DD", "R9-K2"]
    assert [r.id for r in rules.for_award("BKT", on, basis="dot_xuat", subject="ca_nhan")] == \
        ["G1", "G3", "R9-ABC", "R9-K2"]
    assert [r.id for r in rules.for_award("BKT", on, subject="doanh_nghiep")] == ["G1", "G3", "R10"]
    assert [r.id for r in rules.for_award("HCLD1", on, basis="cong_hien", subject="ca_nhan")] == ["G1", "G3", "R14"]


def verdict(rule_id: str, outcome: str, verified: bool = True, kind: str = "rule", group: str = "") -> Verdict:
    missing = (f"dữ liệu cho {rule_id}",) if outcome == "unknown" else ()
    return Verdict(rule_id, rule_id, outcome, f"lý do {rule_id}", (), missing, verified, "", kind,  # type: ignore[arg-type]
                   group or rule_id)


def test_unknown_is_never_summed_up_as_pass() -> None:
    summary = summarize([verdict("G1", "pass", kind="guard"), verdict("R1", "unknown")])
    assert (summary.outcome, summary.missing) == ("unknown", ("dữ liệu cho R1",))
    assert summarize([verdict("G1", "unknown", kind="guard"), verdict("R1", "pass")]).outcome == "unknown"


def test_a_failing_guard_or_rule_fails_even_when_another_is_unknown() -> None:
    summary = summarize([verdict("G1", "fail", kind="guard"), verdict("R1", "unknown")])
    assert (summary.outcome, summary.deciding) == ("fail", ("G1",))
    assert summary.text == "Không đủ điều kiện — G1: lý do G1"


def test_rules_of_one_group_are_alternatives() -> None:
    group = [verdict("R9", "fail", group="R9"), verdict("R9-ABC", "pass", verified=False, group="R9")]
    summary = summarize(group)
    assert (summary.outcome, summary.unverified) == ("pass", ("R9-ABC",))
    assert summary.provisional and "chưa kiểm chứng" in summary.text
    assert summarize([verdict("R9", "pass", group="R9"), group[1]]).unverified == ()
    assert summarize([verdict("R9", "fail", group="R9"), verdict("R9-ABC", "unknown", False, group="R9")]).outcome \
        == "unknown"


def test_a_fail_is_provisional_only_when_no_verified_requirement_fails() -> None:
    loose = summarize([verdict("R5", "fail", verified=False)])
    assert (loose.outcome, loose.unverified) == ("fail", ("R5",))
    solid = summarize([verdict("R5", "fail", verified=False), verdict("R6", "fail")])
    assert (solid.outcome, solid.provisional) == ("fail", False)


def test_an_award_without_rules_for_the_subject_cannot_be_told(rules: RuleSet) -> None:
    verdicts = evaluate(rules, "BKTTG", 2025, NomineeFacts("tap_the", standing=CLEAN), date(2026, 1, 15))
    assert [v.kind for v in verdicts] == ["guard", "guard", "guard"]
    assert summarize(verdicts).outcome == "unknown"
    assert summarize([]).outcome == "unknown"


def test_years_up_to_the_end_of_a_discipline_count_as_not_met(rules: RuleSet) -> None:
    facts = NomineeFacts("ca_nhan", years={2025: YearRecord(2025, Rating.HTXSNV)}, attestations=frozenset({
        "tu_luc_doan_ket"}), standing=Standing(False, False, False, date(2025, 6, 30), False))
    by_id = {v.rule_id: v for v in evaluate(rules, "LDTT", 2025, facts, date(2026, 1, 15))}
    assert by_id["G1"].outcome == "pass"
    assert (by_id["R1"].outcome, by_id["R1"].reason) == ("fail", "Năm 2025 không được tính (kỷ luật đến 30/06/2025)")
