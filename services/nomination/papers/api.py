"""HTTP API of the papers: tờ trình of a submission, dự thảo quyết định khen thưởng (of chosen
dossiers or of a council session), notice of non-award, certificates on pre-printed blanks and
their calibration page, issued decisions (frozen, signed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from servicekit.auth import Principal, PrincipalDep, Role, require
from services.nomination.dossiers.base import READERS
from services.nomination.dossiers.schemas import Body
from services.nomination.papers import certificates
from services.nomination.papers.application import (
    MEDIA_TYPES,
    SIGNERS,
    AlreadyIssuedError,
    Format,
    IssuedDocumentNotFoundError,
    NothingToListError,
    NotReadyError,
    NumberRequiredError,
    PaperError,
    Signing,
    SigningNotConfiguredError,
    WrongBlankError,
    rendered,
)
from services.nomination.papers.content import FILENAMES, Paper
from services.nomination.papers.domainmodel import IssuedDocument, NotSignableError
from services.nomination.papers.signing import SigningKeyError
from services.nomination.routing import DOSSIER_READERS, PapersDep, RuntimeDep
from services.nomination.runtime import NominationRuntime

router = APIRouter(tags=["papers"])
ERRORS: dict[type[Exception], tuple[int, str]] = {
    IssuedDocumentNotFoundError: (404, "issued_document_not_found"),
    NotReadyError: (409, "dossier_not_ready"),
    NothingToListError: (409, "nothing_to_list"),
    AlreadyIssuedError: (409, "already_issued"),
    NotSignableError: (409, "not_signable"),
    certificates.UnknownBlankError: (422, "unknown_blank"),
    WrongBlankError: (422, "wrong_blank"),
    NumberRequiredError: (422, "number_required"),
    SigningKeyError: (503, "signing_key_unreadable"),
    SigningNotConfiguredError: (409, "signing_not_configured"),
    PaperError: (422, "paper_rule_violated"),
}
# Who drafts and issues the province's decisions: Sở Nội vụ and the deciding authority.
DECISION_MAKERS = [Depends(require(Role.APPRAISER, Role.COUNCIL_SECRETARY, Role.CHAIR))]
# Who reads decision drafts and issued decisions: those who read every unit's dossiers.
DECISION_READERS = [Depends(require(*READERS))]
# Who issues a unit's tờ trình: its clerk (the use case checks the unit).
TO_TRINH_ISSUERS = [Depends(require(Role.UNIT_CLERK, unit="own"))]
# Who signs an issued paper: the decision makers, or a unit's clerk its own tờ trình (the use case checks which).
PAPER_SIGNERS = [Depends(require(*SIGNERS, Role.UNIT_CLERK, unit="own"))]
FILES = {"content": {MEDIA_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}},
                     MEDIA_TYPES["docx"]: {"schema": {"type": "string", "format": "binary"}}}}
PDF_ONLY = {"content": {MEDIA_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}}}}
FormatQuery = Annotated[Format, Query(alias="format", description="docx (bản thảo Word) hoặc pdf")]
SignedOn = Annotated[date | None, Query(description="Ngày ký (mặc định: hôm nay)")]
Number = Annotated[str | None, Query(max_length=40, description="Số, ký hiệu (mặc định: để trống số)")]
Signer = Annotated[str | None, Query(max_length=100, description="Họ tên người ký")]


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


async def signing(runtime: RuntimeDep, signed_on: SignedOn = None, number: Number = None,
                  signer: Signer = None) -> Signing:
    """Who signs a draft, under which number, on which day (today by default)."""
    return Signing(signed_on or runtime.today(), number, signer)


SigningDep = Annotated[Signing, Depends(signing)]


async def sent(runtime: NominationRuntime, paper: Paper, fmt: Format) -> Response:
    """A paper rendered in `fmt`, as a download."""
    out = await runtime.call(rendered, paper, fmt)
    return attachment(out.data, out.media_type, out.filename)


@router.get("/submissions/{submission_id}/to-trinh", response_class=Response, responses={200: FILES},
            dependencies=DOSSIER_READERS)
async def to_trinh(submission_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep,
                   how: SigningDep, fmt: FormatQuery = "docx") -> Response:
    """Tờ trình đề nghị khen thưởng of a submission (Mẫu 01, NĐ 152/2025/NĐ-CP), listing its dossiers."""
    return await sent(runtime, await runtime.call(use.to_trinh, actor, submission_id, how), fmt)


@router.get("/decision-drafts", response_class=Response, responses={200: FILES},
            dependencies=DECISION_READERS)
async def decision_draft(use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep,
                         ids: Annotated[list[UUID], Query(
                             min_length=1, max_length=300,  # more would not fit the HTTP server's 16 KB request line
                             description="Các hồ sơ (lặp lại ?ids=…, tối đa 300)")],
                         how: SigningDep, fmt: FormatQuery = "docx") -> Response:
    """Dự thảo quyết định khen thưởng with its annex (awardees, award, unit, cash, total) for
    dossiers awaiting the decision or decided."""
    return await sent(runtime, await runtime.call(use.decision, actor, ids, how), fmt)


@router.get("/council/sessions/{session_id}/decision-draft", response_class=Response, responses={200: FILES},
            dependencies=DECISION_READERS)
async def session_decision_draft(session_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep,
                                 how: SigningDep, fmt: FormatQuery = "docx") -> Response:
    """Dự thảo quyết định khen thưởng for the dossiers a closed council session passed."""
    ids = await runtime.call(use.session_dossiers, session_id)
    return await sent(runtime, await runtime.call(use.decision, actor, ids, how), fmt)


@router.get("/dossiers/{dossier_id}/non-award-notice", response_class=Response, responses={200: FILES},
            dependencies=DOSSIER_READERS)
async def non_award_notice(dossier_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep,
                           how: SigningDep, fmt: FormatQuery = "docx") -> Response:
    """Thông báo không khen thưởng, with the reasons, to the proposing unit of a rejected dossier."""
    return await sent(runtime, await runtime.call(use.non_award, actor, dossier_id, how), fmt)


Blank = Annotated[str, Query(max_length=60, pattern=r"^[a-z0-9-]+$", examples=["bang-khen-tinh"],
                             description="Mã phôi in sẵn (blanks.yaml)")]


@router.get("/dossiers/{dossier_id}/certificate", response_class=Response, responses={200: PDF_ONLY},
            dependencies=DOSSIER_READERS)
async def certificate(dossier_id: UUID, blank: Blank, use: PapersDep, runtime: RuntimeDep,
                      actor: PrincipalDep) -> Response:
    """The certificate's fields as PDF, to print onto the pre-printed blank `blank` (100 % scale)."""
    data = await runtime.call(use.certificate, actor, dossier_id, blank)
    return attachment(data, MEDIA_TYPES["pdf"], f"{blank}-{dossier_id}.pdf")


@router.get("/certificates/calibration", response_class=Response, responses={200: PDF_ONLY},
            dependencies=DECISION_READERS)
async def calibration(blank: Blank, runtime: RuntimeDep) -> Response:
    """A calibration page for blank `blank`: the fields' boxes over a millimetre grid, for plain paper."""
    data = await runtime.call(certificates.calibration, blank)
    return attachment(data, MEDIA_TYPES["pdf"], f"can-chinh-{blank}.pdf")


class PaperIssue(Body):
    number: str = Field(min_length=3, max_length=40, examples=["125/QĐ-UBND"], description="Số, ký hiệu")
    signed_on: date = Field(description="Ngày ký")
    signer_name: str | None = Field(default=None, max_length=100)
    format: Format = "pdf"

    @property
    def signing(self) -> Signing:
        return Signing(self.signed_on, self.number, self.signer_name)


class DecisionIssue(PaperIssue):
    dossier_ids: list[UUID] = Field(min_length=1, max_length=2000)


class SignedCopy(BaseModel):
    sha256: str = Field(description="SHA-256 of the signed copy's bytes")
    size: int
    signer: str = Field(description="The signing certificate's subject")
    at: datetime


class Issued(BaseModel):
    id: UUID
    kind: str = Field(examples=["quyet_dinh"])
    number: str = Field(examples=["125/QĐ-UBND"])
    issued_on: date
    media_type: str
    sha256: str = Field(description="SHA-256 of the issued file's bytes (never changes)")
    size: int
    stream_position: int = Field(description="Built from every event of the nomination store up to this one")
    dossier_ids: list[UUID]
    unit_code: str = Field(description="The unit a tờ trình is from or a notice is sent to; empty for a decision")
    issued_by: str
    issued_at: datetime
    signed: SignedCopy | None = None
    version: int


def issued_view(doc: IssuedDocument) -> Issued:
    return Issued(id=doc.id, kind=doc.kind, number=doc.number, issued_on=doc.issued_on, media_type=doc.media_type,
                  sha256=doc.sha256, size=doc.size, stream_position=doc.stream_position, dossier_ids=doc.dossier_ids,
                  unit_code=doc.unit_code, issued_by=doc.issued_by, issued_at=doc.issued_at, version=doc.version,
                  signed=SignedCopy.model_validate(doc.signed) if doc.signed else None)


async def issued_paper(runtime: NominationRuntime, use: Callable[..., IssuedDocument], actor: Principal,
                       target: object, body: PaperIssue) -> Issued:
    """Issue a paper by the use case `use` for `target` (its dossiers, submission or dossier)."""
    return issued_view(await runtime.call(use, actor, target, body.signing, body.format, runtime.now()))


@router.post("/issued-documents", status_code=status.HTTP_201_CREATED, dependencies=DECISION_MAKERS)
async def issue_decision(body: DecisionIssue, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep) -> Issued:
    """Issue a quyết định khen thưởng: its exact bytes are kept, their SHA-256 and the event
    position they were built from recorded and published (DocumentIssued); they never change."""
    return await issued_paper(runtime, use.issue_decision, actor, body.dossier_ids, body)


@router.post("/submissions/{submission_id}/to-trinh/issued", status_code=status.HTTP_201_CREATED,
             dependencies=TO_TRINH_ISSUERS)
async def issue_to_trinh(submission_id: UUID, body: PaperIssue, use: PapersDep, runtime: RuntimeDep,
                         actor: PrincipalDep) -> Issued:
    """Issue the unit's tờ trình of a submission, frozen and published as a decision is."""
    return await issued_paper(runtime, use.issue_to_trinh, actor, submission_id, body)


@router.post("/dossiers/{dossier_id}/non-award-notice/issued", status_code=status.HTTP_201_CREATED,
             dependencies=DECISION_MAKERS)
async def issue_non_award(dossier_id: UUID, body: PaperIssue, use: PapersDep, runtime: RuntimeDep,
                          actor: PrincipalDep) -> Issued:
    """Issue the notice of non-award of a dossier, frozen and published as a decision is."""
    return await issued_paper(runtime, use.issue_non_award, actor, dossier_id, body)


@router.get("/issued-documents/{document_id}", dependencies=DOSSIER_READERS)
async def issued(document_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep) -> Issued:
    """An issued document's record: hash, size, event position, signature (a unit reads its own papers)."""
    return issued_view(await runtime.call(use.issued, actor, document_id))


@router.get("/issued-documents/{document_id}/file", response_class=Response, responses={200: FILES},
            dependencies=DOSSIER_READERS)
async def issued_file(document_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep,
                      signed: Annotated[bool, Query(description="Bản đã ký số")] = False) -> Response:
    """The issued file, byte for byte as issued (or as signed); its SHA-256 is checked on reading."""
    doc, data = await runtime.call(use.issued_file, actor, document_id, signed)
    extension = "pdf" if doc.media_type == MEDIA_TYPES["pdf"] else "docx"
    name = FILENAMES.get(doc.kind, "van-ban")
    return attachment(data, doc.media_type, f"{name}-{doc.id}{'-ky-so' if signed else ''}.{extension}")


@router.post("/issued-documents/{document_id}/signature", dependencies=PAPER_SIGNERS)
async def sign(document_id: UUID, use: PapersDep, runtime: RuntimeDep, actor: PrincipalDep) -> Issued:
    """Sign the issued PDF (PAdES) with the service's key (PKCS#12 or PKCS#11); the signed copy is kept beside it."""
    return issued_view(await runtime.call(use.sign, actor, document_id, runtime.now()))
