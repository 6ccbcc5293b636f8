"""One version of the catalogue: the three files validated together, and the look-ups the
other modules of the service use (an award, who decides it, its documents, council rule,
public notice, cash amount, quotas).

Pure: the standard library and the catalogue's models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from services.nomination.catalogue.model import (
    Award,
    AwardsFile,
    CouncilRule,
    DocumentKind,
    Quota,
    QuotasFile,
    Route,
    SalaryFile,
)
from services.nomination.catalogue.money import CashAmount, NoMultiplierError, Payable, cash, highest_only
from services.nomination.catalogue.quotas import QuotaResult, UnitYearCounts, check_quota
from services.nomination.eligibility.facts import SubjectKind

FILES = ("awards.yaml", "salary.yaml", "quotas.yaml")


@dataclass(frozen=True)
class Catalogue:
    awards_file: AwardsFile
    salary: SalaryFile
    quotas_file: QuotasFile
    files: Mapping[str, str] = field(default_factory=dict)  # the YAML texts it was read from

    @property
    def label(self) -> str:
        """The version label the province wrote in awards.yaml."""
        return self.awards_file.version

    def content(self) -> dict[str, Any]:
        return {"awards": self.awards_file.model_dump(mode="json"), "salary": self.salary.model_dump(mode="json"),
                "quotas": self.quotas_file.model_dump(mode="json")}

    @cached_property
    def checksum(self) -> str:
        return content_checksum(self.content())

    @cached_property
    def _awards(self) -> dict[str, Award]:
        return {award.code: award for award in self.awards_file.awards}

    @property
    def awards(self) -> list[Award]:
        return list(self.awards_file.awards)

    def award(self, code: str) -> Award:
        if code not in self._awards:
            raise UnknownAwardError(code)
        return self._awards[code]

    def route(self, code: str) -> Route:
        """Who decides the award: the province, a level above it, or a level below."""
        authorities = {a.code: a for a in self.awards_file.authorities}
        return authorities[self.award(code).decided_by[0]].route

    def province_decides(self, code: str) -> bool:
        return self.route(code) == "tinh_quyet_dinh"

    def forwarded(self, code: str) -> bool:
        """True when the province proposes it and a central authority decides it."""
        return self.route(code) == "trinh_cap_tren"

    def required_documents(self, code: str, subject: str) -> list[DocumentKind]:
        kinds = {kind.code: kind for kind in self.awards_file.documents}
        return [kinds[need.code] for need in self.award(code).documents if need.applies_to(subject)]

    def council(self, code: str) -> CouncilRule | None:
        rule = self.award(code).council
        return next((c for c in self.awards_file.councils if c.code == rule), None)

    def notice_working_days(self, code: str) -> int | None:
        notice = self.award(code).public_notice
        return notice.working_days if notice.required else None

    def cash(self, code: str, decided_on: date, subject: SubjectKind | None = None) -> CashAmount:
        return cash(self.award(code), decided_on, self.salary, subject)

    def cash_amount(self, code: str, decided_on: date, subject: SubjectKind | None = None) -> Decimal:
        return self.cash(code, decided_on, subject).amount

    def cash_if_known(self, code: str, decided_on: date, subject: SubjectKind | None = None) -> Decimal | None:
        """None when the catalogue gives no multiplier; a missing salary entry still raises."""
        try:
            return self.cash_amount(code, decided_on, subject)
        except NoMultiplierError:
            return None

    def cash_for_one_period(self, codes: list[str], decided_on: date, subject: SubjectKind | None = None) -> Payable:
        """Several titles of the same period: only the highest amount is paid."""
        return highest_only([self.cash(code, decided_on, subject) for code in codes])

    @property
    def quotas(self) -> list[Quota]:
        return list(self.quotas_file.quotas)

    def quota(self, code: str) -> Quota:
        found = next((q for q in self.quotas_file.quotas if q.code == code), None)
        if found is None:
            raise UnknownQuotaError(code)
        return found

    def quotas_of(self, award_code: str) -> list[Quota]:
        return [q for q in self.quotas_file.quotas if q.award == award_code]

    def check_quota(self, code: str, counts: UnitYearCounts) -> QuotaResult:
        return check_quota(self.quota(code), counts, {a.code: a.short for a in self.awards_file.awards})


def content_checksum(content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class UnknownAwardError(LookupError):
    """Raised when no award of the catalogue has the code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Danh mục khen thưởng không có mã '{code}'.")


class UnknownQuotaError(LookupError):
    """Raised when no quota of the catalogue has the code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Danh mục không có tỷ lệ (quota) mã '{code}'.")
