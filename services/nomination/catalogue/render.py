"""The catalogue's HTTP bodies: JSON-ready dicts (amounts in whole đồng, multipliers and shares
as decimal strings so that no float rounding creeps in), and the YAML text of a file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from services.nomination.catalogue.application import Adoption, CatalogueVersion
from services.nomination.catalogue.model import (
    ROUTE_LABELS,
    Authority,
    Award,
    Cash,
    Category,
    CouncilRule,
    DocumentKind,
    DocumentRequirement,
    LegalBasis,
    Level,
    PublicNotice,
    Quota,
    Rounding,
    Route,
    SalaryEntry,
    SalaryFile,
)
from services.nomination.catalogue.money import CashAmount, Payable, rounding_label, valid_to
from services.nomination.eligibility.facts import AwardBasis, SubjectKind


class YamlResponse(PlainTextResponse):
    media_type = "application/yaml"


def version(found: CatalogueVersion) -> CatalogueOut:
    content = found.catalogue.content()
    return CatalogueOut.model_validate({
        "version": found.summary(), **{k: v for k, v in content["awards"].items() if k != "version"},
        "salary": content["salary"], "quotas": content["quotas"]["quotas"]})


def award(found: CatalogueVersion, code: str) -> AwardOut:
    catalogue = found.catalogue
    item = catalogue.award(code)
    authorities = {a.code: a for a in catalogue.awards_file.authorities}
    council = catalogue.council(code)
    return AwardOut.model_validate({
        "version": found.summary(), **item.model_dump(mode="json"),
        "route": catalogue.route(code), "route_label": ROUTE_LABELS[catalogue.route(code)],
        "deciders": [authorities[a].model_dump(mode="json", include={"code", "name"}) for a in item.decided_by],
        "required_documents": {
            subject: [{"code": d.code, "name": d.name} for d in catalogue.required_documents(code, subject)]
            for subject in item.subjects},
        "council_rule": council.model_dump(mode="json") if council else None,
        "quotas": [q.code for q in catalogue.quotas if code in (q.award, q.base)],
        "verified": {"award": item.verified, "cash": item.cash.verified, "public_notice": item.public_notice.verified,
                     "council": council.verified if council else None},
    })


class VersionOut(BaseModel):
    """The catalogue version an answer comes from."""

    number: int
    label: str
    checksum: str
    source: dict[str, str]
    adopted_by: str
    adopted_at: datetime


class AmountOut(BaseModel):
    """A cash amount: multiplier × the base salary of the decision date, rounded (whole đồng)."""

    award: str
    subject: SubjectKind
    decided_on: date
    multiplier: str = Field(examples=["0.3"], description="decimal, as written in the catalogue")
    base_salary: int
    salary_from: date
    exact: str = Field(description="before rounding, decimal")
    amount: int
    rounding: str
    verified: bool = Field(description="multiplier, salary and rounding all confirmed against their legal basis")
    explanation: str


class CashOut(AmountOut):
    version: VersionOut


class PayableOut(BaseModel):
    version: VersionOut
    amount: int = Field(description="what is paid for the titles of the period")
    paid: AmountOut
    not_paid: list[AmountOut]
    rule: str


def cash(found: CatalogueVersion, amount: CashAmount) -> CashOut:
    return CashOut(version=VersionOut(**found.summary()), **_amount(found, amount).model_dump())


def _amount(found: CatalogueVersion, amount: CashAmount) -> AmountOut:
    return AmountOut(award=amount.award, subject=amount.subject, decided_on=amount.decided_on,
                     multiplier=str(amount.multiplier), base_salary=int(amount.base_salary),
                     salary_from=amount.salary_from, exact=str(amount.exact), amount=int(amount.amount),
                     rounding=rounding_label(found.catalogue.salary.rounding), verified=amount.verified,
                     explanation=amount.explanation)


def payable(found: CatalogueVersion, payable: Payable) -> PayableOut:
    return PayableOut(version=VersionOut(**found.summary()), amount=int(payable.amount),
                      paid=_amount(found, payable.paid), not_paid=[_amount(found, a) for a in payable.not_paid],
                      rule="Nhiều danh hiệu thi đua cùng một thời điểm: chỉ nhận tiền thưởng của danh hiệu cao "
                           "nhất (Nghị định 152/2025/NĐ-CP Điều 49).")


def salary(found: CatalogueVersion, on: date | None, in_force: SalaryEntry | None) -> SalaryOut:
    table = found.catalogue.salary
    entries = [_entry(found, entry) for entry in sorted(table.base_salary, key=lambda e: e.valid_from)]
    return SalaryOut.model_validate({
        "version": found.summary(), "table": entries,
        "rounding": {**table.rounding.model_dump(mode="json"), "label": rounding_label(table.rounding)},
        "on": on, "in_force": _entry(found, in_force) if in_force else None})


def _entry(found: CatalogueVersion, entry: SalaryEntry) -> dict[str, Any]:
    return {"amount": int(entry.amount), "valid_from": entry.valid_from,
            "valid_to": valid_to(found.catalogue.salary, entry), "verified": entry.verified,
            "legal_basis": [basis.model_dump(mode="json") for basis in entry.legal_basis]}


def quotas(found: CatalogueVersion) -> QuotasOut:
    return QuotasOut.model_validate({
        "version": found.summary(),
        "quotas": [{**q.model_dump(mode="json"), "verified": q.verified} for q in found.catalogue.quotas]})


def adoption(done: Adoption) -> AdoptionOut:
    return AdoptionOut(number=done.number, label=done.label, created=done.created)


class CatalogueOut(BaseModel):
    """A catalogue version in full: the files awards.yaml, salary.yaml and quotas.yaml as read."""

    version: VersionOut
    authorities: list[Authority]
    documents: list[DocumentKind]
    councils: list[CouncilRule]
    awards: list[Award]
    salary: SalaryFile
    quotas: list[Quota]


class Named(BaseModel):
    code: str
    name: str


class AwardVerified(BaseModel):
    award: bool
    cash: bool
    public_notice: bool
    council: bool | None


class AwardOut(BaseModel):
    """One award as the catalogue holds it (awards.yaml), with who decides it, its documents by
    subject and what of it is verified."""

    version: VersionOut
    code: str
    name: str
    short: str
    category: Category
    subjects: list[SubjectKind]
    level: Level
    decided_by: list[str]
    documents: list[DocumentRequirement]
    council: str | None
    public_notice: PublicNotice
    cash: Cash
    posthumous: bool
    bases: list[AwardBasis]
    dossier_copies: int | None
    legal_basis: list[LegalBasis]
    note: str
    route: Route
    route_label: str
    deciders: list[Named]
    required_documents: dict[str, list[Named]] = Field(description="đối tượng → giấy tờ cần có")
    council_rule: CouncilRule | None
    quotas: list[str]
    verified: AwardVerified


class SalaryEntryOut(BaseModel):
    amount: int
    valid_from: date
    valid_to: date | None
    verified: bool
    legal_basis: list[LegalBasis]


class RoundingOut(Rounding):
    label: str


class SalaryOut(BaseModel):
    version: VersionOut
    table: list[SalaryEntryOut]
    rounding: RoundingOut
    on: date | None
    in_force: SalaryEntryOut | None


class QuotaOut(BaseModel):
    """A quota of quotas.yaml, and whether its legal basis is verified."""

    code: str
    name: str
    award: str
    base: str
    max_share: Decimal
    scope: Literal["don_vi", "tinh"]
    legal_basis: list[LegalBasis]
    note: str
    verified: bool


class QuotasOut(BaseModel):
    version: VersionOut
    quotas: list[QuotaOut]


class AdoptionOut(BaseModel):
    number: int
    label: str
    created: bool = Field(description="false: the content was the current version's, nothing recorded")


class FilesOut(BaseModel):
    """The last reading of the catalogue's folder."""

    directory: str
    state: Literal["not_read", "refused", "adopted", "unchanged"]
    checked_at: datetime | None = None
    version: int | None = None
    problems: list[str]


class StatusOut(BaseModel):
    current: VersionOut | None
    files: FilesOut
