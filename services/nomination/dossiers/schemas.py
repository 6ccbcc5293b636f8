"""Request and response bodies of the dossier API (separate from the domain and the contracts)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.nomination.dossiers import priority
from services.nomination.eligibility.api import VerdictPublic

_ISSUER = r"[A-Za-zĐđ0-9]+(-[A-Za-zĐđ0-9]+)*"
DECISION = rf"^[0-9]+(/[0-9]{{4}})?/[Qq][Đđ]-{_ISSUER}$"
SUBMISSION = rf"^[0-9]+(/[0-9]{{4}})?/[Tt][Tt][Rr]-{_ISSUER}$"


def _numbered(kind: str, pattern: str, examples: str) -> AfterValidator:
    """A document number as written by its issuer, letter case kept ("1234/QĐ-TTg", "56/QĐ-CTN")."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        text = unicodedata.normalize("NFC", value)
        if not compiled.fullmatch(text):
            raise ValueError(f"Số {kind} '{value}' không đúng dạng ({examples}).")
        return text

    return AfterValidator(check)


DecisionNumber = Annotated[str, Field(max_length=64, json_schema_extra={"pattern": DECISION},
                                      examples=["163/QĐ-UBND", "1234/QĐ-TTg", "56/QĐ-CTN"]),
                           _numbered("quyết định", DECISION, "ví dụ 163/QĐ-UBND, 1234/QĐ-TTg, 56/QĐ-CTN")]
SubmissionNumber = Annotated[str, Field(max_length=64, json_schema_extra={"pattern": SUBMISSION},
                                        examples=["45/TTr-UBND", "12/TTr-SGDĐT"]),
                             _numbered("tờ trình", SUBMISSION, "ví dụ 45/TTr-UBND, 12/TTr-SGDĐT")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Versioned(BaseModel):
    """The answer to a command on a dossier: its version after it (also in the ETag header)."""

    version: int = Field(ge=1)


class PriorityFacts(Body):
    """The priority groups of the Law (Điều 5); left out: not declared."""

    leadership: bool | None = Field(default=None, description="Có giữ chức vụ lãnh đạo, quản lý")
    leadership_title: str | None = Field(default=None, max_length=200, examples=["Hiệu trưởng"],
                                         description="Chức vụ lãnh đạo, quản lý (khi có)")
    leadership_tier: str | None = Field(
        default=None, max_length=100, examples=["cap_vu_so"],
        description="Cấp lãnh đạo (biểu 0602, 0603): " + "; ".join(
            f"{code} = {label}" for code, label in priority.LEADERSHIP_TIERS.items())
        + ". Mã hoặc tên; khong ứng với leadership false, cấp khác với leadership true")
    direct_labourer: bool | None = Field(default=None, description="Công nhân, nông dân, chiến sĩ, người trực tiếp "
                                         "lao động, sản xuất, công tác")
    ethnicity: str | None = Field(default=None, max_length=50, examples=["Tày"],
                                  description="Dân tộc, theo danh mục 54 dân tộc Việt Nam")
    ethnic_minority: bool | None = Field(default=None, description="Người dân tộc thiểu số (suy ra từ dân tộc khi "
                                         "có ghi dân tộc)")
    hard_to_reach: bool | None = Field(default=None, description="Ở, công tác tại vùng sâu, vùng xa, vùng đặc biệt "
                                       "khó khăn (xã khu vực III), biên giới, hải đảo")


class NomineeIn(PriorityFacts):
    """A person (by identification number, or name + date of birth), or a collective (its unit code)."""

    name: str = Field(min_length=1, max_length=200)
    id_number: str | None = Field(default=None, max_length=20, description="Số định danh cá nhân (12 chữ số)")
    date_of_birth: date | None = None
    gender: Literal["nam", "nu"] | None = None
    unit_code: str | None = Field(default=None, max_length=32, description="Đơn vị công tác (mặc định: đơn vị đề nghị)")
    position: str | None = Field(default=None, max_length=200)
    deceased: bool = False


class DossierCreate(Body):
    award_code: str = Field(min_length=1, max_length=32, examples=["BKT"])
    year: int = Field(ge=2000, le=2100, description="Năm của thành tích")
    basis: str | None = Field(default=None, examples=["cong_trang"], description=(
        "Loại hình khen thưởng: cong_trang (thường xuyên), chuyen_de, dot_xuat, doi_ngoai, cong_hien, nien_han, "
        "khang_chien. Để trống: chuyen_de khi đề nghị cho một phong trào (movement_id), loại hình duy nhất của "
        "hình thức khen thưởng nếu danh mục chỉ ghi một, còn lại cong_trang"))
    nominee_kind: Literal["ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"] = "ca_nhan"
    nominee: NomineeIn
    summary: str = Field(default="", max_length=5000, description="Tóm tắt thành tích (được công khai)")
    simplified: bool = Field(default=False, description="Thủ tục đơn giản")
    posthumous: bool = Field(default=False, description="Truy tặng")
    movement_id: UUID | None = Field(default=None, description="Phong trào thi đua mà khen thưởng theo chuyên đề "
                                     "hoặc đột xuất đề nghị cho (basis chuyen_de, dot_xuat)")

    @model_validator(mode="after")
    def _priority_facts(self) -> DossierCreate:
        """The priority facts fit the kind of nominee and one another (written as the dossier keeps them)."""
        facts = priority.checked(self.nominee_kind, self.nominee.model_dump())
        self.nominee = self.nominee.model_copy(update={k: v for k, v in facts.items() if k != "gender"})
        return self


class DossierEdit(PriorityFacts):
    """What the unit corrects before submitting; a priority fact left out stays as it was."""

    summary: str | None = Field(default=None, max_length=5000)
    basis: str | None = None
    position: str | None = Field(default=None, max_length=200)

    def priority_facts(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump(include=set(PriorityFacts.model_fields)).items() if v is not None}


class UnitCouncil(Body):
    meeting_on: date
    agreed: int = Field(ge=0, le=1000)
    present: int = Field(ge=1, le=1000)
    attestations: list[str] = Field(
        default=[], max_length=50, description="Tiêu chí định tính Hội đồng đơn vị xác nhận, ví dụ guong_mau_chap_hanh")


class Reasons(Body):
    reasons: list[str] = Field(min_length=1, max_length=20)


class Reason(Body):
    reason: str = Field(min_length=3, max_length=2000)


class Consultation(Body):
    agencies: list[str] = Field(min_length=1, max_length=20)


class Opinion(Body):
    agency: str = Field(min_length=1, max_length=200)
    agrees: bool
    opinion: str = Field(default="", max_length=5000)


class Hold(Body):
    ground: Literal["discipline", "investigation", "complaint"]
    note: str = Field(default="", max_length=2000)


class Appraisal(Body):
    attestations: list[str] = Field(default=[], max_length=50, description="Tiêu chí định tính đơn vị đã xác nhận")
    dossier_facts: dict[str, bool] = Field(default={}, description="Ví dụ {'cluster_leader': true}")
    confirmed_unknown: str | None = Field(default=None, max_length=2000)


class Comment(Body):
    author: str = Field(default="", max_length=200)
    content: str = Field(min_length=3, max_length=5000)


class Decision(Body):
    number: DecisionNumber
    decided_on: date
    signed_by: str = Field(default="Chủ tịch UBND tỉnh", max_length=200)


class Forwarding(Body):
    submission_number: SubmissionNumber
    forwarded_on: date


class CentralDecision(Body):
    number: DecisionNumber
    decided_on: date
    authority: Literal["Chủ tịch nước", "Thủ tướng Chính phủ"]


class Conferral(Body):
    conferred_on: date
    received_by: str = Field(default="", max_length=200, description="Người nhận thay (truy tặng)")
    cash_paid: int | None = Field(default=None, ge=0)


class Revocation(Body):
    ground: Literal["a", "b", "c", "d"]
    number: DecisionNumber
    revoked_on: date
    note: str = Field(default="", max_length=2000)


class Public(BaseModel):
    """A response body."""


class DossierRow(Public):
    """One row of the dossier list."""

    dossier_id: UUID
    unit_code: str
    award_code: str
    award_name: str
    award_level: str
    year: int
    state: str
    state_since: datetime
    nominee_kind: str
    nominee_name: str
    submission_id: UUID | None
    late_in: str | None = Field(description="Bước hồ sơ đã quá hạn (trùng `state`: đang quá hạn)")
    version: int
    level: str | None = Field(description="Cấp đang giữ hồ sơ: mã đơn vị, đơn vị cấp trên, hoặc 'tinh'")


class NomineePublic(Public):
    """The nominee as a dossier's readers see it (never the identification number or date of birth)."""

    kind: str
    ref: UUID | str | None = None
    name: str
    unit_code: str | None = None
    masked_id: str | None = None
    position: str | None = None
    deceased: bool | None = None
    # The priority groups as the unit declared them (null: not declared); see dossiers/priority.py.
    gender: Literal["nam", "nu"] | None = None
    leadership: bool | None = None
    leadership_title: str | None = None
    leadership_tier: str | None = None
    direct_labourer: bool | None = None
    ethnicity: str | None = None
    ethnic_minority: bool | None = None
    hard_to_reach: bool | None = None


class DocumentPublic(Public):
    kind: str
    sha256: str
    filename: str
    media_type: str
    size: int


class ReturnPublic(Public):
    reasons: list[str]
    at: datetime
    by_level: str | None = Field(default=None, description="Đơn vị cấp trên trả lại (không có: Sở Nội vụ)")


class StepPublic(Public):
    """A move between levels: submitted, returned or forwarded (with the parent unit's tờ trình)."""

    model_config = ConfigDict(extra="allow")
    step: str
    from_: str = Field(alias="from")
    to: str
    at: datetime


class DossierPublic(Public):
    """A dossier: its state, the level holding it, documents, returns and outcome."""

    dossier_id: UUID
    version: int
    state: str
    state_since: datetime
    unit_code: str
    award_code: str
    year: int
    basis: str
    nominee: NomineePublic
    summary: str
    simplified: bool
    posthumous: bool
    submission_id: UUID | None
    movement_id: UUID | None = Field(default=None,
                                     description="Phong trào thi đua của khen thưởng theo chuyên đề, đột xuất")
    documents: list[DocumentPublic]
    returns: list[ReturnPublic]
    outcome: dict[str, Any] = Field(description="Kết quả từng bước đã qua: unit_council, consultation, hold, "
                                                "appraisal, notice, council, decision, forwarded, rejection, "
                                                "conferral, revocation")
    late_in: str | None
    level: str
    route: list[str] = Field(description="Các đơn vị cấp trên hồ sơ đi qua, gần nhất trước")
    chain: list[StepPublic]
    required_documents: dict[str, str] = Field(description="mã loại giấy tờ → tên")
    missing_documents: list[str]
    allowed_commands: list[str]
    level_name: str
    route_names: list[str]


class DossierEligibility(Public):
    overall: Literal["pass", "fail", "unknown"]
    rules_version: str
    verdicts: list[VerdictPublic]


class NoticePublic(Public):
    """What may be published of a dossier under notice (never identification numbers, dates of
    birth or addresses)."""

    dossier_id: UUID
    name: str
    unit_code: str | None
    award: str
    year: int
    summary: str
    notice_from: date
    notice_until: date
    comments: int


class LatenessOut(Public):
    marked_late: int


class RuleStatus(Public):
    version: str
    file: str
    problems: list[str] = Field(description="Chỗ hỏng của tệp quy tắc (rỗng: tệp đang dùng hợp lệ)")


class QuotaCheck(Public):
    unit: str
    year: int
    counts: dict[str, int] = Field(description="Số hồ sơ của đơn vị trong năm theo hình thức khen thưởng")
    problems: list[str]


class RowErrorPublic(Public):
    row: int
    column: str | None = None
    error: str


class SubmissionOutcome(Public):
    submission_id: UUID
    rows: int
    created: int
    already_there: int
    errors: list[RowErrorPublic]


class SubmissionPublic(Public):
    submission_id: UUID
    unit_code: str
    year: int
    title: str
    number: str | None
    sent_to: str | None
    dossiers: int
    by_state: dict[str, int]
