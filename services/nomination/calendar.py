"""Working days and calendar days in the province.

The public holidays come from the `holidays` package (Vietnam: Tết by the lunar calendar, the
days swapped with a weekend that it knows); `holidays.yaml` holds the province's overrides:
days off the package does not know, days it gives off that the province works, and which
years' schedules were checked against the Government's announcement. Days are the province's
calendar days (Asia/Ho_Chi_Minh), never the UTC date of an instant.

Pure: the standard library, pydantic, `holidays` and the configuration loader.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.nomination.yamlconfig import load

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DEFAULT_FILE = Path(__file__).with_name("data") / "holidays.yaml"
PROVINCE_ZONE = "Asia/Ho_Chi_Minh"


class YearOverride(BaseModel):
    """What the province knows of one year beyond the package: the announcement it checked."""

    model_config = ConfigDict(extra="forbid")

    verified: bool  # the year's days checked against the Government's announcement
    source: str = Field(min_length=1, max_length=500)
    days_off: list[date] = Field(default=[], description="Ngày nghỉ thêm mà gói holidays không có")
    working_days: list[date] = Field(default=[], description="Ngày làm việc (kể cả thứ Bảy, Chủ nhật làm bù)")
    unverified_days: list[date] = Field(default=[], description="Ngày nghỉ của gói chưa đối chiếu văn bản")
    note: str = Field(default="", max_length=2000)


class HolidayFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Literal["VN"] = "VN"
    weekend: list[str] = Field(min_length=1, max_length=3)
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    years: dict[int, YearOverride] = {}

    @field_validator("weekend")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"ngày không hợp lệ: {unknown}; dùng {WEEKDAYS}")
        return value

    @model_validator(mode="after")
    def _years_in_range(self) -> Self:
        if self.first_year > self.last_year:
            raise ValueError(f"first_year ({self.first_year}) sau last_year ({self.last_year})")
        for year, entry in self.years.items():
            if not self.first_year <= year <= self.last_year:
                raise ValueError(f"năm {year} ngoài khoảng {self.first_year}–{self.last_year}")
            stray = [d for d in entry.days_off + entry.working_days + entry.unverified_days if d.year != year]
            if stray:
                raise ValueError(f"năm {year}: ngày {', '.join(f'{d:%d/%m/%Y}' for d in stray)} thuộc năm khác")
            both = set(entry.days_off) & set(entry.working_days)
            if both:
                raise ValueError(f"năm {year}: ngày {', '.join(f'{d:%d/%m/%Y}' for d in sorted(both))} "
                                 "vừa là ngày nghỉ vừa là ngày làm việc")
        return self


class WorkingCalendar:
    def __init__(self, config: HolidayFile, zone: str = PROVINCE_ZONE) -> None:
        self.zone = ZoneInfo(zone)
        self.weekend = {WEEKDAYS.index(d) for d in config.weekend}
        self.first_year, self.last_year = config.first_year, config.last_year
        package = holidays.country_holidays(config.country, years=range(config.first_year, config.last_year + 1))
        self.names: dict[date, str] = dict(package.items())
        self.weekend_workdays: set[date] = set(package.weekend_workdays)
        self.days_off = {d for entry in config.years.values() for d in entry.days_off}
        self.working_days = {d for entry in config.years.values() for d in entry.working_days}
        self.unverified = sorted(year for year in range(config.first_year, config.last_year + 1)
                                 if year not in config.years or not config.years[year].verified)
        self.unverified_days = sorted(d for entry in config.years.values() for d in entry.unverified_days)

    @classmethod
    def from_file(cls, path: Path = DEFAULT_FILE, zone: str = PROVINCE_ZONE) -> WorkingCalendar:
        return cls(load(path.read_text(encoding="utf-8"), HolidayFile, path.name), zone)

    def day_of(self, moment: datetime) -> date:
        """The province's calendar day of an instant (not its UTC date)."""
        if moment.tzinfo is None:
            raise ValueError("thời điểm không có múi giờ")
        return moment.astimezone(self.zone).date()

    def is_working_day(self, day: date) -> bool:
        if not self.first_year <= day.year <= self.last_year:
            raise YearNotConfiguredError(day.year, self.first_year, self.last_year)
        if day in self.working_days:
            return True
        if day in self.days_off or day in self.names:
            return False
        return day in self.weekend_workdays or day.weekday() not in self.weekend

    def add_working_days(self, start: date, days: int) -> date:
        """The day on which `days` working days after `start` end (counting from the next day)."""
        current = start
        while days > 0:
            current += timedelta(days=1)
            days -= self.is_working_day(current)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


class YearNotConfiguredError(ValueError):
    def __init__(self, year: int, first: int, last: int) -> None:
        super().__init__(f"Lịch ngày làm việc chỉ có các năm {first}–{last} (services/nomination/data/holidays.yaml): "
                         f"không tính được ngày làm việc năm {year}.")
