"""HTTP API of submissions: many nominees at once, from JSON or from a spreadsheet."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response as RawResponse
from pydantic import Field

from servicekit.auth import PUBLIC, PrincipalDep
from servicekit.http import XLSX, file_response
from services.nomination.dossiers.application import NewDossier
from services.nomination.dossiers.bulk import Outcome, template
from services.nomination.dossiers.schemas import (
    Body,
    DossierCreate,
    RowErrorPublic,
    SubmissionOutcome,
    SubmissionPublic,
)
from services.nomination.routing import DOSSIER_READERS, BulkDep, RuntimeDep, dossier_policy

router = APIRouter(prefix="/submissions", tags=["submissions"])


class SubmissionIn(Body):
    title: str = Field(min_length=3, max_length=300, examples=["Tờ trình số 12/TTr-SGDĐT"])
    year: int = Field(ge=2000, le=2100)
    dossiers: list[DossierCreate] = Field(min_length=1, max_length=5000)


def _public(outcome: Outcome) -> SubmissionOutcome:
    return SubmissionOutcome(submission_id=outcome.submission_id, rows=outcome.rows, created=outcome.created,
                             already_there=outcome.already_there,
                             errors=[RowErrorPublic.model_validate(error) for error in outcome.errors])


@router.post("", dependencies=dossier_policy("edit"))
async def submit_json(body: SubmissionIn, bulk: BulkDep, runtime: RuntimeDep, actor: PrincipalDep
                      ) -> SubmissionOutcome:
    """Propose many nominees in one submission; each becomes its own dossier (row = position in the list)."""
    rows = [(n, NewDossier(unit_code="", award_code=d.award_code, year=d.year, basis=d.basis,
                           nominee_kind=d.nominee_kind, nominee=d.nominee.model_dump(), summary=d.summary,
                           simplified=d.simplified, posthumous=d.posthumous, movement_id=d.movement_id))
            for n, d in enumerate(body.dossiers, start=1)]
    return _public(await runtime.call(bulk.submit_list, actor, body.year, body.title, rows, runtime.now()))


@router.post("/spreadsheet", dependencies=dossier_policy("edit"))
async def submit_spreadsheet(bulk: BulkDep, runtime: RuntimeDep, actor: PrincipalDep,
                             file: Annotated[UploadFile, File()],
                             title: Annotated[str | None, Form(min_length=3, max_length=300)] = None,
                             year: Annotated[int | None, Form(ge=2000, le=2100)] = None) -> SubmissionOutcome:
    """Propose the nominees of a spreadsheet (template: GET /submissions/template). The title
    and year, when not sent, are read from the file's 'Đợt đề nghị' sheet."""
    data = await file.read()
    return _public(await runtime.call(bulk.submit_sheet, actor, data, year, title, runtime.now()))


@router.get("/template", response_class=RawResponse, dependencies=[PUBLIC],
            responses=file_response(XLSX, "Mẫu danh sách đề nghị (XLSX)"))
async def spreadsheet_template(runtime: RuntimeDep, year: Annotated[int | None, Query(
        ge=2000, le=2100, description="Năm đề nghị ghi sẵn trong mẫu (mặc định: năm nay)")] = None) -> RawResponse:
    """The spreadsheet template of a submission: the list to fill in, the submission's title and
    year, an example on a sheet of its own (never imported) and what each column takes."""
    return RawResponse(template(year or runtime.today().year), media_type=XLSX,
                       headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-de-nghi.xlsx"'})


@router.get("/{submission_id:uuid}", dependencies=DOSSIER_READERS)
async def get_submission(submission_id: UUID, bulk: BulkDep, runtime: RuntimeDep, actor: PrincipalDep
                         ) -> SubmissionPublic:
    """A submission and how far its dossiers have gone (counts per state); a parent unit's also
    its tờ trình number and the level it was sent to."""
    submission = await runtime.call(bulk.get, submission_id, actor)
    counts = await runtime.call(runtime.dossier_view.counts, submission_id=submission_id)
    return SubmissionPublic(submission_id=submission.id, unit_code=submission.unit_code, year=submission.year,
                            title=submission.title, number=submission.number, sent_to=submission.sent_to,
                            dossiers=len(submission.dossiers), by_state=counts)
