"""The 12-digit personal identification number (số định danh cá nhân), checked against
rules read from configuration (`config.yaml`: the origin codes and the century/sex digit are
UNVERIFIED, so they are data with their legal basis, never constants here).

Layout (NĐ 137/2015/NĐ-CP Điều 13, domain.md §5): 3 digits = province or country where the
birth was registered; 1 digit = century of birth and sex; 2 digits = last two digits of the
birth year; 6 random digits.

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

SEX_LABELS = {"nam": "nam", "nu": "nữ"}


@dataclass(frozen=True)
class CenturySex:
    century_start: int  # 1900: born 1900–1999
    sex: str  # "nam" | "nu"


@dataclass(frozen=True)
class PidRules:
    origin_codes: Mapping[str, str]  # "004" -> "Cao Bằng"
    century_sex: Mapping[str, CenturySex]  # "0" -> CenturySex(1900, "nam")
    status: str = "UNVERIFIED"
    legal_basis: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def check_personal_number(number: str, rules: PidRules, born_on: date | None = None,
                          sex: str | None = None) -> str:
    """The number without blanks, or PersonalNumberError naming the digit at fault."""
    digits = "".join(str(number).split())
    check_shape(digits)
    if digits[:3] not in rules.origin_codes:
        raise PersonalNumberError(
            f"Ba chữ số đầu ({digits[:3]}) không phải mã tỉnh, thành phố hoặc quốc gia nơi đăng ký "
            "khai sinh trong danh mục.")
    marker = rules.century_sex.get(digits[3])
    if marker is None:
        raise PersonalNumberError(f"Chữ số thứ 4 ({digits[3]}) không phải mã thế kỷ sinh và giới tính hợp lệ.")
    check_birth_digits(digits, marker, born_on)
    if sex is not None and sex != marker.sex:
        raise PersonalNumberError(
            f"Chữ số thứ 4 ({digits[3]}) chỉ giới tính {SEX_LABELS[marker.sex]}, "
            f"nhưng giới tính ghi là {SEX_LABELS.get(sex, sex)}.")
    return digits


def check_shape(digits: str) -> None:
    for position, character in enumerate(digits[:12], start=1):
        if not character.isascii() or not character.isdigit():
            raise PersonalNumberError(f"Ký tự thứ {position} ('{character}') của số định danh cá nhân "
                                      "không phải chữ số.")
    if len(digits) != 12:
        raise PersonalNumberError(f"Số định danh cá nhân phải có đúng 12 chữ số (nhận được {len(digits)}).")


def check_birth_digits(digits: str, marker: CenturySex, born_on: date | None) -> None:
    if born_on is None:
        return
    start = marker.century_start
    if not start <= born_on.year < start + 100:
        raise PersonalNumberError(
            f"Chữ số thứ 4 ({digits[3]}) chỉ người sinh trong các năm {start}–{start + 99}, "
            f"nhưng năm sinh là {born_on.year}.")
    if digits[4:6] != f"{born_on.year % 100:02d}":
        raise PersonalNumberError(
            f"Chữ số thứ 5–6 ({digits[4:6]}) phải là hai số cuối của năm sinh ({born_on.year}).")


def birth_year(digits: str, rules: PidRules) -> int | None:
    """The birth year a valid number states (digits 4–6)."""
    marker = rules.century_sex.get(digits[3])
    return marker.century_start + int(digits[4:6]) if marker else None


class PersonalNumberError(ValueError):
    """Raised when a personal identification number is malformed or contradicts the birth date or sex."""
