"""Folded names for search and identity keys; masking of personal data; who sees a full record."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from services.nomination.history.names import clean_name, fold, tokens
from services.nomination.history.privacy import (
    mask_birth_date,
    mask_number,
    mask_numbers,
    masked_record,
    may_see_full,
    scrub,
)


@pytest.mark.parametrize(("name", "folded"), [
    ("Nguyễn Văn A", "nguyen van a"),
    (unicodedata.normalize("NFD", "Nguyễn Văn A"), "nguyen van a"),
    ("ĐẶNG  Đức   Hạnh", "dang duc hanh"),
    ("Hoàng Thị Bích", "hoang thi bich"),
    ("Nông Ích Đạt", "nong ich dat"),
])
def test_names_fold_to_lower_case_without_diacritics(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_clean_name_is_nfc_with_single_spaces() -> None:
    cleaned = clean_name("  " + unicodedata.normalize("NFD", "Nguyễn   Văn A") + " ")
    assert cleaned == "Nguyễn Văn A"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_a_query_splits_into_folded_words() -> None:
    assert tokens("Nguyễn, Văn-A") == ["nguyen", "van", "a"]


def test_a_number_is_masked_but_its_province_and_last_digits() -> None:
    assert mask_number("004085000789") == "004******789"
    assert mask_number(None) is None


def test_a_birth_date_shows_only_its_year() -> None:
    assert mask_birth_date(date(1985, 3, 5)) == 1985


def test_free_text_loses_every_number_and_full_date() -> None:
    text = scrub("người 004085000789 sinh 05/03/1985 (1985-03-05), quyết định 163/QĐ-UBND")
    assert text == "người 004******789 sinh **/**/1985 (**/**/1985), quyết định 163/QĐ-UBND"
    assert mask_numbers("đơn ngày 02/03/2026 của 004085000789") == "đơn ngày 02/03/2026 của 004******789"


def test_a_masked_record_keeps_the_year_of_birth_only() -> None:
    record = {"personal_number": "004085000789", "born_on": date(1985, 3, 5), "full_name": "Nguyễn Văn A"}
    masked = masked_record(record)
    assert (masked["personal_number"], masked["born_on"], masked["birth_year"]) == ("004******789", None, 1985)
    assert masked["masked"] is True


@pytest.mark.parametrize(("roles", "unit", "entitled"), [
    ({"appraiser"}, None, True),
    ({"auditor"}, None, True),
    ({"admin"}, None, True),
    ({"unit_clerk"}, "SNV", True),
    ({"unit_clerk"}, "SYT", False),
    ({"council_member"}, "SNV", False),
    ({"integrator"}, None, False),
    ({"planner"}, "SNV", False),
])
def test_only_entitled_roles_see_a_full_record(roles: set[str], unit: str | None, entitled: bool) -> None:
    assert may_see_full(roles, unit, "SNV") is entitled
