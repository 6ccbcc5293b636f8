"""HTTP API of the statutory forms (TT 02/2023/TT-BNV 0601–0605): filled for a year from the read
models (0601–0603) or from what the units entered (0604, 0605), as JSON or as documents."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from servicekit.auth import ForbiddenError, Principal, Role, require
from services.reporting import store
from services.reporting.api import RuntimeDep
from services.reporting.documents.report import MEDIA_TYPES
from services.reporting.forms import layout, render
from services.reporting.models import Position
from services.reporting.period_api import Reader
from services.reporting.snapshots import filled

router = APIRouter(prefix="/reports/forms", tags=["statutory forms"])
FormCode = Annotated[str, Path(pattern=r"^\d{4}$", examples=["0603"])]
FormYear = Annotated[int, Query(ge=2000, le=2100)]
Entrant = Annotated[Principal, Depends(require(Role.PLANNER, Role.UNIT_CLERK, unit="own"))]


class NotEnteredFormError(ValueError):
    """Raised when figures are entered for a form the system counts from events."""


class UnknownColumnError(ValueError):
    """Raised when an entry names a cell the form does not let units enter."""


FORM_ERRORS: dict[type[Exception], tuple[int, str]] = {
    layout.UnknownFormError: (404, "form_not_found"),
    NotEnteredFormError: (422, "form_not_entered"),
    UnknownColumnError: (422, "unknown_column"),
}


class FormSummary(BaseModel):
    code: str
    symbol: str
    title: str
    source: Literal["awards", "movements", "entries"]
    verified: bool


class FormColumn(BaseModel):
    code: str
    label: str


class FormRow(BaseModel):
    code: str
    label: str
    values: list[int]


class FormPublic(BaseModel):
    code: str
    symbol: str = Field(examples=["0603.N/BNV-TĐKT"])
    title: str
    basis: str
    due: str
    unit_of_measure: str
    year: int
    period_start: date = Field(description="First day counted: the TĐKT statistical year runs from 1 December of "
                               "the year before")
    period_end: date = Field(description="Last day counted (30 November of `year`)")
    verified: bool = Field(description="False: the layout follows a vendor's rendering of the circular's form, not "
                           "the circular's text (the data file says what was searched)")
    header: dict[str, str]
    columns: list[FormColumn]
    rows: list[FormRow]
    position: Position


class FormEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_name: str = Field(min_length=1, max_length=300, examples=["Sở Y tế"])
    cells: dict[Annotated[str, Field(pattern=store.CELL.pattern)], Annotated[int, Field(ge=0, le=1_000_000)]] = (
        Field(examples=[{"02.1": 3, "02.2": 1, "11.1": 2}],
              description="Row code.column code → figure (the rows and columns that are sums are added up)"))


class FormEntryPublic(FormEntry):
    form: str
    year: int
    unit_code: str
    entered_by: str
    entered_at: datetime


@router.get("")
async def forms(_: Reader) -> list[FormSummary]:
    """The statutory forms the service fills, from their data files."""
    return [FormSummary(code=f.code, symbol=f.symbol, title=f.title, source=f.source, verified=f.verified)
            for f in map(layout.form, layout.codes())]


@router.get("/{code}", response_model=FormPublic, responses={200: {"content": {
    MEDIA_TYPES[f]: {} for f in ("docx", "xlsx", "pdf")}}})
async def form(runtime: RuntimeDep, _: Reader, code: FormCode, year: FormYear,
               format: Literal["json", "docx", "xlsx", "pdf"] = "json",
               signed_on: Annotated[date | None, Query()] = None) -> Any:
    """A form filled for `year`: awards by decision date, movements by launch date, or the units' entries."""
    body = await filled(runtime, code, year)
    if format == "json":
        return body
    content = render.render(body, format, signed_on or runtime.today())
    return Response(content, media_type=MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="bieu-{code}-{year}.{format}"',
        "X-TDKT-Stream-Position": str(body["position"]["complete_through"])})




@router.put("/{code}/entries/{year}/{unit}")
async def enter(runtime: RuntimeDep, who: Entrant, code: FormCode, year: Annotated[int, Path(ge=2000, le=2100)],
                unit: Annotated[str, Path(min_length=1, max_length=64)], entry: FormEntry) -> FormEntryPublic:
    """A unit's figures for form 0604 or 0605 of a year, cell by cell (replaces what it entered before)."""
    spec = layout.form(code)
    if not spec.entered:
        raise NotEnteredFormError(f"Biểu {code} được tính từ dữ liệu sự kiện, không nhập tay.")
    allowed = spec.entry_cells()
    if unknown := sorted(set(entry.cells) - set(allowed)):
        raise UnknownColumnError(f"Biểu {code} không có ô nhập {', '.join(unknown)} (dòng.cột); "
                                 f"các ô nhập: {', '.join(allowed)}.")
    if not who.has_any([Role.PLANNER]) and who.unit != unit:
        raise ForbiddenError(f"Chỉ nhập được số liệu của đơn vị mình ({who.unit}), không nhập được của {unit}.")
    now = runtime.now()
    await runtime.pool.execute(
        "INSERT INTO report_form_entries VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (form, year, unit_code) "
        "DO UPDATE SET unit_name = EXCLUDED.unit_name, cells = EXCLUDED.cells, entered_by = EXCLUDED.entered_by, "
        "entered_at = EXCLUDED.entered_at", code, year, unit, entry.unit_name, json.dumps(entry.cells),
        who.subject, now)
    return FormEntryPublic(form=code, year=year, unit_code=unit, entered_by=who.subject, entered_at=now,
                           **entry.model_dump())


@router.get("/{code}/entries")
async def entries(runtime: RuntimeDep, _: Reader, code: FormCode, year: FormYear) -> list[FormEntryPublic]:
    """What each unit entered for a form and year."""
    layout.form(code)
    records = await runtime.pool.fetch(
        "SELECT form, year, unit_code, unit_name, cells, entered_by, entered_at FROM report_form_entries "
        "WHERE form = $1 AND year = $2 ORDER BY unit_code", code, year)  # not the figures of the first layout
    return [FormEntryPublic(**{**dict(r), "cells": json.loads(r["cells"])}) for r in records]
