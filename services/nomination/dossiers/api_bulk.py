"""HTTP API of submissions: many nominees at once, from JSON or from a spreadsheet."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response as RawResponse
from pydantic import Field

from servicekit.auth import PUBLIC, PrincipalDep
from servicekit.http import XLSX, file_response
from services.nomination.dossiers.application import NewDossier
from services.nomination.dossiers.bulk import read_rows, template
from services.nomination.dossiers.domainmodel import DossierError
from services.nomination.dossiers.schemas import Body, DossierCreate
from services.nomination.routing import DOSSIER_READERS, BulkDep, RuntimeDep, dossier_policy

router = APIRouter(prefix="/submissions", tags=["submissions"])


class SubmissionIn(Body):
    title: str = Field(min_length=3, max_length=300, examples=["Tờ trình số 12/TTr-SGDĐT"])
    year: int = Field(ge=2000, le=2100)
    dossiers: list[DossierCreate] = Field(min_length=1, max_length=5000)


def _unit(actor: Any) -> str:
    if not actor.unit:
        raise DossierError("Tài khoản chưa gắn với đơn vị nào: không trình được danh sách đề nghị.")
    return str(actor.unit)


def _outcome(outcome: Any, read_errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    errors = sorted((read_errors or []) + outcome.errors, key=lambda e: e["row"])
    return {"submission_id": outcome.submission_id, "rows": outcome.rows + len(read_errors or []),
            "created": outcome.created, "already_there": outcome.already_there, "errors": errors}


@router.post("", dependencies=dossier_policy("edit"))
async def submit_json(body: SubmissionIn, bulk: BulkDep, runtime: RuntimeDep, actor: PrincipalDep) -> dict[str, Any]:
    """Propose many nominees in one submission; each becomes its own dossier (row = position in the list)."""
    unit = _unit(actor)
    rows = [(n, NewDossier(unit_code=unit, award_code=d.award_code, year=d.year, basis=d.basis,
                           nominee_kind=d.nominee_kind, nominee=d.nominee.model_dump(), summary=d.summary,
                           simplified=d.simplified, posthumous=d.posthumous))
            for n, d in enumerate(body.dossiers, start=1)]
    outcome = await runtime.call(bulk.submit_rows, actor, unit, body.year, body.title, rows, "api",
                                 runtime.now())
    return _outcome(outcome)


@router.post("/spreadsheet", dependencies=dossier_policy("edit"))
async def submit_spreadsheet(bulk: BulkDep, runtime: RuntimeDep, actor: PrincipalDep,
                             file: Annotated[UploadFile, File()],
                             title: Annotated[str | None, Form(min_length=3, max_length=300)] = None,
                             year: Annotated[int | None, Form(ge=2000, le=2100)] = None) -> dict[str, Any]:
    """Propose the nominees of a spreadsheet (template: GET /submissions/template). The title
    and year, when not sent, are read from the file's 'Đợt đề nghị' sheet."""
    unit = _unit(actor)
    data = await file.read()
    sheet = await runtime.call(read_rows, data, unit, year, title)
    outcome = await runtime.call(bulk.submit_rows, actor, unit, sheet.year, sheet.title, sheet.rows,
                                 f"xlsx:{sheet.checksum}", runtime.now())
    return _outcome(outcome, sheet.errors)


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
                         ) -> dict[str, Any]:
    """A submission and how far its dossiers have gone (counts per state); a parent unit's also
    its tờ trình number and the level it was sent to."""
    submission = await runtime.call(bulk.get, submission_id, actor)
    counts = await runtime.call(runtime.view("dossierview").counts, submission_id=submission_id)
    return {"submission_id": submission.id, "unit_code": submission.unit_code, "year": submission.year,
            "title": submission.title, "number": submission.number, "sent_to": submission.sent_to,
            "dossiers": len(submission.dossiers), "by_state": counts}
