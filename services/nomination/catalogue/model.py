"""The award catalogue's files as pydantic models: the single source of their validation.

Pure: pydantic and the standard library. Cross-references (an award's deciders, documents and
council rule; a quota's awards) and unique codes are checked item by item (`references.py`),
so that `yamlconfig.load` reports each broken one at its own line. `AwardsFile` and
`SalaryFile` check themselves; `QuotasFile` is checked against the awards given in the
validation context (`files.parse` does this).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from services.nomination.catalogue.references import Declared, FileModel, Strict, declared_refs, fail, refer
from services.nomination.eligibility.facts import AwardBasis, SubjectKind

CODE = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"

Category = Literal["danh_hieu_thi_dua", "huan_chuong", "huy_chuong", "danh_hieu_vinh_du", "giai_thuong",
                   "ky_niem_chuong", "bang_khen", "giay_khen"]
Level = Literal["nha_nuoc", "chinh_phu", "bo_nganh", "tinh", "co_so"]
Route = Literal["tinh_quyet_dinh", "trinh_cap_tren", "cap_duoi"]
ROUTE_LABELS: dict[str, str] = {
    "tinh_quyet_dinh": "tỉnh quyết định",
    "trinh_cap_tren": "tỉnh trình cấp trên quyết định",
    "cap_duoi": "cấp dưới tỉnh (cơ quan, đơn vị, xã, doanh nghiệp) quyết định",
}

Code = Annotated[str, Field(pattern=CODE)]
AuthorityRef = Annotated[str, refer("authorities", "cấp quyết định")]
DocumentRef = Annotated[str, refer("documents", "loại giấy tờ")]
CouncilRef = Annotated[str, refer("councils", "quy tắc hội đồng")]
AwardRef = Annotated[str, refer("awards", "danh hiệu, hình thức khen thưởng")]
Share = Annotated[Decimal, Field(gt=0, le=1)]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class Coded(Declared):
    code: Code


class LegalBasis(Strict):
    """Where a rule comes from; `verified: false` means not confirmed against the text."""

    document: Text
    article: str = Field(default="", max_length=200)
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool
    confidence: Literal["high", "medium", "low"] | None = None  # how sure the reading of the text is
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise fail(f"valid_from ({self.valid_from:%d/%m/%Y}) sau valid_to ({self.valid_to:%d/%m/%Y})")
        return self

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


Bases = Annotated[list[LegalBasis], Field(default=[], max_length=20)]


def all_verified(bases: list[LegalBasis]) -> bool:
    return bool(bases) and all(basis.verified for basis in bases)


class Authority(Coded):
    kind = "authorities"

    name: Text
    route: Route
    legal_basis: Bases
    note: str = ""


class DocumentKind(Coded):
    kind = "documents"

    name: Text
    legal_basis: Bases
    note: str = ""


class CouncilRule(Coded):
    """How the council votes: `threshold` of `base` (all members or those present)."""

    kind = "councils"

    name: Text
    threshold: Share
    comparison: Literal["at_least", "more_than"] = "at_least"
    base: Literal["all_members", "present"]
    secret_ballot: bool
    written_votes: bool  # absent members may vote in writing
    legal_basis: Bases
    note: str = ""

    @property
    def verified(self) -> bool:
        return all_verified(self.legal_basis)


class PublicNotice(Strict):
    required: bool
    working_days: int | None = Field(default=None, ge=1, le=365)
    legal_basis: Bases
    note: str = ""

    @model_validator(mode="after")
    def _days_when_required(self) -> Self:
        if self.required and self.working_days is None:
            raise fail("công khai bắt buộc: cần working_days (số ngày làm việc)")
        return self

    @property
    def verified(self) -> bool:
        return all_verified(self.legal_basis)


Multiplier = Annotated[Decimal, Field(gt=0, le=1000)]


class SubjectCash(Strict):
    """The multiplier for one kind of nominee when it differs from an individual's: its own
    (`multiplier`), or `times_individual` × the individual's (a household: 1.5 ×)."""

    multiplier: Multiplier | None = None
    times_individual: Annotated[Decimal, Field(gt=0, le=10)] | None = None
    legal_basis: Bases
    note: str = ""

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.multiplier is None) == (self.times_individual is None):
            raise fail("cần đúng một trong hai: multiplier (hệ số riêng) hoặc times_individual (số lần mức cá nhân)")
        return self


class Cash(Strict):
    """Tiền thưởng = multiplier × mức lương cơ sở; multiplier null when not known. `multiplier`
    is an individual's (or the only one); `subjects` gives collectives, households and
    enterprises their own where the law does."""

    multiplier: Multiplier | None = None
    legal_basis: Bases
    note: str = ""
    subjects: dict[SubjectKind, SubjectCash] = Field(default={})

    @property
    def verified(self) -> bool:
        return self.multiplier is not None and all_verified(self.legal_basis)

    def for_subject(self, subject: SubjectKind) -> tuple[Decimal | None, bool]:
        """The multiplier for this kind of nominee (None: not known) and whether it is verified."""
        own = self.subjects.get(subject)
        if own is None:
            return self.multiplier, self.verified
        own_verified = all_verified(own.legal_basis)
        if own.multiplier is not None:
            return own.multiplier, own_verified
        if self.multiplier is None or own.times_individual is None:
            return None, False
        return own.times_individual * self.multiplier, own_verified and self.verified


class DocumentRequirement(Strict):
    """A document of the dossier; `subjects` limits it to some kinds of nominee."""

    code: DocumentRef
    subjects: list[SubjectKind] | None = None

    def applies_to(self, subject: str) -> bool:
        return self.subjects is None or subject in self.subjects


def _from_code(value: Any) -> Any:
    return {"code": value} if isinstance(value, str) else value


Requirement = Annotated[DocumentRequirement,
                        BeforeValidator(_from_code, json_schema_input_type=str | DocumentRequirement)]


class Award(Coded):
    kind = "awards"

    name: Text
    short: Annotated[str, Field(min_length=1, max_length=40)]
    category: Category
    subjects: Annotated[list[SubjectKind], Field(min_length=1)]
    level: Level
    decided_by: Annotated[list[AuthorityRef], Field(min_length=1)]
    documents: Annotated[list[Requirement], Field(min_length=1)]
    council: CouncilRef | None
    public_notice: PublicNotice
    cash: Cash
    posthumous: bool  # may be given posthumously (truy tặng)
    bases: list[AwardBasis] = Field(default=[])  # loại hình khen thưởng (practice)
    dossier_copies: int | None = Field(default=None, ge=1, le=10)
    legal_basis: Annotated[list[LegalBasis], Field(min_length=1, max_length=20)]
    note: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _one_route(self, info: ValidationInfo) -> Self:
        authorities = (declared_refs(info) or {}).get("authorities", {})
        routes = {authorities[code].get("route") for code in self.decided_by if code in authorities}
        if len(routes) > 1:
            raise fail(f"các cấp quyết định {self.decided_by} không cùng một tuyến ({sorted(map(str, routes))})")
        return self

    @property
    def verified(self) -> bool:
        return all_verified(self.legal_basis)


class AwardsFile(FileModel):
    """awards.yaml: the titles and forms of award, who decides them, and what they need."""

    version: Annotated[str, Field(min_length=1, max_length=40)]
    authorities: Annotated[list[Authority], Field(min_length=1)]
    documents: Annotated[list[DocumentKind], Field(min_length=1)]
    councils: Annotated[list[CouncilRule], Field(min_length=1)]
    awards: Annotated[list[Award], Field(min_length=1)]


class SalaryEntry(Declared):
    """Mức lương cơ sở from `valid_from` until the next entry."""

    kind = "salary"
    key_field = "valid_from"
    key_label = "ngày áp dụng"
    amount: Decimal = Field(gt=0, le=1_000_000_000)
    valid_from: date
    legal_basis: Bases
    note: str = ""

    @property
    def verified(self) -> bool:
        return all_verified(self.legal_basis)


class Rounding(Strict):
    """How the cash amount is rounded: to a multiple of `step` đồng, up / half up / down."""

    step: int = Field(ge=1, le=1_000_000)
    mode: Literal["up", "half_up", "down"]
    legal_basis: Bases
    note: str = ""


class SalaryFile(FileModel):
    """salary.yaml: the dated table of the base salary and the rounding of cash amounts."""

    base_salary: Annotated[list[SalaryEntry], Field(min_length=1)]
    rounding: Rounding


class Quota(Coded):
    """At most `max_share` of `base` (counted per unit and year, or per province and year)."""

    kind = "quotas"

    name: Text
    award: AwardRef
    base: AwardRef
    max_share: Share
    scope: Literal["don_vi", "tinh"]
    legal_basis: Bases
    note: str = ""

    @field_validator("base")
    @classmethod
    def _not_itself(cls, base: str, info: ValidationInfo) -> str:
        if base == info.data.get("award"):
            raise fail("base phải khác award (tỷ lệ của một danh hiệu trên chính nó)")
        return base

    @property
    def verified(self) -> bool:
        return all_verified(self.legal_basis)


class QuotasFile(FileModel):
    """quotas.yaml: limits on how many of an award a unit (or the province) may get per year."""

    quotas: list[Quota] = Field(default=[])
