"""The 12-digit personal identification number: shape, origin code, century/sex digit and
birth-year digits, each error naming the digit at fault; the tables come from configuration."""

from __future__ import annotations

from datetime import date

import pytest

from services.nomination.history.config import history_config
from services.nomination.history.pid import CenturySex, PersonalNumberError, PidRules, birth_year, check_personal_number

VALID = [
    ("004085000123", date(1985, 3, 5), "nam"),
    ("004185000123", date(1985, 3, 5), "nu"),
    ("004200000456", date(2000, 1, 1), "nam"),
    ("001399123456", date(2099, 12, 31), "nu"),
    ("004085000123", None, None),
]


@pytest.mark.parametrize(("number", "born_on", "sex"), VALID)
def test_valid_numbers_are_accepted(rules: PidRules, number: str, born_on: date | None, sex: str | None) -> None:
    assert check_personal_number(number, rules, born_on, sex) == number


INVALID = [
    ("00408500012", None, None, r"đúng 12 chữ số \(nhận được 11\)"),
    ("0040850001234", None, None, r"đúng 12 chữ số \(nhận được 13\)"),
    ("00408500012A", None, None, r"Ký tự thứ 12 \('A'\)"),
    ("0O4085000123", None, None, r"Ký tự thứ 2 \('O'\)"),
    ("099085000123", None, None, r"Ba chữ số đầu \(099\)"),
    ("004285000123", date(1985, 3, 5), None, r"Chữ số thứ 4 \(2\) chỉ người sinh trong các năm 2000–2099, "
                                              r"nhưng năm sinh là 1985"),
    ("004086000123", date(1985, 3, 5), None, r"Chữ số thứ 5–6 \(86\) phải là hai số cuối của năm sinh \(1985\)"),
    ("004085000123", date(1985, 3, 5), "nu", r"Chữ số thứ 4 \(0\) chỉ giới tính nam, nhưng giới tính ghi là nữ"),
]


@pytest.mark.parametrize(("number", "born_on", "sex", "message"), INVALID)
def test_invalid_numbers_name_the_digit_at_fault(rules: PidRules, number: str, born_on: date | None,
                                                 sex: str | None, message: str) -> None:
    with pytest.raises(PersonalNumberError, match=message):
        check_personal_number(number, rules, born_on, sex)


def test_blanks_between_groups_are_ignored(rules: PidRules) -> None:
    assert check_personal_number(" 004 085 000 123 ", rules) == "004085000123"


def test_the_error_message_never_repeats_the_whole_number(rules: PidRules) -> None:
    with pytest.raises(PersonalNumberError) as error:
        check_personal_number("004086000123", rules, date(1985, 3, 5))
    assert "004086000123" not in str(error.value)


def test_the_century_digit_means_what_the_configuration_says() -> None:
    rules = PidRules(origin_codes={"004": "Cao Bằng"}, century_sex={"0": CenturySex(1800, "nam")})
    assert check_personal_number("004085000123", rules, date(1885, 1, 1)) == "004085000123"
    with pytest.raises(PersonalNumberError, match="1800–1899"):
        check_personal_number("004085000123", rules, date(1985, 1, 1))


def test_the_shipped_tables_say_they_are_unverified() -> None:
    config = history_config()
    assert config.pid.status == "UNVERIFIED"
    assert config.pid.origin_codes["004"] == "Cao Bằng"
    assert len(config.pid.origin_codes) == 63
    assert "NĐ 137/2015" in config.pid.legal_basis


def test_the_birth_year_is_read_from_digits_four_to_six(rules: PidRules) -> None:
    assert birth_year("004085000123", rules) == 1985
    assert birth_year("004305000123", rules) == 2005
