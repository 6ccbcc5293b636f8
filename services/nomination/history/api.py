"""HTTP API of the award history: people and collectives, their facts, merge, search,
spreadsheet import, the audit trail of reads, and a person's data exported at their request.

Who sees what: appraisers, auditors, admins and the unit clerk of the person's own unit get
the full record (number and date of birth); everyone else authenticated gets the same record
masked (200, `"masked": true`), because council members and planners need the history but not
the personal data. Every read of a person's record is recorded before it is returned.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from servicekit.auth import SIGNED_IN, Principal, PrincipalDep, Role, require
from servicekit.http import ALREADY_EXISTS, XLSX, Created, file_response, uploaded_file
from services.nomination.history import factkinds as kinds
from services.nomination.history.application import FactNotFoundError, History, RecordNotFoundError, people_scope
from services.nomination.history.audit import ReadAudit
from services.nomination.history.config import history_config
from services.nomination.history.domainmodel import (
    ConflictingFactError,
    IdentityMismatchError,
    MergeConflictError,
    MergeRefusedError,
    RecordMergedError,
)
from services.nomination.history.factkinds import FactError
from services.nomination.history.identity import HistoryError, check_unit_code, collective_id, number_id
from services.nomination.history.importer import ImportFileError, read_sheet
from services.nomination.history.names import tokens
from services.nomination.history.pid import PersonalNumberError, check_personal_number
from services.nomination.history.privacy import masked_record
from services.nomination.history.schemas import (
    CollectiveCreate,
    CollectivePublic,
    FactIn,
    FactRecorded,
    ImportReportPublic,
    Merged,
    MergeRequest,
    PersonCreate,
    PersonExport,
    PersonPublic,
    PersonRow,
    ReadPublic,
)
from services.nomination.history.template import write_template
from services.nomination.routing import HISTORY_WRITERS, PEOPLE_READERS, AuditDep, HistoryDep, RuntimeDep
from services.nomination.runtime import NominationRuntime

ERRORS: dict[type[Exception], tuple[int, str]] = {
    RecordNotFoundError: (404, "record_not_found"),
    FactNotFoundError: (404, "fact_not_found"),
    ConflictingFactError: (409, "conflicting_fact"),
    MergeConflictError: (409, "merge_conflict"),
    RecordMergedError: (409, "record_merged"),
    IdentityMismatchError: (409, "identity_mismatch"),
    MergeRefusedError: (422, "merge_refused"),
    PersonalNumberError: (422, "invalid_personal_number"),
    FactError: (422, "invalid_fact"),
    ImportFileError: (422, "invalid_import_file"),
    HistoryError: (422, "history_rule_violated"),
}


Appraiser = Annotated[Principal, Depends(require(Role.APPRAISER))]
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
Exporter = Annotated[Principal, Depends(require(Role.APPRAISER, Role.AUDITOR))]
EXPORTED = "xuất dữ liệu cá nhân theo yêu cầu"
router = APIRouter(tags=["history"])


@router.post("/people", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS, dependencies=HISTORY_WRITERS)
async def create_person(body: PersonCreate, history: HistoryDep, runtime: RuntimeDep, who: PrincipalDep,
                        response: Response) -> Created:
    """Find a person by number (or name + date of birth + unit), or create the record."""
    person_id, created = await runtime.call(history.open_record, who, "person", body.model_dump(), runtime.now())
    if not created:
        response.status_code = status.HTTP_200_OK
    await runtime.wait_for_views()
    return Created(id=person_id, created=created)


@router.get("/people", dependencies=PEOPLE_READERS)
async def search_people(runtime: RuntimeDep, who: PrincipalDep, q: Annotated[str | None, Query(max_length=200)] = None,
                        unit: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        offset: Annotated[int, Query(ge=0)] = 0) -> list[PersonRow]:
    """Search by name (with or without diacritics, partial), by unit, or by personal number; masked results."""
    number = "".join((q or "").split())
    view = runtime.history_view
    unit = people_scope(who, unit.strip().upper() if unit else None)
    if number.isdigit() and len(number) >= 9:
        record_id = number_id(check_personal_number(number, history_config().pid))
        rows = await runtime.call(view.search, record_id=record_id, unit=unit, limit=limit, offset=offset)
    else:
        rows = await runtime.call(view.search, words=tokens(q or ""), unit=unit, limit=limit, offset=offset)
    return [PersonRow.model_validate(row) for row in rows]


@router.get("/people/{record_id}", dependencies=PEOPLE_READERS)
async def get_person(record_id: UUID, request: Request, history: HistoryDep, runtime: RuntimeDep, audit: AuditDep,
                     who: PrincipalDep, response: Response,
                     purpose: Annotated[str | None, Query(max_length=300)] = None) -> PersonPublic:
    """A person's whole history; the number and date of birth only for those entitled. Every read is recorded."""
    record, full = await runtime.call(history.person_for, who, record_id)
    await _recorded_read(audit, request, runtime, who, record, record_id, full, purpose)
    if record["id"] != record_id:
        response.headers["Content-Location"] = f"/people/{record['id']}"
    if not full:
        return PersonPublic.model_validate(masked_record(record))
    return PersonPublic.model_validate(
        {**record, "birth_year": record["born_on"].year if record["born_on"] else None, "masked": False})


@router.get("/people/{record_id}/export", response_model=PersonExport)
async def export_person(record_id: UUID, request: Request, history: HistoryDep, runtime: RuntimeDep,
                        audit: AuditDep, who: Exporter,
                        purpose: Annotated[str | None, Query(max_length=300)] = None) -> dict[str, Any]:
    """Everything held about a person, as one JSON document, when the person asks for it: the
    whole record (number, date of birth, every fact and its source), the dossiers naming them and
    every read of the record. Appraisers and auditors; the export is recorded as a read first."""
    record = await runtime.call(history.person_record, record_id)
    await _recorded_read(audit, request, runtime, who, record, record_id, True,
                         f"{EXPORTED}: {purpose}" if purpose else EXPORTED)
    refs = [record["id"], *record["merged_from"]]
    dossiers = await runtime.call(runtime.dossier_view.naming, refs)
    reads = [read for ref in refs for read in await audit.trail(ref, limit=1_000_000)]
    return {"exported_at": runtime.now(), "exported_by": who.subject, "record": record, "dossiers": dossiers,
            "reads": sorted(reads, key=lambda read: read["id"])}


async def _recorded_read(audit: ReadAudit, request: Request, runtime: NominationRuntime, who: Principal,
                         record: dict[str, Any], requested_id: UUID, full: bool, purpose: str | None) -> None:
    await audit.record(record_id=record["id"], requested_id=requested_id, read_by=who.subject, read_by_name=who.name,
                       roles=[r.value for r in who.roles], unit=who.unit, unmasked=full,
                       address=request.client.host if request.client else None,
                       forwarded_for=request.headers.get("x-forwarded-for"), purpose=purpose, read_at=runtime.now())


@router.post("/people/{record_id}/facts", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS,
             dependencies=HISTORY_WRITERS)
async def record_person_fact(record_id: UUID, body: FactIn, history: HistoryDep, runtime: RuntimeDep, who: PrincipalDep,
                             response: Response) -> FactRecorded:
    """Record a rating, title, award, innovation or case; the same fact again changes nothing."""
    return await _record_fact(history, record_id, body, runtime, who, response)


@router.post("/people/{record_id}/merge")
async def merge_people(record_id: UUID, body: MergeRequest, history: HistoryDep, runtime: RuntimeDep, who: Appraiser
                       ) -> Merged:
    """Fold a duplicate record into this one; the duplicate's id then leads here."""
    kept = await runtime.call(history.merge, record_id, body.duplicate_id, by=who.subject,
                              now=runtime.now())
    await runtime.wait_for_views()
    return Merged(id=kept, merged=body.duplicate_id)


@router.get("/people/{record_id}/reads")
async def person_reads(record_id: UUID, history: HistoryDep, runtime: RuntimeDep, audit: AuditDep, _: Auditor,
                       limit: Annotated[int, Query(ge=1, le=5000)] = 500,
                       offset: Annotated[int, Query(ge=0)] = 0) -> list[ReadPublic]:
    """Who read this record, when, from where and why (auditors)."""
    record = await runtime.call(history.get, record_id)
    return [ReadPublic.model_validate(read) for read in await audit.trail(record.id, limit, offset)]


@router.post("/collectives", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS,
             dependencies=HISTORY_WRITERS)
async def create_collective(body: CollectiveCreate, history: HistoryDep, runtime: RuntimeDep, who: PrincipalDep,
                            response: Response) -> Created:
    """Find or create a collective's record by its unit code."""
    record_id, created = await runtime.call(history.open_record, who, "collective", body.model_dump(),
                                            runtime.now())
    if not created:
        response.status_code = status.HTTP_200_OK
    await runtime.wait_for_views()
    return Created(id=record_id, created=created)


@router.get("/collectives/{unit_code}", dependencies=SIGNED_IN)
async def get_collective(unit_code: str, history: HistoryDep, runtime: RuntimeDep, _: PrincipalDep
                         ) -> CollectivePublic:
    """A collective's whole history."""
    return CollectivePublic.model_validate(await runtime.call(history.details, _collective_ref(unit_code)))


@router.post("/collectives/{unit_code}/facts", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS,
             dependencies=HISTORY_WRITERS)
async def record_collective_fact(unit_code: str, body: FactIn, history: HistoryDep, runtime: RuntimeDep,
                                 who: PrincipalDep, response: Response) -> FactRecorded:
    """Record a fact of a collective, including its members' yearly counts."""
    return await _record_fact(history, _collective_ref(unit_code), body, runtime, who, response)


async def _record_fact(history: History, record_id: UUID, body: FactIn, runtime: NominationRuntime, who: Principal,
                       response: Response) -> FactRecorded:
    found, recorded = await runtime.call(history.record_fact_as, who, record_id, body.build(),
                                         source=kinds.manual_source(body.document), now=runtime.now(),
                                         reason=body.correction_reason)
    if not recorded:
        response.status_code = status.HTTP_200_OK
    return FactRecorded(id=found, recorded=recorded)


def _collective_ref(unit_code: str) -> UUID:
    return collective_id(check_unit_code(unit_code))


@router.post("/history/import")
async def import_history(request: Request, history: HistoryDep, runtime: RuntimeDep, who: Appraiser,
                         dry_run: bool = False,
                         strict: Annotated[bool, Query(description="Save nothing unless every row is valid")] = False,
                         ) -> ImportReportPublic:
    """Import an XLSX list of ratings, titles and awards; counts and every row's errors come back."""
    data, filename = await uploaded_file(request, {XLSX, "application/octet-stream"}, "tệp danh sách (.xlsx)")
    sheet = await asyncio.to_thread(read_sheet, data, filename, history_config(), runtime.today())
    report = await runtime.call(history.import_sheet, sheet, by=who.subject, now=runtime.now(),
                                dry_run=dry_run, strict=strict)
    await runtime.wait_for_views()
    errors = [{"row": e.row, "column": e.column, "message": str(e)} for e in report.errors]
    return ImportReportPublic.model_validate({**{k: v for k, v in vars(report).items() if k != "errors"},
                                              "errors": errors})



@router.get("/history/import/template", response_class=Response, dependencies=SIGNED_IN,
            responses=file_response(XLSX, "Mẫu nhập (XLSX) kèm hướng dẫn và bảng mã"))
async def import_template(_: PrincipalDep) -> Response:
    """The XLSX template of the import, with instructions and the codes."""
    data = await asyncio.to_thread(write_template)
    return Response(content=data, media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename*=UTF-8''mau-nhap-lich-su-thi-dua-khen-thuong.xlsx"})
