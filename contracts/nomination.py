"""Events published by the nomination service (`tdkt.nomination.*`): a dossier's life.

Every event says which dossier it is about, its state after the event and its version, and
who the nominee is — by a pseudonymous reference, the name and the unit; an identification
number only masked ("004******789"), a date of birth never. The priority groups the Law asks to
favour travel as yes/no facts (`PriorityGroups`); a nominee's ethnicity itself never does, only
whether it is an ethnic minority: information on racial or ethnic origin (nguồn gốc chủng tộc,
nguồn gốc dân tộc) is sensitive personal data under Nghị định 13/2023/NĐ-CP, Điều 2 khoản 4
điểm c. A public comment travels as
the fact and the count, never its author or text.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import IntegrationEvent

PUBLISHER = "nomination"


class NomineeRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"]
    ref: str = Field(description="The person's or collective's record in the nomination service")
    name: str
    unit_code: str
    masked_id: str | None = Field(default=None, examples=["004******789"])


class RuleOutcome(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    rule_id: str
    outcome: Literal["pass", "fail", "unknown"]
    verified: bool = True


class _DossierEvent(IntegrationEvent):
    publisher: ClassVar[str] = PUBLISHER

    dossier_id: UUID
    dossier_version: int = Field(ge=1)
    state: str = Field(description="The dossier's state after this event")
    unit_code: str = Field(description="The proposing unit")
    award_code: str = Field(examples=["BKT"])
    award_name: str | None = Field(default=None, examples=["Bằng khen của Chủ tịch UBND tỉnh"],
                                   description="As the catalogue named the award when the dossier opened")
    year: int = Field(ge=2000, le=2100, description="Year of the achievement")
    nominee: NomineeRef

    def cloudevent_subject(self) -> str:
        return f"dossiers/{self.dossier_id}"


DossierEvent = _DossierEvent  # for readers: every event about one dossier


class NominationCreated(_DossierEvent):
    """A unit opened a dossier for a nominee."""

    version: Literal[1] = 1
    basis: str
    simplified: bool
    posthumous: bool
    submission_id: UUID | None = None


class NominationProgressed(_DossierEvent):
    """A step without a public event of its own (accepted, consultation, resumed, …)."""

    version: Literal[1] = 1
    step: str = Field(examples=["accepted", "consultation_requested", "resumed", "notice_closed"])


class NominationSubmitted(_DossierEvent):
    """The unit's head signed the Tờ trình: the dossier reached Sở Nội vụ."""

    version: Literal[1] = 1
    times_submitted: int = Field(ge=1)


class LevelStep(BaseModel):
    """One step of a dossier between levels: from the unit to its parent unit, from a parent
    unit upward (with its tờ trình), back down on a return."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    step: Literal["submitted", "forwarded", "returned"]
    from_level: str = Field(examples=["THPT.CAOBINH"])
    to_level: str = Field(examples=["SGDDT", "tinh"], description="A unit's code, or 'tinh' (Sở Nội vụ)")
    submission_number: str | None = Field(default=None, examples=["45/TTr-SGDĐT"])


class NominationSentToParent(_DossierEvent):
    """The unit submitted the dossier to its parent unit (a school to Sở Giáo dục và Đào tạo),
    which reviews it, returns it or sends it upward; it has not reached Sở Nội vụ yet."""

    version: Literal[1] = 1
    level: str = Field(examples=["SGDDT"], description="The parent unit now holding the dossier")
    route: list[str] = Field(description="The parent units above the unit, nearest first")
    times_submitted: int = Field(ge=1)


class NominationReturnedByParent(_DossierEvent):
    """The parent unit holding the dossier returned it to the unit for supplement."""

    version: Literal[1] = 1
    returned_by: str = Field(examples=["SGDDT"], description="The parent unit that returned it")
    reasons: list[str]
    times_returned: int = Field(ge=1)


class NominationSentUp(_DossierEvent):
    """A parent unit sent the dossier upward in its own submission (tờ trình): to its own parent
    unit, or to Sở Nội vụ (`level` 'tinh'; NominationSubmitted follows)."""

    version: Literal[1] = 1
    from_level: str = Field(examples=["SGDDT"])
    level: str = Field(examples=["tinh"], description="Where the dossier is now: a unit's code, or 'tinh'")
    submission_id: UUID = Field(description="The parent unit's submission")
    submission_number: str = Field(examples=["45/TTr-SGDĐT"])
    submission_title: str
    chain: list[LevelStep] = Field(description="Every step between levels so far, oldest first")


class NominationReturned(_DossierEvent):
    """Returned to the unit for supplement; the processing clock stops."""

    version: Literal[1] = 1
    reasons: list[str]
    times_returned: int = Field(ge=1)


class NominationAppraised(_DossierEvent):
    """Appraisal concluded the nominee qualifies; the verdicts of the rules of the day."""

    version: Literal[1] = 1
    rules: list[RuleOutcome] = []
    catalogue_version: str | None = None


class NominationPutOnHold(_DossierEvent):
    """Review paused: discipline, investigation or complaint pending (guard G1)."""

    version: Literal[1] = 1
    ground: Literal["discipline", "investigation", "complaint"]


class NominationDisclosed(_DossierEvent):
    """Published for public comment before the council (orders, state honorary titles)."""

    version: Literal[1] = 1
    notice_from: date
    notice_until: date
    summary: str = Field(description="Summary of merits: what may be published")


class CouncilVoted(_DossierEvent):
    """The council's secret ballot on this dossier: the tally and the result, never who voted what."""

    version: Literal[1] = 1
    session_id: UUID
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(ge=0)
    base: int = Field(ge=1, description="The number the threshold applies to")
    threshold: float = Field(gt=0, le=1)
    passed: bool


class AwardDecided(_DossierEvent):
    """A decision awards the nominee (the province's, or the central level's)."""

    version: Literal[1] = 1
    award_name: str = Field(examples=["Bằng khen của Chủ tịch UBND tỉnh"])
    award_category: str = Field(examples=["bang_khen"], description="Form of award, as the catalogue names it")
    award_level: str = Field(examples=["tinh"], description="Level of the award, as the catalogue names it")
    decision_number: str = Field(examples=["163/QĐ-UBND"])
    decided_on: date
    signed_by: str
    central: bool = False
    cash_amount: int | None = Field(default=None, description="Tiền thưởng, đồng")


class NominationRejected(_DossierEvent):
    """Not awarded; the unit receives the written reason."""

    version: Literal[1] = 1
    reason: str
    rejected_in: str


class NominationForwarded(_DossierEvent):
    """The province submitted it to the central level (Tờ trình of the Chairman)."""

    version: Literal[1] = 1
    submission_number: str = Field(examples=["45/TTr-UBND"])
    forwarded_on: date


class AwardConferred(_DossierEvent):
    """The certificate or medal was handed over and the cash paid."""

    version: Literal[1] = 1
    conferred_on: date
    cash_paid: int | None = None
    posthumous: bool = False


class AwardRevoked(_DossierEvent):
    """The decision was annulled on one of the legal grounds."""

    version: Literal[1] = 1
    ground: Literal["a", "b", "c", "d"]
    ground_text: str
    decision_number: str
    revoked_on: date


class NominationLate(_DossierEvent):
    """A step's time limit passed (published once per stay in a state)."""

    version: Literal[1] = 1
    in_state: str
    due_date: date


class _StepDue(BaseModel):
    step_due_on: date | None = Field(description="The province's calendar day by which the step the dossier "
                                     "entered must be done (its time limit in working days); null when the "
                                     "step has no limit")


# Version 2 of the events that start a timed step: the step's due date. Each is published
# alongside its version 1 (same fact, its own event_id), which stays as it was.
class NominationSubmittedV2(_StepDue, NominationSubmitted):
    """The unit's head signed the Tờ trình: the dossier reached Sở Nội vụ; with the step's due date."""

    version: Literal[2] = 2  # type: ignore[assignment]


class NominationProgressedV2(_StepDue, NominationProgressed):
    """A step without a public event of its own (accepted, consultation, resumed, …); with the step's due date."""

    version: Literal[2] = 2  # type: ignore[assignment]


class NominationAppraisedV2(_StepDue, NominationAppraised):
    """Appraisal concluded the nominee qualifies; with the due date of the step that follows."""

    version: Literal[2] = 2  # type: ignore[assignment]


class CouncilVotedV2(_StepDue, CouncilVoted):
    """The council's secret ballot on this dossier; with the due date of the step that follows."""

    version: Literal[2] = 2  # type: ignore[assignment]


# The version 2 of each version 1 that has one.
WITH_STEP_DUE: dict[type[IntegrationEvent], type[IntegrationEvent]] = {
    NominationSubmitted: NominationSubmittedV2, NominationProgressed: NominationProgressedV2,
    NominationAppraised: NominationAppraisedV2, CouncilVoted: CouncilVotedV2,
}


class _Movement(BaseModel):
    movement_id: UUID | None = Field(default=None, description="The emulation movement (phong trào thi đua) a "
                                     "thematic or ad hoc award is proposed for; null for other dossiers")


class PriorityGroups(BaseModel):
    """The nominee's standing in the groups the Law asks to favour (Luật Thi đua, khen thưởng 2022, Điều 5),
    as the proposing unit declared it; null where the unit did not say (or, for a collective,
    where the fact is a person's). Counts of the reports rest on it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    gender: Literal["nam", "nu"] | None = Field(default=None, description="A person's; null for a collective")
    leadership: bool | None = Field(default=None, description="Holds a leadership or management position "
                                    "(giữ chức vụ lãnh đạo, quản lý)")
    leadership_title: str | None = Field(default=None, max_length=200, examples=["Hiệu trưởng"],
                                         description="The position, when `leadership`")
    direct_labourer: bool | None = Field(default=None, description="Worker, farmer, soldier or other person "
                                         "directly working, producing or serving (người trực tiếp lao động, "
                                         "sản xuất, công tác)")
    ethnic_minority: bool | None = Field(default=None, description="Belongs to an ethnic minority "
                                         "(người dân tộc thiểu số); the ethnicity itself is not published")
    hard_to_reach: bool | None = Field(default=None, description="Lives or works in a remote, hard-to-reach area "
                                       "(vùng sâu, vùng xa, vùng đặc biệt khó khăn, xã khu vực III); "
                                       "a person's or a collective's")


class _WithGroups(BaseModel):
    nominee_groups: PriorityGroups = Field(description="The priority groups of the nominee")


# Version 2 of the events that start or decide a dossier: the nominee's priority groups (and, for an
# opened dossier, its movement). Each is
# published alongside its version 1 (same fact, its own event_id), which stays as it was.
class NominationCreatedV2(_Movement, _WithGroups, NominationCreated):
    """A unit opened a dossier for a nominee; with the movement a thematic or ad hoc award is for
    and the nominee's priority groups."""

    version: Literal[2] = 2  # type: ignore[assignment]


class AwardDecidedV2(_WithGroups, AwardDecided):
    """A decision awards the nominee (the province's, or the central level's); with the nominee's priority groups."""

    version: Literal[2] = 2  # type: ignore[assignment]


WITH_GROUPS: dict[type[IntegrationEvent], type[IntegrationEvent]] = {
    NominationCreated: NominationCreatedV2, AwardDecided: AwardDecidedV2,
}
# Every version 2 published beside its version 1.
SECOND_VERSIONS: dict[type[IntegrationEvent], type[IntegrationEvent]] = {**WITH_STEP_DUE, **WITH_GROUPS}

# The tiers of leadership the statutory forms 0602 and 0603 (TT 02/2023/TT-BNV) count individuals by;
# "khong": holds no leadership or management position.
LeadershipTier = Literal["khong", "cap_bo_tinh", "cap_vu_so", "doanh_nhan", "tu_pho_phong"]
# The basis of an award (loại hình, phương thức khen thưởng): "cong_trang" is the forms' "thường xuyên"
# (công trạng, thành tích thường xuyên).
AwardBasis = Literal["cong_trang", "chuyen_de", "dot_xuat", "doi_ngoai", "cong_hien", "nien_han", "khang_chien"]


class PriorityGroupsV3(PriorityGroups):
    """The priority groups, with the tier of the position a person holds."""

    leadership_tier: LeadershipTier | None = Field(
        default=None, description="khong: no leadership or management position (`leadership` false); "
        "cap_bo_tinh: lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên; cap_vu_so: lãnh đạo cấp vụ, sở, ngành và "
        "tương đương; doanh_nhan: doanh nhân; tu_pho_phong: các cấp lãnh đạo khác từ phó phòng trở lên. Null: not "
        "declared, or a collective")


class _WithTierAndBasis(BaseModel):
    nominee_groups: PriorityGroupsV3 = Field(description="The priority groups of the nominee, with the "
                                             "leadership tier")
    basis: AwardBasis = Field(description="The basis of the award (loại hình khen thưởng) as the dossier holds it "
                              "at this event: cong_trang (thường xuyên), chuyen_de, dot_xuat, doi_ngoai, cong_hien, "
                              "nien_han, khang_chien")


# Version 3 of the events that start or decide a dossier: version 2 with the nominee's leadership tier
# and the award's basis as the dossier holds it then (a unit may correct both before submitting, so the
# decided dossier's are those of AwardDecided). Published alongside versions 1 and 2, which stay as
# they were.
# (the ignore: version 3 narrows the types of fields it shares with versions 1 and 2)
class NominationCreatedV3(_WithTierAndBasis, NominationCreatedV2):  # type: ignore[misc]
    """A unit opened a dossier for a nominee; with the movement, the nominee's priority groups and
    leadership tier, and the award's basis."""

    version: Literal[3] = 3  # type: ignore[assignment]


# (the ignore: version 3 narrows the types of fields it shares with versions 1 and 2)
class AwardDecidedV3(_WithTierAndBasis, AwardDecidedV2):  # type: ignore[misc]
    """A decision awards the nominee (the province's, or the central level's); with the nominee's priority
    groups and leadership tier, and the award's basis."""

    version: Literal[3] = 3  # type: ignore[assignment]


# The version 3 of each version 1 that has one (published beside versions 1 and 2).
THIRD_VERSIONS: dict[type[IntegrationEvent], type[IntegrationEvent]] = {
    NominationCreated: NominationCreatedV3, AwardDecided: AwardDecidedV3,
}


class NominationNoticeCommented(_DossierEvent):
    """A comment on the dossier came in during its public notice (by post, e-mail, the portal): the
    fact and how many so far, for the proposing unit to follow up; never who wrote it or the text."""

    version: Literal[1] = 1
    comments: int = Field(ge=1, description="Comments received so far during this notice")
    notice_until: date = Field(description="The last day of the public notice")


class DocumentIssued(IntegrationEvent):
    """The nomination service issued a document (a quyết định khen thưởng, …) or its signed copy:
    the exact bytes are kept and never change; the hash and the position of the service's event
    store it was built from let anyone check a copy and rebuild it."""

    publisher: ClassVar[str] = PUBLISHER
    version: Literal[1] = 1

    document_id: UUID
    document_version: int = Field(ge=1, description="1: issued; 2: its signed copy")
    kind: Literal["quyet_dinh", "to_trinh", "thong_bao_khong_khen"]
    number: str = Field(examples=["125/QĐ-UBND"], description="Số, ký hiệu")
    issued_on: date
    media_type: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of this file's bytes")
    size: int = Field(ge=1, description="Bytes")
    stream_position: int = Field(ge=0, description="Built from every event of the nomination store up to this one")
    dossier_ids: list[UUID]
    signed: bool = Field(default=False, description="A signed copy (PAdES) of the issued file")
    unsigned_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$",
                                        description="For a signed copy: the hash of the file as issued")
    issued_by: str

    def cloudevent_subject(self) -> str:
        return f"issued-documents/{self.document_id}"


EVENTS: list[type[IntegrationEvent]] = [
    NominationCreated, NominationProgressed, NominationSubmitted, NominationReturned, NominationAppraised,
    NominationPutOnHold, NominationDisclosed, CouncilVoted, AwardDecided, NominationRejected,
    NominationForwarded, AwardConferred, AwardRevoked, NominationLate, NominationSentToParent,
    NominationReturnedByParent, NominationSentUp, DocumentIssued, NominationNoticeCommented,
    *SECOND_VERSIONS.values(), *THIRD_VERSIONS.values(),
]
