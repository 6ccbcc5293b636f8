"""HTTP API of dossiers: opening and reading them, and the unit's steps."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.responses import Response as RawResponse

from servicekit.auth import PrincipalDep
from servicekit.http import ALREADY_EXISTS, Created, VersionDep
from services.nomination.documents import MEDIA_TYPES
from services.nomination.dossiers import schemas as s
from services.nomination.dossiers.application import NewDossier
from services.nomination.dossiers.base import details, visible_unit
from services.nomination.dossiers.domainmodel import DossierError
from services.nomination.dossiers.states import allowed_in
from services.nomination.routing import DOSSIER_READERS, DraftingDep, LevelsDep, ReviewDep, RuntimeDep, dossier_policy

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


def versioned(response: Response, version: int) -> s.Versioned:
    response.headers["ETag"] = f'"{version}"'
    return s.Versioned(version=version)


@router.post("", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS, dependencies=dossier_policy("edit"))
async def open_dossier(body: s.DossierCreate, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep,
                       response: Response) -> Created:
    """Open a dossier for one nominee (the same unit, year, award and nominee finds the existing one)."""
    new = NewDossier(unit_code=body.nominee.unit_code or "", award_code=body.award_code, year=body.year,
                     basis=body.basis, nominee_kind=body.nominee_kind, nominee=body.nominee.model_dump(),
                     summary=body.summary, simplified=body.simplified, posthumous=body.posthumous,
                     movement_id=body.movement_id)
    dossier_id, created = await runtime.call(drafting.open, actor, new, runtime.now())
    if created:
        await runtime.wait_for_views()  # the lists and the quota counts show it once it is answered
    else:
        response.status_code = status.HTTP_200_OK
    return Created(id=dossier_id, created=created)


@router.get("", dependencies=DOSSIER_READERS)
async def list_dossiers(
    runtime: RuntimeDep, actor: PrincipalDep, state: str | None = None, unit: str | None = None,
    award: str | None = None, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    late: bool | None = None, name: Annotated[str | None, Query(max_length=100)] = None,
    submission_id: UUID | None = None,
    level: Annotated[str | None, Query(max_length=32, description="Cấp đang giữ hồ sơ: mã đơn vị cấp trên, "
                                       "hoặc 'tinh' (Sở Nội vụ)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[s.DossierRow]:
    """Dossiers by state, unit, award, year, lateness, nominee name and the level holding them;
    a unit sees only its own, and a parent unit also those its units sent it (`level` = its code)."""
    rows = await runtime.call(runtime.dossier_view.dossiers, unit=visible_unit(actor, unit, level),
                              state=state, award=award, year=year, late=late, name=name,
                              submission_id=submission_id, level=level, limit=limit, offset=offset)
    return [s.DossierRow.model_validate(row) for row in rows]


@router.get("/{dossier_id}", dependencies=DOSSIER_READERS)
async def get_dossier(dossier_id: UUID, drafting: DraftingDep, levels: LevelsDep, runtime: RuntimeDep,
                      actor: PrincipalDep, response: Response) -> s.DossierPublic:
    """One dossier: its state, the level holding it and the levels it went through, documents,
    missing documents, history of returns and outcome."""
    dossier = await runtime.call(drafting.for_reading, dossier_id, actor)
    required = await runtime.call(drafting.required_documents, dossier)
    missing = [name for code, name in required.items() if code not in dossier.document_kinds()]
    response.headers["ETag"] = f'"{dossier.version}"'
    return s.DossierPublic.model_validate(details(
        dossier, required_documents=required, missing_documents=missing, allowed_commands=allowed_in(dossier.state),
        **await runtime.call(levels.where, dossier)))


@router.patch("/{dossier_id}", dependencies=dossier_policy("edit"))
async def edit(dossier_id: UUID, body: s.DossierEdit, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep,
               version: VersionDep, response: Response) -> s.Versioned:
    """Correct the summary of merits, the basis of award, the nominee's position or priority groups."""
    new_version = await runtime.call(drafting.edit, dossier_id, version, actor, summary=body.summary,
                                     basis=body.basis, position=body.position, priority=body.priority_facts(),
                                     now=runtime.now())
    return versioned(response, new_version)


@router.post("/{dossier_id}/documents", dependencies=dossier_policy("attach_document"))
async def attach(dossier_id: UUID, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep, version: VersionDep,
                 response: Response, kind: Annotated[str, Form(max_length=64)], file: Annotated[UploadFile, File()],
                 replaces: Annotated[str | None, Form(max_length=64, pattern="^[0-9a-f]{64}$",
                                                      description="sha256 của tài liệu được thay thế")] = None,
                 ) -> s.Versioned:
    """Attach a document (PDF, DOCX, PNG, JPEG; checked by its content) of a kind the award requires,
    before or after the unit council, until the dossier is submitted; `replaces` removes the file
    it replaces in the same change."""
    data = await file.read(runtime.settings.document_max_bytes + 1)
    media_type = runtime.check_upload(data, file.filename or "", file.content_type)
    new_version = await runtime.call(drafting.attach, dossier_id, version, actor, kind=kind, data=data,
                                     filename=file.filename or "", media_type=media_type, now=runtime.now(),
                                     replaces=replaces)
    return versioned(response, new_version)


@router.get("/{dossier_id}/documents/{sha256}", response_class=RawResponse, dependencies=DOSSIER_READERS,
            responses={200: {"description": "Tài liệu như khi tải lên", "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in MEDIA_TYPES}}})
async def download(dossier_id: UUID, sha256: str, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep
                   ) -> RawResponse:
    """A document of the dossier, as it was uploaded (integrity checked)."""
    dossier = await runtime.call(drafting.for_reading, dossier_id, actor)
    meta = dossier.document(sha256)
    if meta is None:
        raise DossierError(f"Hồ sơ không có tài liệu {sha256[:12]}….")
    data = await runtime.call(runtime.store.get, sha256)
    return RawResponse(data, media_type=meta["media_type"],
                       headers={"Content-Disposition": f'attachment; filename="{meta["sha256"][:12]}"'})


@router.delete("/{dossier_id}/documents/{sha256}", dependencies=dossier_policy("remove_document"))
async def remove(dossier_id: UUID, sha256: str, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep,
                 version: VersionDep, response: Response) -> s.Versioned:
    """Remove a document before submission."""
    return versioned(response, await runtime.call(drafting.remove, dossier_id, version, actor, sha256,
                                                  runtime.now()))


@router.post("/{dossier_id}/unit-council", dependencies=dossier_policy("record_unit_council"))
async def unit_council(dossier_id: UUID, body: s.UnitCouncil, drafting: DraftingDep, runtime: RuntimeDep,
                       actor: PrincipalDep, version: VersionDep, response: Response) -> s.Versioned:
    """Record the unit council's meeting (biên bản bình xét): members present and in favour."""
    return versioned(response, await runtime.call(
        drafting.record_unit_council, dossier_id, version, actor, meeting_on=body.meeting_on,
        agreed=body.agreed, present=body.present, attestations=body.attestations, now=runtime.now()))


@router.post("/{dossier_id}/submit", dependencies=dossier_policy("submit"))
async def submit(dossier_id: UUID, drafting: DraftingDep, runtime: RuntimeDep, actor: PrincipalDep, version: VersionDep,
                 response: Response) -> s.Versioned:
    """Submit to Sở Nội vụ, or to the unit's parent unit when it has one (the award's required
    documents must all be attached)."""
    return versioned(response, await runtime.call(drafting.submit, dossier_id, version, actor, runtime.now()))


@router.get("/{dossier_id}/eligibility", dependencies=DOSSIER_READERS)
async def eligibility(dossier_id: UUID, drafting: DraftingDep, review: ReviewDep, runtime: RuntimeDep,
                      actor: PrincipalDep) -> s.DossierEligibility:
    """What the rules say today about this nominee and award (nothing is recorded)."""
    dossier = await runtime.call(drafting.for_reading, dossier_id, actor)
    evaluation = await runtime.call(review.evaluate, dossier, runtime.today())
    return s.DossierEligibility.model_validate({
        "overall": evaluation.overall, "rules_version": evaluation.rules_version,
        "verdicts": [s.VerdictPublic.of(v) for v in evaluation.verdicts]})
