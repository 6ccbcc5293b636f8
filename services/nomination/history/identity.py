"""Who a record is about: deterministic ids (from the personal number, else from the folded
name, date of birth and unit code; a collective from its unit code) and the checks of a
person's details.

A person's id is a keyed hash (HMAC-SHA256) of what identifies them, under the service's
record key (`TDKT_NOMINATION_RECORD_KEY`, set once at start-up by `use_record_key`): without
the key, trying every personal number does not lead from an id back to its number. A
collective's id stays a plain uuid5 of its (public) unit code.

Pure: standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from services.nomination.history.names import clean_name, fold

_UNIT = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")
SEXES = {"nam": "Nam", "nu": "Nữ"}


RECORD_KEY_MIN_BYTES = 32


class RecordIds:
    """People's record ids under one key: the same details give the same id with the same key."""

    def __init__(self, key: str | bytes) -> None:
        self._key = key.encode() if isinstance(key, str) else bytes(key)
        if len(self._key) < RECORD_KEY_MIN_BYTES:
            raise ValueError(f"Khóa mã hồ sơ (TDKT_NOMINATION_RECORD_KEY) phải dài ít nhất {RECORD_KEY_MIN_BYTES} "
                             f"byte (hiện {len(self._key)}).")

    def _id(self, text: str) -> UUID:
        return UUID(bytes=hmac.new(self._key, text.encode(), hashlib.sha256).digest()[:16], version=4)

    def number_id(self, personal_number: str) -> UUID:
        return self._id(f"/people/{personal_number}")

    def key_id(self, full_name: str, born_on: date, unit_code: str) -> UUID:
        return self._id(f"/people/{fold(full_name)}/{born_on.isoformat()}/{unit_code}")


_ids: RecordIds | None = None


def use_record_key(key: str | bytes) -> None:
    """Set the key of people's record ids for this process (once, at start-up)."""
    global _ids
    _ids = RecordIds(key)


def record_ids() -> RecordIds:
    if _ids is None:
        raise RuntimeError("the record key is not set (TDKT_NOMINATION_RECORD_KEY, use_record_key)")
    return _ids


def number_id(personal_number: str) -> UUID:
    return record_ids().number_id(personal_number)


def key_id(full_name: str, born_on: date, unit_code: str) -> UUID:
    return record_ids().key_id(full_name, born_on, unit_code)


def collective_id(unit_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/collectives/{unit_code.strip().upper()}")


def candidate_ids(kind: str, personal_number: str | None, full_name: str, born_on: date | None,
                  unit_code: str) -> list[UUID]:
    """The records a nominee's details may name, to read them ahead: a person's by number and
    by name + date of birth + unit, a collective's by unit. (Only a guess: a record found
    through an alias or a merge, or under details written otherwise, is read when it is met.)"""
    if kind != "ca_nhan":
        return [collective_id(unit_code)]
    ids = [number_id(personal_number)] if personal_number else []
    return ids + ([key_id(full_name, born_on, unit_code)] if born_on else [])


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
