"""Request and response bodies of the history API; each fact body builds its fact (`build()`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.nomination.history import factkinds as kinds
from services.nomination.history.factkinds import Fact

Year = Annotated[int, Field(ge=1945, le=2100)]
Code = Annotated[str, Field(min_length=1, max_length=32, examples=["LDTT"])]
Ref = Annotated[str | None, Field(default=None, max_length=64, examples=["163/QĐ-UBND"])]
Rating = Literal["KHTNV", "HTNV", "HTTNV", "HTXSNV"]
Basis = Literal["cong_trang", "chuyen_de", "dot_xuat", "cong_hien", "nien_han", "doi_ngoai", "khang_chien"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonCreate(_Body):
    personal_number: str | None = Field(default=None, max_length=20, examples=["004085000123"])
    full_name: str = Field(min_length=1, max_length=200, examples=["Nguyễn Văn A"])
    born_on: date | None = None
    sex: Literal["nam", "nu"] | None = None
    unit_code: str = Field(min_length=1, max_length=32, examples=["SNV"])


class CollectiveCreate(_Body):
    unit_code: str = Field(min_length=1, max_length=32, examples=["SNV"])
    name: str = Field(min_length=1, max_length=300, examples=["Phòng Thi đua - Khen thưởng"])
    subject_kind: Literal["tap_the", "doanh_nghiep"] = "tap_the"


class MergeRequest(_Body):
    duplicate_id: UUID


class _Fact(_Body):
    document: str | None = Field(default=None, max_length=200, description="The document the fact rests on")
    correction_reason: str | None = Field(default=None, max_length=1000,
                                          description="Needed to change a fact already recorded differently")


class RatingIn(_Fact):
    kind: Literal["rating"]
    year: Year
    rating: Rating

    def build(self) -> Fact:
        return kinds.rating(self.year, self.rating)


class TitleIn(_Fact):
    kind: Literal["title"]
    year: Year
    code: Code
    decision_ref: Ref = None
    decided_on: date | None = None
    basis: Basis = "cong_trang"
    movement_id: UUID | None = Field(default=None, description="Phong trào thi đua của danh hiệu xét theo chuyên "
                                     "đề, đột xuất")
    movement: str | None = Field(default=None, max_length=300, description="Tên phong trào thi đua")

    def build(self) -> Fact:
        return kinds.title(self.year, self.code, self.decision_ref, self.decided_on, self.basis,
                           movement_id=str(self.movement_id) if self.movement_id else None, movement=self.movement)


class AwardIn(_Fact):
    kind: Literal["award"]
    year: Year
    code: Code
    decision_ref: Ref = None
    decided_on: date | None = None
    basis: Basis = "cong_trang"
    movement_id: UUID | None = Field(default=None, description="Phong trào thi đua của khen chuyên đề, đột xuất")
    movement: str | None = Field(default=None, max_length=300, description="Tên phong trào thi đua")

    def build(self) -> Fact:
        return kinds.award(self.code, self.year, self.decision_ref, self.decided_on, self.basis,
                           movement_id=str(self.movement_id) if self.movement_id else None, movement=self.movement)


class InnovationIn(_Fact):
    kind: Literal["innovation"]
    year: Year
    scope: Literal["co_so", "tinh", "toan_quoc"]
    innovation_kind: Literal["sang_kien", "de_tai"] = "sang_kien"
    title: str = Field(min_length=1, max_length=1000)
    recognised_by: str | None = Field(default=None, max_length=200, examples=["Chủ tịch UBND tỉnh"])
    reference: Ref = None

    def build(self) -> Fact:
        return kinds.innovation(self.year, self.scope, self.innovation_kind, self.title, self.recognised_by,
                                self.reference)


class CaseIn(_Fact):
    kind: Literal["case"]
    case_kind: Literal["ky_luat", "dieu_tra", "khieu_nai"]
    reference: str = Field(min_length=1, max_length=100)
    opened_on: date | None = None
    note: str | None = Field(default=None, max_length=1000)
    closed_on: date | None = None
    outcome: str | None = Field(default=None, max_length=1000)
    discipline_until: date | None = None

    def build(self) -> Fact:
        return kinds.case(self.case_kind, self.reference, self.opened_on, self.note, self.closed_on, self.outcome,
                          self.discipline_until)


class MembersIn(_Fact):
    kind: Literal["members"]
    year: Year
    members: int = Field(ge=0, le=1_000_000)
    at_least: dict[Rating, int] = {}
    titles: dict[str, int] = {}
    disciplined: int = Field(default=0, ge=0)
    disciplined_levels: dict[Literal["khien_trach", "canh_cao", "ha_bac", "giang_chuc", "cach_chuc",
                                     "buoc_thoi_viec"], int] = {}

    def build(self) -> Fact:
        at_least = {str(rating): count for rating, count in self.at_least.items()}
        levels = {str(level): count for level, count in self.disciplined_levels.items()}
        return kinds.members(self.year, self.members, at_least, self.titles, self.disciplined, levels)


class DissolvedIn(_Fact):
    kind: Literal["dissolved"]
    on: date
    reference: str = Field(min_length=1, max_length=100)

    def build(self) -> Fact:
        return kinds.dissolved(self.on, self.reference)


class StandingIn(_Fact):
    """Guards G1 and G5 stated as of a date, by whom, on what document: no discipline review,
    investigation or complaint pending (`case_kinds`) and, for a collective, not dissolved or merged."""

    kind: Literal["standing"]
    as_of: date = Field(description="The day the confirmation speaks of")
    confirmed_by: str = Field(min_length=2, max_length=300, examples=["Trưởng phòng Tổ chức cán bộ, Sở Y tế"])
    document: str = Field(min_length=1, max_length=200, examples=["15/XN-SYT"],
                          description="The document the confirmation is written in")
    case_kinds: list[Literal["ky_luat", "dieu_tra", "khieu_nai"]] = Field(
        default=["ky_luat", "dieu_tra", "khieu_nai"], max_length=3,
        description="What is confirmed not pending: discipline review, investigation, complaint or denunciation")
    not_dissolved: bool = Field(default=False, description="A collective: neither dissolved nor merged")

    def build(self) -> Fact:
        return kinds.standing(self.as_of, self.confirmed_by, self.document, self.case_kinds, self.not_dissolved)


FactIn = Annotated[RatingIn | TitleIn | AwardIn | InnovationIn | CaseIn | MembersIn | DissolvedIn | StandingIn,
                   Field(discriminator="kind")]


class PersonExport(BaseModel):
    """Everything the service holds about a person, as one document (a request of the person)."""

    format: Literal["tdkt-person-export/1"] = "tdkt-person-export/1"
    exported_at: datetime
    exported_by: str
    record: dict[str, Any] = Field(description="The whole record, unmasked: personal number, name, date of birth, "
                                               "sex, unit, the records merged into it and every fact with its source")
    dossiers: list[dict[str, Any]] = Field(description="The dossiers naming the person (the dossier list's rows)")
    reads: list[dict[str, Any]] = Field(description="Who read the record, when, from where and why, this export "
                                                    "included (the read audit)")


class FactPublic(BaseModel):
    """A fact of a record: its kind and key, the values of its kind (year, code, decision_ref,
    rating, …) and its source."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(examples=["title"])
    key: str = Field(examples=["title/2025/LDTT"])


class _RecordPublic(BaseModel):
    id: UUID
    version: int
    unit_code: str
    merged_from: list[UUID] = Field(description="The records folded into this one")
    facts: list[FactPublic]


class PersonPublic(_RecordPublic):
    """A person's record; masked (`masked: true`: number partly hidden, no date of birth) for
    those not entitled to the full one."""

    kind: Literal["person"]
    personal_number: str | None
    full_name: str
    born_on: date | None
    birth_year: int | None
    sex: str | None
    masked: bool


class CollectivePublic(_RecordPublic):
    kind: Literal["collective"]
    name: str
    subject_kind: str


class PersonRow(BaseModel):
    """A search result (always masked)."""

    record_id: UUID
    kind: str
    name: str
    unit_code: str
    birth_year: int | None
    masked_number: str | None
    fact_count: int


class FactRecorded(BaseModel):
    id: UUID = Field(description="The record (the one kept, when the given one was merged into it)")
    recorded: bool = Field(description="false: the same fact was already there, nothing changed")


class Merged(BaseModel):
    id: UUID
    merged: UUID


class ReadPublic(BaseModel):
    """One read of a person's record (the read audit)."""

    id: int
    record_id: UUID
    requested_id: UUID
    read_by: str
    read_by_name: str
    roles: list[str]
    unit: str | None
    unmasked: bool
    address: str | None
    forwarded_for: str | None
    purpose: str | None
    read_at: datetime


class ImportErrorPublic(BaseModel):
    row: int
    column: str
    message: str


class ImportReportPublic(BaseModel):
    """What an import did (or, with `dry_run`, would do), and every row's errors."""

    file: str
    checksum: str
    rows: int
    valid_rows: int
    facts_added: int
    facts_unchanged: int
    people_created: int
    collectives_created: int
    rows_done: int
    batches: int
    saved: bool
    errors: list[ImportErrorPublic]
