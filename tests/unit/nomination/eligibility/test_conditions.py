"""Conditions answer pass, fail or cannot tell, in Kleene's logic, with reasons that name years,
counts and what is missing."""

from __future__ import annotations

from datetime import date

import pytest

from services.nomination.eligibility import (
    MembersYear,
    NomineeFacts,
    Rating,
    Standing,
    YearRecord,
    evaluate,
    load_rules,
)
from services.nomination.eligibility.facts import Confirmation
from tests.unit.nomination.eligibility.support import rule, rules_text, verdict

# three leaves: p passes, f fails, u cannot tell (the dossier does not say)
FACTS = NomineeFacts("ca_nhan", dossier={"p": True, "f": False})
LEAF = {name: f"{{dossier_fact: {{key: {name}, text: tiêu chí {name}}}}}" for name in "pfu"}
OUTCOME = {"p": "pass", "f": "fail", "u": "unknown"}


@pytest.mark.parametrize(("left", "right", "all_", "any_"), [
    ("p", "p", "pass", "pass"), ("p", "f", "fail", "pass"), ("p", "u", "unknown", "pass"),
    ("f", "f", "fail", "fail"), ("f", "u", "fail", "unknown"), ("u", "u", "unknown", "unknown"),
])
def test_all_and_any_follow_kleene_logic(left: str, right: str, all_: str, any_: str) -> None:
    pair = f"[{LEAF[left]}, {LEAF[right]}]"
    assert verdict(f"all: {pair}", FACTS).outcome == all_
    assert verdict(f"any: {pair}", FACTS).outcome == any_
    assert verdict(f"all: [{LEAF[right]}, {LEAF[left]}]", FACTS).outcome == all_


@pytest.mark.parametrize(("leaf", "expected"), [("p", "fail"), ("f", "pass"), ("u", "unknown")])
def test_not_swaps_pass_and_fail_and_keeps_unknown(leaf: str, expected: str) -> None:
    assert verdict(f"not: {LEAF[leaf]}", FACTS).outcome == expected


def test_a_failing_part_wins_over_a_missing_one_and_only_unknown_parts_are_missing() -> None:
    result = verdict(f"all: [{LEAF['u']}, {LEAF['f']}]", FACTS)
    assert (result.outcome, result.missing) == ("fail", ())
    result = verdict(f"all: [{LEAF['u']}, {LEAF['p']}]", FACTS)
    assert result.missing == ("dữ kiện hồ sơ: tiêu chí u",)


def test_a_gap_year_fails_and_the_reason_names_the_years_held_and_lacking() -> None:
    facts = NomineeFacts("ca_nhan", years={
        2022: YearRecord(2022, Rating.HTXSNV, frozenset({"CSTDCS"})), 2023: YearRecord(2023, Rating.HTTNV),
        2024: YearRecord(2024, Rating.HTXSNV, frozenset({"CSTDCS"}))})
    result = verdict("title_streak: {title: CSTDCS, years: 3}", facts, year=2024)
    assert result.outcome == "fail"
    assert result.reason == "Chưa đủ 03 năm liên tục đạt Chiến sĩ thi đua cơ sở (có 2022, 2024; thiếu 2023)"
    assert result.facts_used == ("2022: HTXSNV, CSTĐCS", "2023: HTTNV", "2024: HTXSNV, CSTĐCS")


def test_a_year_without_data_cannot_be_told_and_is_named() -> None:
    years = {2022: YearRecord(2022, Rating.HTXSNV), 2024: YearRecord(2024, Rating.HTXSNV)}
    facts = NomineeFacts("ca_nhan", years=years)
    result = verdict("rating_streak: {min: HTTNV, years: 3}", facts, year=2024)
    assert result.outcome == "unknown"
    assert result.reason == "Không rõ xếp loại năm 2023 (chưa có dữ liệu)"
    assert result.missing == ("xếp loại năm 2023",)


def test_a_share_below_the_threshold_fails_with_percent_and_counts() -> None:
    facts = NomineeFacts("tap_the", members={2024: MembersYear(2024, 20, titles={"LDTT": 13})})
    result = verdict("members_share: {title: LDTT, min_percent: 70}", facts, year=2024)
    assert (result.outcome, result.reason) == ("fail", "Tỷ lệ Lao động tiên tiến 65% (13/20) thấp hơn 70%")


def test_exactly_the_threshold_passes_and_a_title_not_counted_cannot_be_told() -> None:
    facts = NomineeFacts("tap_the", members={2024: MembersYear(2024, 20, titles={"LDTT": 14})})
    assert verdict("members_share: {title: LDTT, min_percent: 70}", facts, year=2024).outcome == "pass"
    result = verdict("members_with_title: {title: CSTDCS}", facts, year=2024)
    assert result.outcome == "unknown"
    assert result.missing == ("số thành viên đạt Chiến sĩ thi đua cơ sở năm 2024",)


def test_a_rule_refers_to_another_rules_outcome() -> None:
    text = rules_text(rule(LEAF["u"], "A"), rule("any: [{rule: A}, " + LEAF["p"] + "]", "B"))
    verdicts = evaluate(load_rules(text), "X", 2025, FACTS, date(2026, 1, 15))
    assert [(v.rule_id, v.outcome) for v in verdicts] == [("A", "unknown"), ("B", "pass")]
    text = rules_text(rule(LEAF["f"], "A"), rule("all: [{rule: A}]", "B"))
    assert evaluate(load_rules(text), "X", 2025, FACTS, date(2026, 1, 15))[1].reason.startswith("Theo A: ")


def test_a_confirmation_older_than_the_rule_allows_cannot_tell() -> None:
    # stated nothing pending as of 01/06/2025; the rule takes confirmations of at most 180 days
    stated = Standing(confirmations=(Confirmation(date(2025, 6, 1), "Thủ trưởng đơn vị", "3/XN-SNV"),))
    facts = NomineeFacts("ca_nhan", standing=stated)
    condition = "no_pending: {matters: [discipline_pending, complaint_pending], confirmed_within_days: 180}"
    fresh = verdict(condition, facts, on=date(2025, 11, 28))  # 180 days later
    assert (fresh.outcome, "3/XN-SNV" in fresh.reason) == ("pass", True)
    stale = verdict(condition, facts, on=date(2025, 11, 29))
    assert stale.outcome == "unknown" and "đã quá 180 ngày trước ngày xét" in " ".join(stale.facts_used)
    before = verdict(condition, facts, on=date(2025, 5, 31))  # the confirmation speaks of a later day
    assert before.outcome == "unknown" and "chưa có xác nhận đến ngày xét" in " ".join(before.facts_used)
