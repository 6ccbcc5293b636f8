"""Personal data (số định danh cá nhân, ngày sinh) as others may see it: masked for logs,
search results, integrators and people not entitled to the full record.

Pure: standard library only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)")
_DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](\d{4})|(\d{4})-\d{2}-\d{2})\b")
FULL_READERS = frozenset({"appraiser", "auditor", "admin"})  # plus the clerk of the person's own unit


def mask_number(number: str | None) -> str | None:
    """"004085000789" -> "004******789"."""
    if not number:
        return None
    return f"{number[:3]}{'*' * (len(number) - 6)}{number[-3:]}" if len(number) > 6 else "*" * len(number)


def mask_birth_date(born_on: date | None) -> int | None:
    """A date of birth as others may see it: the year only."""
    return born_on.year if born_on else None


def mask_numbers(text: str) -> str:
    """Mask every 12-digit number in free text (a reason typed by a reader)."""
    return _NUMBER.sub(lambda m: f"{m[1]}******{m[2]}", text)


def scrub(text: str) -> str:
    """Mask every 12-digit number and every full date in free text (log lines)."""
    return _DATE.sub(lambda m: f"**/**/{m[1] or m[2]}", mask_numbers(text))


def may_see_full(roles: Iterable[str], unit: str | None, record_unit: str | None) -> bool:
    """Appraisers, auditors, admins, and the unit clerk of the person's own unit."""
    roles = set(roles)
    if roles & FULL_READERS:
        return True
    return "unit_clerk" in roles and unit is not None and unit == record_unit


def masked_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record's details with the number and date of birth masked (the year of birth kept)."""
    masked = {**record, "personal_number": mask_number(record.get("personal_number")),
              "born_on": None, "birth_year": mask_birth_date(record.get("born_on")) or record.get("birth_year")}
    masked["masked"] = True
    return masked


class ScrubFilter(logging.Filter):
    """Defence in depth for this module's loggers: no full number or date reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


def history_logger(name: str) -> logging.Logger:
    log = logging.getLogger(name)
    if not any(isinstance(f, ScrubFilter) for f in log.filters):
        log.addFilter(ScrubFilter())
    return log
