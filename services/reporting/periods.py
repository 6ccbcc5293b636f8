"""Periods a report covers: a quarter, the first six months, a year, or any range of days.

Written `2026-Q3`, `2026-H1` (sơ kết), `2026-H2`, `2026` (tổng kết) or `2026-01-01..2026-06-30`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["quarter", "half", "year", "range"]
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
YEARS_SHOWN = 5  # figures year on year: the year a period ends in and the 4 before
PATTERN = r"^(\d{4}(-Q[1-4]|-H[12])?|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$"
MAX_DAYS = 366 * 10
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """Raised when a period is not written as one of the accepted forms, or its days are impossible."""


@dataclass(frozen=True)
class Period:
    kind: Kind
    code: str
    start: date
    end: date  # inclusive

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        """How a report names the period, in Vietnamese."""
        if self.kind == "quarter":
            return f"quý {_ROMAN[(self.start.month + 2) // 3]} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng đầu năm {self.year}" if self.start.month == 1 else f"6 tháng cuối năm {self.year}"
        if self.kind == "year":
            return f"năm {self.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def quarters(self) -> list[tuple[int, int]]:
        """The (year, quarter) pairs the period touches, in order."""
        found: list[tuple[int, int]] = []
        day = self.start
        while day <= self.end:
            pair = (day.year, (day.month - 1) // 3 + 1)
            if pair not in found:
                found.append(pair)
            day = _next_quarter(day)
        return found


FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse(text: str) -> Period:
    text = text.strip()
    years = [int(y) for y in re.findall(r"(?:^|\.\.)(\d{4})", text)]
    if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise PeriodError(f"Kỳ báo cáo «{text}» phải nằm trong các năm {FIRST_YEAR}–{LAST_YEAR}.")
    return _parse(text)


def _parse(text: str) -> Period:
    if match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period("quarter", text, start, _next_quarter(start) - timedelta(days=1))
    if match := _HALF.fullmatch(text):
        year, half = int(match[1]), int(match[2])
        return Period("half", text, date(year, 1 if half == 1 else 7, 1),
                      date(year, 6, 30) if half == 1 else date(year, 12, 31))
    if match := _YEAR.fullmatch(text):
        year = int(match[1])
        return Period("year", text, date(year, 1, 1), date(year, 12, 31))
    if match := _RANGE.fullmatch(text):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as error:
            raise PeriodError(f"Ngày không có thật trong kỳ báo cáo «{text}»: {error}.") from None
        if end < start:
            raise PeriodError(f"Kỳ báo cáo «{text}»: ngày kết thúc trước ngày bắt đầu.")
        if (end - start).days > MAX_DAYS:
            raise PeriodError(f"Kỳ báo cáo «{text}» dài quá 10 năm.")
        return Period("range", text, start, end)
    raise PeriodError(f"Kỳ báo cáo «{text}» không đúng dạng: dùng 2026-Q3 (quý), 2026-H1 (6 tháng), "
                      "2026 (năm) hoặc 2026-01-01..2026-06-30 (khoảng ngày).")


def of(kind: str, value: str) -> Period:
    """The period a CLI sub-command names (`quarter 2026-Q3`, `half 2026-H1`, `year 2026`, `range A..B`)."""
    period = parse(value)
    if period.kind != kind:
        raise PeriodError(f"«{value}» không phải một kỳ loại {kind}.")
    return period


def _next_quarter(day: date) -> date:
    month = (day.month - 1) // 3 * 3 + 4
    return date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
