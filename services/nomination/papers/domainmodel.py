"""A document the nomination service issued (a quyết định khen thưởng, …), frozen: the SHA-256 of
its exact bytes and the position of the event store it was built from; the bytes themselves are
kept in the content-addressed file store, never in an event. Signing adds the signed file's hash:
the issued file stays as it was.

Pure domain: `eventsourcing.domain` and the standard library only.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class IssuedDocument(Aggregate):
    @staticmethod
    def create_id(kind: str, number: str, issued_on: date) -> UUID:
        """One document per kind, number and year: a number is given once a year (NĐ 30/2020)."""
        return uuid5(NAMESPACE_URL, f"/issued-documents/{kind}/{issued_on.year}/{' '.join(number.split()).lower()}")

    @event("Issued")
    def __init__(self, *, kind: str, number: str, issued_on: date, media_type: str, sha256: str, size: int,
                 stream_position: int, dossier_ids: list[UUID], issued_by: str, issued_at: datetime,
                 unit_code: str = "") -> None:
        self.kind, self.number, self.issued_on = kind, number, issued_on
        self.media_type, self.sha256, self.size = media_type, sha256, size
        self.stream_position, self.dossier_ids = stream_position, dossier_ids
        self.issued_by, self.issued_at = issued_by, issued_at
        self.unit_code = unit_code  # the unit a tờ trình is from or a notice is sent to; none for a decision
        self.signed: dict[str, object] | None = None

    def check_signable(self) -> None:
        if self.media_type != "application/pdf":
            raise NotSignableError("Chỉ văn bản PDF mới ký số được (PAdES).")
        if self.signed is not None:
            raise NotSignableError("Văn bản đã được ký số.")

    def record_signature(self, *, sha256: str, size: int, signer: str, by: str, at: datetime) -> None:
        self.check_signable()
        self._signed(sha256=sha256, size=size, signer=signer, by=by, at=at)

    @event("Signed")
    def _signed(self, sha256: str, size: int, signer: str, by: str, at: datetime) -> None:
        self.signed = {"sha256": sha256, "size": size, "signer": signer, "at": at}


class NotSignableError(Exception):
    """Raised when the document is not a PDF, or is signed already."""
