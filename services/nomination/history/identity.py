"""Who a record is about: deterministic ids (from the personal number, else from the folded
name, date of birth and unit code; a collective from its unit code) and the checks of a
person's details.

Pure: standard library only.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from services.nomination.history.names import clean_name, fold

_UNIT = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")
SEXES = {"nam": "Nam", "nu": "Nữ"}


def number_id(personal_number: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/people/{personal_number}")


def key_id(full_name: str, born_on: date, unit_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/people/{fold(full_name)}/{born_on.isoformat()}/{unit_code}")


def collective_id(unit_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/collectives/{unit_code.strip().upper()}")


def check_name(name: str) -> str:
    name = clean_name(name or "")
    if not name or len(name) > 200 or any(c.isdigit() for c in name):
        raise InvalidPersonError("Họ và tên phải có từ 1 đến 200 ký tự và không chứa chữ số.")
    return name


def check_unit_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not _UNIT.match(code):
        raise InvalidPersonError(f"Mã đơn vị '{code}' không hợp lệ: chữ in hoa, số, '_', '.', '-', tối đa 32 ký tự.")
    return code


def check_birth_date(born_on: date | None, at: datetime) -> None:
    if born_on is not None and not date(1900, 1, 1) <= born_on <= at.date():
        raise InvalidPersonError("Ngày sinh phải từ năm 1900 đến hôm nay.")


def check_sex(sex: str | None) -> None:
    if sex is not None and sex not in SEXES:
        raise InvalidPersonError("Giới tính phải là 'nam' hoặc 'nu'.")


class HistoryError(ValueError):
    """Base of the history module's rule violations."""


class InvalidPersonError(HistoryError):
    """Raised when a person's name, unit code, date of birth or sex is malformed."""


class IdentityRequiredError(HistoryError):
    def __init__(self) -> None:
        super().__init__("Cần số định danh cá nhân, hoặc họ tên cùng ngày sinh và mã đơn vị.")
