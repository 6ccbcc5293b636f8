"""Request bodies of the dossier API (separate from the domain and the contracts)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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


class NomineeIn(Body):
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
    basis: str = Field(default="cong_trang", examples=["cong_trang"])
    nominee_kind: Literal["ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"] = "ca_nhan"
    nominee: NomineeIn
    summary: str = Field(default="", max_length=5000, description="Tóm tắt thành tích (được công khai)")
    simplified: bool = Field(default=False, description="Thủ tục đơn giản")
    posthumous: bool = Field(default=False, description="Truy tặng")
    movement_id: UUID | None = Field(default=None, description="Phong trào thi đua mà khen thưởng theo chuyên đề "
                                     "hoặc đột xuất đề nghị cho (basis chuyen_de, dot_xuat)")


class DossierEdit(Body):
    summary: str | None = Field(default=None, max_length=5000)
    basis: str | None = None
    position: str | None = Field(default=None, max_length=200)


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
