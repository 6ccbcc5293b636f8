"""A broken rule file is refused with the place of each error; the loader keeps the last good set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from services.nomination.eligibility import DEFAULT_RULES, ConfigError, RuleLoader, load_rules
from tests.unit.nomination.eligibility.support import rule, rules_text


def versioned(version: str) -> str:
    """The shipped rules under another version label."""
    return re.sub(r'^version: .*$', f'version: "{version}"', DEFAULT_RULES.read_text(encoding="utf-8"), count=1,
                  flags=re.M)


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_rules(text, name="rules.yaml")
    return error.value.details


def test_an_unknown_condition_kind_is_reported_at_its_line() -> None:
    text = rules_text(rule("all:\n  - rating_at_least: {min: HTTNV}\n  - rating_at_leest: {min: HTTNV}"))
    (problem,) = errors_of(text)
    assert problem.startswith("rules.yaml:14:11: rules[0].when.all[1]: điều kiện phải có đúng một khóa")
    assert "gặp: rating_at_leest" in problem


def test_a_bad_value_deep_in_a_condition_is_reported_at_its_line_and_path() -> None:
    text = rules_text(rule("any:\n  - all:\n    - title_streak: {title: CSTDCS, years: 0}"))
    (problem,) = errors_of(text)
    assert problem.startswith("rules.yaml:14:50: rules[0].when.any[0].all[0].title_streak.years:")


def test_an_undeclared_code_an_unknown_rule_and_an_unnamed_span_are_refused() -> None:
    text = rules_text(rule("all:\n  - title_in_year: {title: CSTDSC}\n  - rule: R99\n"
                           "  - rating_count: {rating: HTXSNV, same_span_as: nam}"))
    assert errors_of(text) == [
        "rules.yaml:13:34: rules[0].when.all[0].title_in_year.title.0: Value error, mã 'CSTDSC' không có trong "
        "mục labels của tệp quy tắc",
        "rules.yaml:14:17: rules[0].when.all[1].rule: Value error, không có quy tắc 'R99' trong tệp",
        "rules.yaml:15:56: rules[0].when.all[2].rating_count.same_span_as: Value error, khoảng năm 'nam' chưa được "
        "đặt tên (id) ở một chuỗi năm phía trước trong quy tắc",
    ]


def test_overlapping_versions_and_cycles_are_refused_at_the_rule() -> None:
    legal = "{document: Luật thử, verified: true, valid_from: 2024-01-01}"
    text = rules_text(rule("rule: B", "A", legal), rule("rule: A", "B", legal), rule("rule: A", "A", legal))
    problems = errors_of(text)
    assert any(p.startswith("rules.yaml:") and "rules[2].legal: hai phiên bản của A" in p for p in problems)
    assert any("rules[0].when: quy tắc A tham chiếu vòng tới chính nó" in p for p in problems)


def test_broken_yaml_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    assert errors_of("version: 1\nrules: [\n")[0].startswith("rules.yaml:3:1: YAML không đọc được")
    with pytest.raises(ConfigError, match="không đọc được tệp"):
        load_rules(tmp_path / "none.yaml")


def test_reload_of_a_broken_file_keeps_the_last_good_set(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT_RULES.read_text(encoding="utf-8"), encoding="utf-8")
    loader = RuleLoader(path)
    good = loader.current
    path.write_text(path.read_text(encoding="utf-8").replace("min: HTTNV}", "min: HTTTNV}", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        loader.reload()
    assert error.value.details[0].startswith(f"{path}:")
    assert loader.current is good and loader.last_error is error.value
    path.write_text(versioned("2026.3"), encoding="utf-8")
    assert loader.reload().version == "2026.3" and loader.last_error is None


def test_refresh_reloads_a_changed_file_and_never_drops_the_good_set(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT_RULES.read_text(encoding="utf-8"), encoding="utf-8")
    loader = RuleLoader(path)
    good = loader.current
    path.write_text("version: [", encoding="utf-8")
    _touch_later(path, good_mtime=path.stat().st_mtime)
    assert loader.refresh() is good and loader.last_error is not None
    path.write_text(versioned("2026.9"), encoding="utf-8")
    _touch_later(path, good_mtime=path.stat().st_mtime)
    assert loader.refresh().version == "2026.9"


def _touch_later(path: Path, good_mtime: float) -> None:
    os.utime(path, (good_mtime + 5, good_mtime + 5))
