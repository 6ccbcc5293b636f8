"""The unit's side of a dossier: open it, complete it, attach its documents, record the unit
council's vote, submit it (and again after a return)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from servicekit.auth import Principal
from services.nomination.dossiers.base import DossierUseCases, authorize
from services.nomination.dossiers.domainmodel import DocumentNotAttachedError, Dossier, DossierError
from services.nomination.dossiers.ports import AwardInfo, Catalogue, DocumentStore, History, NoParents, Units

BASES = {"cong_trang": "công trạng, thành tích thường xuyên", "chuyen_de": "theo chuyên đề, theo đợt",
         "dot_xuat": "đột xuất", "cong_hien": "quá trình cống hiến", "nien_han": "niên hạn",
         "doi_ngoai": "đối ngoại"}


@dataclass(frozen=True)
class NewDossier:
    unit_code: str
    award_code: str
    year: int
    basis: str
    nominee_kind: str
    nominee: dict[str, Any]  # what identifies the nominee (see History.resolve)
    summary: str = ""
    simplified: bool = False
    posthumous: bool = False
    submission_id: UUID | None = None
    movement_id: UUID | None = None


# The bases of award a movement's dossier may have (khen thưởng theo chuyên đề, đột xuất).
MOVEMENT_BASES = ("chuyen_de", "dot_xuat")


class Drafting(DossierUseCases):
    def __init__(self, app: Application[UUID], catalogue: Catalogue, history: History, store: DocumentStore,
                 units: Units | None = None) -> None:
        super().__init__(app)
        self.catalogue = catalogue
        self.history = history
        self.store = store
        self.units: Units = units or NoParents()

    def open(self, actor: Principal, new: NewDossier, now: datetime) -> tuple[UUID, bool]:
        """Open the dossier; the same unit, year, award and nominee again finds the same one."""
        dossier, records = self.prepare(actor, new, now)
        if self.exists(dossier.id):
            return dossier.id, False
        self.app.save(*records, dossier)
        return dossier.id, True

    def prepare(self, actor: Principal, new: NewDossier, now: datetime) -> tuple[Dossier, list[Any]]:
        """Check everything and build the dossier (and a new person record) without saving."""
        authorize(actor, "edit", new.unit_code)
        award = self.catalogue.award(new.award_code)
        check_fits(award, new)
        data = {**new.nominee, "unit_code": new.nominee.get("unit_code") or new.unit_code}
        nominee, records = self.history.resolve(new.nominee_kind, data, actor.subject)
        dossier = Dossier(unit_code=new.unit_code, award_code=award.code, year=new.year, basis=new.basis,
                          award={"name": award.name, "category": award.category, "level": award.level},
                          nominee=nominee, summary=new.summary.strip(), simplified=new.simplified,
                          posthumous=new.posthumous, submission_id=new.submission_id, created_by=actor.subject,
                          created_at=now, movement_id=new.movement_id)
        return dossier, records

    def exists(self, dossier_id: UUID) -> bool:
        try:
            self.load(dossier_id)
        except DossierError:
            return False
        return True

    def edit(self, dossier_id: UUID, version: int | None, actor: Principal, *, summary: str | None,
             basis: str | None, position: str | None, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "edit")
        if basis is not None and basis not in BASES:
            raise InvalidBasisError(basis)
        dossier.edit(summary=summary, basis=basis, position=position, by=actor.subject, at=now)
        return self.save(dossier)

    def attach(self, dossier_id: UUID, version: int | None, actor: Principal, *, kind: str, data: bytes,
               filename: str, media_type: str, now: datetime, replaces: str | None = None) -> int:
        """Attach a file; with `replaces`, the file it replaces is removed in the same change."""
        dossier = self.for_command(dossier_id, version, actor, "attach_document")
        kinds = self.catalogue.required_documents(dossier.award_code, dossier.nominee["kind"])
        if kind not in kinds and kind != "khac":
            raise UnknownDocumentKindError(kind, self.catalogue.award(dossier.award_code).name, kinds)
        if replaces is not None and dossier.document(replaces) is None:
            raise DocumentNotAttachedError(replaces)
        sha256 = self.store.put(data)
        changed = dossier.attach_document(kind=kind, sha256=sha256, filename=filename, media_type=media_type,
                                          size=len(data), by=actor.subject, at=now)
        if replaces is not None and replaces != sha256:
            dossier.remove_document(sha256=replaces, by=actor.subject, at=now)
            changed = True
        if changed:
            self.save(dossier)
        return dossier.version

    def remove(self, dossier_id: UUID, version: int | None, actor: Principal, sha256: str, now: datetime) -> int:
        dossier = self.for_command(dossier_id, version, actor, "remove_document")
        dossier.remove_document(sha256=sha256, by=actor.subject, at=now)
        return self.save(dossier)

    def record_unit_council(self, dossier_id: UUID, version: int | None, actor: Principal, *, meeting_on: date,
                            agreed: int, present: int, now: datetime, attestations: Sequence[str] = ()) -> int:
        dossier = self.for_command(dossier_id, version, actor, "record_unit_council")
        dossier.record_unit_council(meeting_on=meeting_on, agreed=agreed, present=present,
                                    attestations=list(attestations), by=actor.subject, at=now)
        return self.save(dossier)

    def submit(self, dossier_id: UUID, version: int | None, actor: Principal, now: datetime) -> int:
        """Submit to Sở Nội vụ, or to the unit's parent unit (its route upward resolved now)."""
        dossier = self.for_command(dossier_id, version, actor, "submit")
        dossier.submit(missing_documents=self.missing_documents(dossier), route=self.units.route(dossier.unit_code),
                       by=actor.subject, at=now)
        return self.save(dossier)

    def required_documents(self, dossier: Dossier) -> dict[str, str]:
        return self.catalogue.required_documents(dossier.award_code, dossier.nominee["kind"])

    def missing_documents(self, dossier: Dossier) -> list[str]:
        present = dossier.document_kinds()
        return [name for code, name in self.required_documents(dossier).items() if code not in present]


def check_fits(award: AwardInfo, new: NewDossier) -> None:
    if new.nominee_kind not in award.subjects:
        raise NomineeKindError(award, new.nominee_kind)
    if new.basis not in BASES:
        raise InvalidBasisError(new.basis)
    if new.posthumous and not award.posthumous_allowed:
        raise PosthumousNotAllowedError(award)
    if new.movement_id is not None and new.basis not in MOVEMENT_BASES:
        raise MovementBasisError(new.basis)


class NomineeKindError(DossierError):
    def __init__(self, award: AwardInfo, kind: str) -> None:
        super().__init__(f"'{award.name}' không xét tặng cho đối tượng '{kind}' "
                         f"(chỉ cho: {', '.join(sorted(award.subjects))}).")


class InvalidBasisError(DossierError):
    def __init__(self, basis: str) -> None:
        super().__init__(f"Loại hình khen thưởng '{basis}' không hợp lệ; dùng một trong: {', '.join(BASES)}.")


class MovementBasisError(DossierError):
    def __init__(self, basis: str) -> None:
        super().__init__("Chỉ hồ sơ khen thưởng theo chuyên đề, theo đợt hoặc đột xuất mới gắn với phong trào "
                         f"thi đua; hồ sơ này có loại hình '{BASES.get(basis, basis)}'.")


class PosthumousNotAllowedError(DossierError):
    def __init__(self, award: AwardInfo) -> None:
        super().__init__(f"'{award.name}' không được truy tặng.")


class UnknownDocumentKindError(DossierError):
    def __init__(self, kind: str, award: str, kinds: dict[str, str]) -> None:
        listed = "; ".join(f"{c} ({n})" for c, n in kinds.items())
        super().__init__(f"Loại tài liệu '{kind}' không thuộc hồ sơ '{award}'. Các loại: {listed}; khac.")
