"""Working days in the province: weekends and the public holidays configured per year.

Pure: the standard library, pydantic and the configuration loader.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from services.nomination.yamlconfig import load

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DEFAULT_FILE = Path(__file__).with_name("data") / "holidays.yaml"


class HolidayYear(BaseModel):
    verified: bool
    source: str
    days: list[date]


class HolidayFile(BaseModel):
    weekend: list[str] = Field(min_length=1, max_length=3)
    years: dict[int, HolidayYear]

    @field_validator("weekend")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"ngày không hợp lệ: {unknown}; dùng {WEEKDAYS}")
        return value


class WorkingCalendar:
    def __init__(self, config: HolidayFile) -> None:
        self.weekend = {WEEKDAYS.index(d) for d in config.weekend}
        self.holidays = {year: set(entry.days) for year, entry in config.years.items()}
        self.unverified = sorted(year for year, entry in config.years.items() if not entry.verified)

    @classmethod
    def from_file(cls, path: Path = DEFAULT_FILE) -> WorkingCalendar:
        return cls(load(path.read_text(encoding="utf-8"), HolidayFile, path.name))

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.holidays:
            raise YearNotConfiguredError(day.year)
        return day.weekday() not in self.weekend and day not in self.holidays[day.year]

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
    def __init__(self, year: int) -> None:
        super().__init__(f"Chưa có lịch nghỉ lễ năm {year} (services/nomination/data/holidays.yaml): "
                         "không tính được ngày làm việc.")
