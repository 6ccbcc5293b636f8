"""Reading the movement, cluster and exemplary-model forms into the plan service's requests
(pure: no browser, no service)."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from services.web.format import points as shown
from services.web.pages.forms import FormProblem, points, rows

CRITERIA = [{"code": "TC1", "title": "Chuyên môn", "max_points": 60},
            {"code": "TC2", "title": "Cải cách", "max_points": 40}]


def test_lines_of_parts_are_read_and_padded_blank_lines_skipped() -> None:
    form = FormData({"criteria": "TC1 | Số hóa | 100%\n\n  TC2|Tập huấn  \n"})
    assert rows(form, "criteria", 3, 2, "mã | tiêu chí | chỉ tiêu") == [["TC1", "Số hóa", "100%"],
                                                                       ["TC2", "Tập huấn", ""]]


@pytest.mark.parametrize("typed", ["TC1", "TC1 | a | b | c", " | Số hóa"])
def test_a_line_off_the_pattern_is_named_by_its_number(typed: str) -> None:
    with pytest.raises(FormProblem) as refused:
        rows(FormData({"criteria": f"TC0 | Đúng mẫu\n{typed}"}), "criteria", 3, 2, "mã | tiêu chí")
    assert refused.value.field == "criteria"
    assert refused.value.message == "Dòng 2 chưa đúng mẫu “mã | tiêu chí”."


def test_points_take_a_decimal_comma_and_name_the_criterion_missing_or_wrong() -> None:
    assert points(FormData({"p-TC1": "57,5", "p-TC2": " 38 "}), CRITERIA) == {"TC1": 57.5, "TC2": 38.0}
    with pytest.raises(FormProblem) as missing:
        points(FormData({"p-TC1": "57"}), CRITERIA)
    assert (missing.value.field, missing.value.message) == ("p-TC2", "Chưa nhập điểm tiêu chí TC2.")
    with pytest.raises(FormProblem) as wrong:
        points(FormData({"p-TC1": "năm mươi", "p-TC2": "1"}), CRITERIA)
    assert (wrong.value.field, wrong.value.message) == ("p-TC1", "Điểm tiêu chí TC1 phải là một số (ví dụ 57,5).")


def test_points_are_shown_with_a_decimal_comma() -> None:
    assert [shown(v) for v in (57.5, "97.00", 100, None)] == ["57,5", "97", "100", "—"]
