"""Use cases of the nomination service's papers: the tờ trình of a submission, the draft of a
quyết định khen thưởng for dossiers awaiting or past the decision, the notice of non-award, the
certificate of an award; issuing a decision (its exact bytes frozen by their SHA-256 with the
event position they were built from) and signing it (PAdES)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from servicekit.auth import Principal
from services.nomination.council.application import SessionNotFoundError
from services.nomination.council.domainmodel import CouncilSession
from services.nomination.documents import FileStore
from services.nomination.dossiers.base import DossierNotFoundError, check_can_read
from services.nomination.dossiers.bulk import SubmissionNotFoundError
from services.nomination.dossiers.domainmodel import Dossier, Submission
from services.nomination.dossiers.ports import Catalogue
from services.nomination.dossiers.states import LABELS, State
from services.nomination.papers import certificates, content, pdf, signing, word
from services.nomination.papers.content import Entry, Paper
from services.nomination.papers.domainmodel import IssuedDocument

A = TypeVar("A")
Format = Literal["docx", "pdf"]
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DECIDABLE = (State.COUNCIL_PASSED, State.AWAITING_DECISION, State.DECIDED, State.AWARDED)
CERTIFIABLE = (State.DECIDED, State.AWARDED, State.CENTRAL_DECIDED)


@dataclass(frozen=True)
class Signing:
    """Who the paper is signed by and its number, when the request gives them (else the draft's)."""

    signed_on: date
    number: str | None = None
    signer_name: str | None = None


@dataclass(frozen=True)
class Rendered:
    data: bytes
    media_type: str
    filename: str


def rendered(paper: Paper, fmt: Format) -> Rendered:
    data = pdf.render(paper) if fmt == "pdf" else word.render(paper)
    return Rendered(data, MEDIA_TYPES[fmt], f"{paper.filename}.{fmt}")


class Papers:
    def __init__(self, app: Application[UUID], catalogue: Catalogue, store: FileStore,
                 signer: Callable[[], AbstractContextManager[Any]] | None = None) -> None:
        self.app, self.catalogue, self.store = app, catalogue, store
        self.signer = signer  # opens the service's signing key (PKCS#12 or PKCS#11), when one is configured

    # -- reading --------------------------------------------------------------------------------------
    def _get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        try:
            found: object = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def dossier(self, dossier_id: UUID, actor: Principal) -> Dossier:
        found = self._get(dossier_id, Dossier)
        if found is None:
            raise DossierNotFoundError(dossier_id)
        check_can_read(actor, found.unit_code)
        return found

    def entry(self, dossier: Dossier, cash_on: date | None = None) -> Entry:
        """The dossier as a paper lists it; cash from its decision, or computed for `cash_on` (a
        paper that shows no cash asks for none)."""
        decision, nominee = dossier.outcome.get("decision") or {}, dossier.nominee
        cash = decision.get("cash") if decision else (
            self.catalogue.cash(dossier.award_code, nominee["kind"], cash_on) if cash_on else None)
        rejection = dossier.outcome.get("rejection") or {}
        return Entry(dossier_id=str(dossier.id), name=nominee["name"], kind=nominee["kind"],
                     position=nominee.get("position") or "", unit_code=dossier.unit_code,
                     award_code=dossier.award_code, award_name=dossier.award["name"], year=dossier.year,
                     summary=dossier.summary, cash=None if cash is None else int(cash),
                     decision_number=decision.get("number", ""), decided_on=decision.get("decided_on"),
                     signed_by=decision.get("signed_by", ""), reason=rejection.get("reason", ""),
                     council="council" in dossier.outcome)

    # -- papers ----------------------------------------------------------------------------------------
    def to_trinh(self, actor: Principal, submission_id: UUID, how: Signing) -> Paper:
        submission = self._get(submission_id, Submission)
        if submission is None:
            raise SubmissionNotFoundError(submission_id)
        check_can_read(actor, submission.unit_code)
        dossiers = [d for d in (self._get(i, Dossier) for i in submission.dossiers) if d is not None]
        entries = [self.entry(d) for d in dossiers]
        if not entries:
            raise NothingToListError("Đợt đề nghị chưa có hồ sơ nào để lập tờ trình.")
        return content.to_trinh(unit_code=submission.unit_code, year=submission.year, title=submission.title,
                                entries=entries, signed_on=how.signed_on, number=how.number,
                                signer_name=how.signer_name)

    def decision(self, actor: Principal, dossier_ids: list[UUID], how: Signing) -> Paper:
        dossiers = [self.dossier(i, actor) for i in dict.fromkeys(dossier_ids)]
        not_ready = [d for d in dossiers if d.state not in DECIDABLE]
        if not_ready:
            raise NotReadyError("Chỉ lập dự thảo quyết định cho hồ sơ đã được Hội đồng thông qua, đang trình ký "
                                "hoặc đã có quyết định; "
                                + "; ".join(f"{d.nominee['name']} ({d.id}): {LABELS[d.state]}" for d in not_ready),
                                [str(d.id) for d in not_ready])
        return content.decision(entries=[self.entry(d, how.signed_on) for d in dossiers], signed_on=how.signed_on,
                                number=how.number, signer_name=how.signer_name)

    def session_dossiers(self, session_id: UUID) -> list[UUID]:
        """The dossiers a closed council session passed."""
        session = self._get(session_id, CouncilSession)
        if session is None:
            raise SessionNotFoundError(session_id)
        passed = [UUID(d) for d, result in session.results.items() if result.get("passed")]
        if not passed:
            raise NothingToListError("Phiên họp chưa kết thúc hoặc không có hồ sơ nào được thông qua.")
        return passed

    def non_award(self, actor: Principal, dossier_id: UUID, how: Signing) -> Paper:
        dossier = self.dossier(dossier_id, actor)
        if dossier.state != State.NOT_AWARDED:
            raise NotReadyError(f"Hồ sơ đang ở trạng thái '{LABELS[dossier.state]}': chỉ hồ sơ không được khen "
                                "thưởng mới có thông báo không khen thưởng.", [str(dossier.id)])
        return content.non_award(entry=self.entry(dossier), signed_on=how.signed_on,
                                 number=how.number, signer_name=how.signer_name)

    def certificate(self, actor: Principal, dossier_id: UUID, blank: str) -> bytes:
        chosen = certificates.blank(blank)
        dossier = self.dossier(dossier_id, actor)
        if dossier.state not in CERTIFIABLE:
            raise NotReadyError(f"Hồ sơ đang ở trạng thái '{LABELS[dossier.state]}': chỉ in bằng, giấy khen khi "
                                "đã có quyết định khen thưởng.", [str(dossier.id)])
        if chosen.awards and dossier.award_code not in chosen.awards:
            raise WrongBlankError(f"Phôi '{blank}' dùng cho {', '.join(chosen.awards)}, không dùng cho "
                                  f"{dossier.award['name']} ({dossier.award_code}).")
        e = self.entry(dossier)
        unit = content.unit_name(e.unit_code)
        values = {"name": e.name, "unit": ", ".join(v for v in (e.position, unit) if v and v != e.name),
                  "achievement": e.summary or f"Đã có thành tích xuất sắc năm {e.year}",
                  "decision": f"Quyết định số {e.decision_number} ngày {content.short_date(e.decided_on)}"
                  if e.decided_on else "", "place_date": content.place_date_of(e.decided_on),
                  "signer": e.signed_by}
        data, _ = certificates.render(blank, values)
        return data

    # -- issuing and signing -----------------------------------------------------------------------------
    def issue_decision(self, actor: Principal, dossier_ids: list[UUID], how: Signing, fmt: Format,
                       now: datetime) -> IssuedDocument:
        """Freeze the decision as issued: its bytes in the file store, their SHA-256 and the event
        position it was built from in the event store (published as DocumentIssued)."""
        if not how.number or not how.number.strip(" /"):
            raise NumberRequiredError()
        position = self.app.recorder.max_notification_id() or 0
        paper = self.decision(actor, dossier_ids, how)
        document_id = IssuedDocument.create_id("quyet_dinh", how.number.strip(), how.signed_on)
        if self._get(document_id, IssuedDocument) is not None:
            raise AlreadyIssuedError(f"Quyết định số {how.number} năm {how.signed_on.year} đã được ban hành.")
        out = rendered(paper, fmt)
        sha256 = self.store.put(out.data)
        issued = IssuedDocument(kind="quyet_dinh", number=how.number.strip(), issued_on=how.signed_on,
                                media_type=out.media_type, sha256=sha256, size=len(out.data),
                                stream_position=position, dossier_ids=list(dict.fromkeys(dossier_ids)),
                                issued_by=actor.subject, issued_at=now)
        self.app.save(issued)
        return issued

    def issued(self, document_id: UUID) -> IssuedDocument:
        found = self._get(document_id, IssuedDocument)
        if found is None:
            raise IssuedDocumentNotFoundError(document_id)
        return found

    def issued_file(self, document_id: UUID, signed: bool) -> tuple[IssuedDocument, bytes]:
        doc = self.issued(document_id)
        if signed and doc.signed is None:
            raise NotReadyError("Văn bản chưa được ký số.", [str(document_id)])
        sha256 = str(doc.signed["sha256"]) if signed and doc.signed else doc.sha256
        return doc, self.store.get(sha256)

    def sign(self, actor: Principal, document_id: UUID, now: datetime) -> IssuedDocument:
        """Sign the issued PDF with the service's key (PKCS#12 or PKCS#11); the signed file is kept beside it."""
        if self.signer is None:
            raise SigningNotConfiguredError()
        doc = self.issued(document_id)
        doc.check_signable()  # before the key is opened
        with self.signer() as key:
            data = signing.sign(self.store.get(doc.sha256), key)
            name = signing.signer_name(key)
        doc.record_signature(sha256=self.store.put(data), size=len(data), signer=name, by=actor.subject, at=now)
        self.app.save(doc)
        return doc


class PaperError(Exception):
    """Base of the papers' refusals."""


class NotReadyError(PaperError):
    """The dossier's state does not allow this paper (HTTP 409)."""

    def __init__(self, message: str, dossier_ids: list[str]) -> None:
        self.details = {"dossier_ids": dossier_ids}
        super().__init__(message)


class NothingToListError(PaperError):
    """HTTP 409: the paper would list nothing."""


class WrongBlankError(PaperError):
    """HTTP 422: the blank is for other awards."""

    def __init__(self, message: str) -> None:
        self.details = {"field": "blank"}
        super().__init__(message)


class NumberRequiredError(PaperError):
    def __init__(self) -> None:
        self.details = {"field": "number"}
        super().__init__("Ban hành quyết định cần số, ký hiệu văn bản (number), ví dụ '125/QĐ-UBND'.")


class AlreadyIssuedError(PaperError):
    """HTTP 409."""


class IssuedDocumentNotFoundError(PaperError):
    def __init__(self, document_id: UUID) -> None:
        super().__init__(f"Không tìm thấy văn bản đã ban hành {document_id}.")


class SigningNotConfiguredError(PaperError):
    def __init__(self) -> None:
        super().__init__("Dịch vụ chưa được cấu hình khóa ký số (TDKT_NOMINATION_SIGNING_PKCS12 hoặc "
                         "TDKT_NOMINATION_SIGNING_PKCS11_LIBRARY).")
