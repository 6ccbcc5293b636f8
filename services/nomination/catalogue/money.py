"""Tiền thưởng: an award's multiplier × the base salary (mức lương cơ sở) in force on the
decision date, rounded as configured in salary.yaml.

Pure: the standard library and the catalogue's models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from services.nomination.catalogue.model import Award, Rounding, SalaryEntry, SalaryFile
from services.nomination.eligibility.facts import SubjectKind

SUBJECT_LABELS = {"ca_nhan": "cá nhân", "tap_the": "tập thể", "ho_gia_dinh": "hộ gia đình",
                  "doanh_nghiep": "doanh nghiệp"}

_MODES = {"up": ROUND_CEILING, "half_up": ROUND_HALF_UP, "down": ROUND_FLOOR}
_MODE_LABELS = {"up": "làm tròn lên", "half_up": "làm tròn", "down": "làm tròn xuống"}


@dataclass(frozen=True)
class CashAmount:
    award: str
    subject: SubjectKind
    decided_on: date
    multiplier: Decimal
    base_salary: Decimal
    salary_from: date
    exact: Decimal  # before rounding
    amount: Decimal  # đồng
    verified: bool  # multiplier, salary entry and rounding all confirmed against their legal basis

    @property
    def explanation(self) -> str:
        return (f"{number(self.multiplier)} × {number(self.base_salary)} đ (mức lương cơ sở từ "
                f"{self.salary_from:%d/%m/%Y}) = {number(self.exact)} đ → {number(self.amount)} đ")


def number(value: Decimal) -> str:
    """Vietnamese notation: 2.340.000 and 0,3."""
    text = f"{value.normalize():,f}" if value != value.to_integral() else f"{int(value):,}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def salary_on(salary: SalaryFile, day: date) -> SalaryEntry:
    """The base salary entry in force on `day` (the latest one starting on or before it)."""
    entries = [entry for entry in salary.base_salary if entry.valid_from <= day]
    if not entries:
        raise NoSalaryError(day, min(entry.valid_from for entry in salary.base_salary))
    return max(entries, key=lambda entry: entry.valid_from)


def valid_to(salary: SalaryFile, entry: SalaryEntry) -> date | None:
    later = [other.valid_from for other in salary.base_salary if other.valid_from > entry.valid_from]
    return min(later) - timedelta(days=1) if later else None


def rounded(value: Decimal, rounding: Rounding) -> Decimal:
    step = Decimal(rounding.step)
    return (value / step).to_integral_value(rounding=_MODES[rounding.mode]) * step


def default_subject(award: Award) -> SubjectKind:
    """An individual where the award has individuals, else the award's first kind of nominee."""
    return "ca_nhan" if "ca_nhan" in award.subjects else award.subjects[0]


def cash(award: Award, decided_on: date, salary: SalaryFile, subject: SubjectKind | None = None) -> CashAmount:
    """Multiplier × the base salary in force on the decision date, rounded (NĐ 152/2025 Đ49)."""
    subject = subject or default_subject(award)
    if subject not in award.subjects:
        raise SubjectNotAwardedError(award.name, SUBJECT_LABELS[subject])
    multiplier, multiplier_verified = award.cash.for_subject(subject)
    if multiplier is None:
        raise NoMultiplierError(award.code, award.name, SUBJECT_LABELS[subject])
    entry = salary_on(salary, decided_on)
    exact = multiplier * entry.amount
    verified = multiplier_verified and entry.verified and bool(salary.rounding.legal_basis) and all(
        basis.verified for basis in salary.rounding.legal_basis)
    return CashAmount(award=award.code, subject=subject, decided_on=decided_on, multiplier=multiplier,
                      base_salary=entry.amount, salary_from=entry.valid_from, exact=exact,
                      amount=rounded(exact, salary.rounding), verified=verified)


def cash_amount(award: Award, decided_on: date, salary: SalaryFile, subject: SubjectKind | None = None) -> Decimal:
    """The cash amount in đồng of `award` decided on `decided_on`."""
    return cash(award, decided_on, salary, subject).amount


@dataclass(frozen=True)
class Payable:
    """What is paid for several titles of one period: only the highest amount (NĐ 152/2025 Đ49)."""

    paid: CashAmount
    not_paid: tuple[CashAmount, ...]

    @property
    def amount(self) -> Decimal:
        return self.paid.amount


def highest_only(amounts: list[CashAmount]) -> Payable:
    """Of the amounts for titles of the same period, the one paid (the highest; on a tie the first)."""
    if not amounts:
        raise ValueError("cần ít nhất một khoản tiền thưởng")
    paid = max(amounts, key=lambda amount: amount.amount)
    return Payable(paid=paid, not_paid=tuple(a for a in amounts if a is not paid))


def rounding_label(rounding: Rounding) -> str:
    return f"{_MODE_LABELS[rounding.mode]} đến bội số của {number(Decimal(rounding.step))} đ"


class NoSalaryError(LookupError):
    """Raised when no base salary entry covers the date."""

    def __init__(self, day: date, earliest: date) -> None:
        super().__init__(f"Không có mức lương cơ sở áp dụng ngày {day:%d/%m/%Y}: bảng lương cơ sở (salary.yaml) "
                         f"bắt đầu từ {earliest:%d/%m/%Y}.")


class SubjectNotAwardedError(ValueError):
    """Raised when the cash asked for is for a kind of nominee the award is not given to."""

    def __init__(self, name: str, subject: str) -> None:
        super().__init__(f"'{name}' không tặng cho {subject}: không có mức tiền thưởng.")


class NoMultiplierError(LookupError):
    """Raised when the catalogue gives no cash multiplier for the award."""

    def __init__(self, code: str, name: str, subject: str = "cá nhân") -> None:
        super().__init__(f"Danh mục chưa có hệ số tiền thưởng của '{name}' ({code}) cho {subject}: bổ sung "
                         f"cash.multiplier (hoặc cash.subjects) trong awards.yaml kèm căn cứ pháp lý.")
