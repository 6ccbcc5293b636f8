"""The case-table format: a nominee's history written compactly, the award, the year, and the
expected outcome of each rule (and of the summary, key `overall`).

    cases:
      - name: Đủ 03 năm CSTĐCS và sáng kiến cấp tỉnh
        award: CSTDT
        year: 2025
        evaluated_on: 2026-01-15  # the evaluation date; default 15/01 of the next year
        nominee:
          kind: ca_nhan           # ca_nhan (default), tap_the, ho_gia_dinh, doanh_nghiep
          years: {2023: HTXSNV CSTDCS, 2024: {rating: HTTNV, titles: [CSTDCS]}}   # a year not listed is unknown
          innovations: [{year: 2025, scope: tinh, recognised_by: Chủ tịch UBND tỉnh}]
          awards: [{code: BKTTG, year: 2018, basis: chuyen_de, movement: Toàn dân bảo vệ an ninh Tổ quốc}]
          members: {2025: {members: 20, at_least: {HTNV: 20}, titles: {LDTT: 14}}}
          standing:               # omitted or `unknown`: not known (G1, G5 cannot tell); `clear`: nothing pending
            no_pending: {as_of: 2026-01-10, confirmed_by: Trưởng phòng Tổ chức, document: 15/XN-SNV}
            not_dissolved: {as_of: 2026-01-10, confirmed_by: Sở Nội vụ, document: 16/XN-SNV}  # collectives
            complaint_pending: true   # or a value the record holds: true (pending), false, null
          attested: [noi_bo_doan_ket]
          dossier: {dan_dau_cum_khoi: true}
        expect:
          R3: pass
          G1: {outcome: unknown, missing: khiếu nại}
          overall: {outcome: fail, reason: "thiếu 2024", provisional: false}

`reason` and `missing` are fragments (or lists of fragments) the verdict must contain;
`not_applied` says the rule must not be evaluated for this case.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator

from services.nomination.eligibility.conditions.base import Code, as_list
from services.nomination.eligibility.conditions.collective import Level
from services.nomination.eligibility.facts import (
    PENDING_MATTERS,
    AwardBasis,
    AwardRecord,
    Confirmation,
    Innovation,
    MembersYear,
    NomineeFacts,
    PendingMatter,
    Rating,
    Scope,
    Standing,
    SubjectKind,
    YearRecord,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _year_text(value: Any) -> Any:
    """"HTXSNV CSTDCS" → {rating: HTXSNV, titles: [CSTDCS]}; "-" alone: a known year with nothing."""
    if not isinstance(value, str):
        return value
    tokens = [t for t in re.split(r"[\s,]+", value) if t and t != "-"]
    ratings = [t for t in tokens if t in Rating.__members__]
    return {"rating": ratings[0] if ratings else None, "titles": [t for t in tokens if t not in ratings]}


class CaseYear(Strict):
    rating: Rating | None = None
    titles: list[Code] = []


class CaseMembers(Strict):
    members: int = Field(ge=0)
    at_least: dict[Rating, int] = {}
    titles: dict[Code, int] = {}
    disciplined: int = 0
    disciplined_levels: dict[Level, int] = {}

    @model_validator(mode="after")
    def _counts_within_members(self) -> CaseMembers:
        counts = [*self.at_least.values(), *self.titles.values(), *self.disciplined_levels.values(), self.disciplined]
        if any(not 0 <= n <= self.members for n in counts):
            raise ValueError(f"mỗi số thành viên phải từ 0 đến tổng số thành viên ({self.members})")
        return self


class CaseInnovation(Strict):
    year: int
    scope: Scope = "co_so"
    kind: Literal["sang_kien", "de_tai"] = "sang_kien"
    title: str = ""
    recognised_by: str | None = None
    reference: str | None = None


class CaseAward(Strict):
    code: Code
    year: int
    basis: AwardBasis = "cong_trang"
    decision_ref: str | None = None
    movement_id: str | None = Field(default=None, max_length=64)  # the movement a thematic award was for
    movement: str | None = Field(default=None, max_length=300)  # its name


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class CaseConfirmation(Strict):
    """A stated standing: nothing pending (or the unit neither dissolved nor merged) as of a date."""

    as_of: date
    confirmed_by: str = Field(min_length=2, max_length=300)
    document: str | None = Field(default=None, max_length=200)


class CaseNoPending(CaseConfirmation):
    matters: list[PendingMatter] = Field(default=list(PENDING_MATTERS), min_length=1)


class CaseStanding(Strict):
    """A value left out is not known (never "nothing pending" by default); `no_pending` and
    `not_dissolved` state the absence of the matters as of a date, by whom, on what document."""

    discipline_pending: bool | None = None
    investigation_pending: bool | None = None
    complaint_pending: bool | None = None
    discipline_ended_on: date | None = None
    unit_dissolved: bool | None = None
    no_pending: Annotated[list[CaseNoPending], BeforeValidator(_one_or_many)] = []
    not_dissolved: Annotated[list[CaseConfirmation], BeforeValidator(_one_or_many)] = []

    def standing(self) -> Standing:
        confirmations = [Confirmation(c.as_of, c.confirmed_by, c.document, frozenset(c.matters))
                         for c in self.no_pending]
        confirmations += [Confirmation(c.as_of, c.confirmed_by, c.document, frozenset({"unit_dissolved"}))
                          for c in self.not_dissolved]
        values = self.model_dump(exclude={"no_pending", "not_dissolved"})
        return Standing(**values, confirmations=tuple(confirmations))


CLEAR = Standing(discipline_pending=False, investigation_pending=False, complaint_pending=False, unit_dissolved=False)


class Nominee(Strict):
    kind: SubjectKind = "ca_nhan"
    years: dict[int, Annotated[CaseYear, BeforeValidator(_year_text)]] = {}
    innovations: list[CaseInnovation] = []
    awards: list[CaseAward] = []
    awards_known_from: int | None = None
    members: dict[int, CaseMembers] = {}
    # `clear`: the case states nothing pending and the unit not dissolved; `unknown` (or left out): not known
    standing: CaseStanding | Literal["unknown", "clear"] = "unknown"
    attested: list[str] = []
    not_attested: list[str] = []
    dossier: dict[str, bool] = {}
    positions: dict[str, Annotated[float, Field(ge=0, le=80)]] = {}

    def facts(self) -> NomineeFacts:
        standing = CLEAR if self.standing == "clear" else \
            self.standing.standing() if isinstance(self.standing, CaseStanding) else Standing()
        return NomineeFacts(
            subject_kind=self.kind,
            years={y: YearRecord(y, r.rating, frozenset(r.titles)) for y, r in self.years.items()},
            innovations=tuple(Innovation(**i.model_dump()) for i in self.innovations),
            awards=tuple(AwardRecord(**a.model_dump()) for a in self.awards),
            members={y: MembersYear(y, **m.model_dump()) for y, m in self.members.items()},
            standing=standing, attestations=frozenset(self.attested), not_attested=frozenset(self.not_attested),
            dossier=dict(self.dossier), awards_known_from=self.awards_known_from, positions_held=dict(self.positions),
        )


Fragments = Annotated[list[str], BeforeValidator(as_list)]


class Expect(Strict):
    outcome: Literal["pass", "fail", "unknown", "not_applied"]
    reason: Fragments = []
    missing: Fragments = []
    provisional: bool | None = None  # `overall` only: rests on unverified rules


def _outcome_only(value: Any) -> Any:
    return {"outcome": value} if isinstance(value, str) else value


def _known_rule(key: str, info: ValidationInfo) -> str:
    rule_ids = (info.context or {}).get("rule_ids")
    if rule_ids is not None and key != "overall" and key not in rule_ids:
        raise ValueError(f"không có quy tắc '{key}' trong tệp quy tắc (dùng id quy tắc hoặc overall)")
    return key


class Case(Strict):
    name: str = Field(min_length=3)
    award: Code
    year: int = Field(ge=1990, le=2100)
    evaluated_on: date | None = None  # not `on`: YAML 1.1 reads that key as true
    basis: AwardBasis = "cong_trang"
    nominee: Nominee
    expect: dict[Annotated[str, AfterValidator(_known_rule)], Annotated[Expect, BeforeValidator(_outcome_only)]] = \
        Field(min_length=1)

    @property
    def on(self) -> date:
        return self.evaluated_on or date(self.year + 1, 1, 15)


class CheckRequest(Strict):
    """One case to check on its own (`POST /eligibility/check`): a nominee written as in a case
    table, or a reference to a nominee's record with what only a dossier would add (attested
    criteria, dossier facts). `expect`, when given, is compared as in a case table."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [
        {"award": "CSTDCS", "year": 2025, "nominee": {
            "years": {"2025": "HTXSNV LDTT"},
            "standing": {"no_pending": {"as_of": "2026-01-05", "confirmed_by": "Trưởng phòng Tổ chức cán bộ",
                                        "document": "12/XN-SNV"}}}},
        {"award": "BKT", "year": 2025, "nominee_ref": "004190012345", "attested": ["guong_mau_chap_hanh"],
         "dossier": {"bk_tieu_chi_a": True}},
    ]})

    award: Annotated[Code, Field(min_length=1, max_length=32)]
    year: int = Field(ge=1990, le=2100)
    evaluated_on: date | None = Field(default=None, description="Default: 15/01 of the next year for a nominee "
                                      "written out, the province's today for a nominee_ref")
    basis: AwardBasis = "cong_trang"
    name: str | None = Field(default=None, max_length=300)
    nominee: Nominee | None = None
    nominee_ref: str | None = Field(default=None, min_length=1, max_length=64,
                                    description="A record id, a 12-digit personal number or a unit code")
    attested: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=100)
    not_attested: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=100)
    dossier: dict[Annotated[str, Field(max_length=64)], bool] = Field(default={}, max_length=100)
    expect: dict[Annotated[str, AfterValidator(_known_rule)], Annotated[Expect, BeforeValidator(_outcome_only)]] = {}

    @model_validator(mode="after")
    def _one_nominee(self) -> CheckRequest:
        if (self.nominee is None) == (self.nominee_ref is None):
            raise ValueError("cần đúng một trong hai: nominee (lịch sử viết như bảng ca) hoặc nominee_ref "
                             "(mã hồ sơ, số định danh cá nhân hoặc mã đơn vị)")
        if self.evaluated_on is not None and self.evaluated_on.year < self.year:
            raise ValueError(f"ngày xét {self.evaluated_on:%d/%m/%Y} trước năm thành tích {self.year}")
        if self.nominee is not None and (self.attested or self.not_attested or self.dossier):
            raise ValueError("attested, not_attested và dossier đi cùng nominee_ref; với nominee hãy ghi chúng "
                             "trong nominee")
        return self


class CaseFile(Strict):
    cases: list[Case] = Field(min_length=1)

