"""How reasons are written: Vietnamese, counts of years with two digits ("03 năm"), dates
dd/mm/yyyy, percentages with a decimal comma, titles by their names from the rule file."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.nomination.eligibility.facts import RATING_LABELS, Rating

SCOPE_LABELS = {"co_so": "cơ sở", "tinh": "tỉnh", "toan_quoc": "toàn quốc"}
KIND_LABELS = {"sang_kien": "sáng kiến", "de_tai": "đề tài, đề án khoa học"}
DISCIPLINE_LABELS = {"khien_trach": "khiển trách", "canh_cao": "cảnh cáo", "ha_bac": "hạ bậc lương",
                     "giang_chuc": "giáng chức", "cach_chuc": "cách chức", "buoc_thoi_viec": "buộc thôi việc"}


@dataclass(frozen=True)
class Label:
    name: str  # "Chiến sĩ thi đua cơ sở"
    short: str  # "CSTĐCS"


class Labels:
    """The names of award and title codes, as the rule file gives them."""

    def __init__(self, labels: dict[str, Label]) -> None:
        self._labels = labels
        self._order = {code: i for i, code in enumerate(labels)}

    def name(self, code: str) -> str:
        return self._labels[code].name if code in self._labels else code

    def short(self, code: str) -> str:
        return self._labels[code].short if code in self._labels else code

    def names(self, codes: Iterable[str]) -> str:
        return " hoặc ".join(self.name(code) for code in codes)

    def shorts(self, codes: Iterable[str]) -> list[str]:
        return [self.short(code) for code in sorted(codes, key=lambda c: (self._order.get(c, 10**6), c))]

    def __contains__(self, code: object) -> bool:
        return code in self._labels


def two(count: int) -> str:
    """Counts of years as Vietnamese documents write them: 3 → "03"."""
    return f"{count:02d}"


def years(values: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(values))


def span(first: int, last: int) -> str:
    return f"năm {last}" if first == last else f"{first}–{last}"


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def percent(count: int, total: int) -> str:
    """13/20 → "65%"; 2/3 → "66,6%" (cut, never rounded up past a threshold)."""
    tenths = count * 1000 // total
    whole, part = divmod(tenths, 10)
    return f"{whole}%" if part == 0 else f"{whole},{part}%"


def rating(value: Rating) -> str:
    return RATING_LABELS[value]


def scope_at_least(scope: str) -> str:
    return "toàn quốc" if scope == "toan_quoc" else f"cấp {SCOPE_LABELS[scope]} trở lên"


def kinds(values: Iterable[str]) -> str:
    return " hoặc ".join(KIND_LABELS[v] for v in values)


def norm(text: str) -> str:
    """For comparing names written by people: NFC, case and spaces ignored."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
