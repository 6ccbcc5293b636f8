"""HTTP API of the period reports: figures for a quarter, a half year, a year or any range,
as JSON or as documents (DOCX, XLSX, PDF)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.exceptions import RequestValidationError

from servicekit.auth import Principal, Role, require
from services.reporting.api import RuntimeDep
from services.reporting.documents import charts, word
from services.reporting.documents import report as documents
from services.reporting.documents.heading import heading
from services.reporting.filters import ClusterResultFilter, ExemplaryFilter, MovementFilter
from services.reporting.labels import (
    CLUSTER_FACTS,
    CLUSTER_KINDS,
    LAUNCHERS,
    MOVEMENT_KINDS,
    NO_MOVEMENT,
    SCOPES,
    STAGES,
)
from services.reporting.list_models import ClusterResultPublic, ExemplaryFactPublic, MovementPublic
from services.reporting.models import PeriodReport
from services.reporting.periods import PATTERN, Period, PeriodError, parse
from services.reporting.snapshots import as_json, build

router = APIRouter(prefix="/reports", tags=["period reports"])
READERS = (Role.PLANNER, Role.APPRAISER, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.CHAIR, Role.AUDITOR,
           Role.INTEGRATOR)
Reader = Annotated[Principal, Depends(require(*READERS))]
Format = Literal["json", "docx", "xlsx", "pdf"]
Day = Annotated[date | None, Query()]


def period_of(period: Annotated[str, Query(pattern=PATTERN, max_length=22, examples=["2026-H1"],
                                           description="2026-Q3, 2026-H1, 2026 or 2026-01-01..2026-06-30")]) -> Period:
    try:
        return parse(period)
    except PeriodError as error:
        raise RequestValidationError([{"loc": ("query", "period"), "msg": str(error), "type": "value_error"}]) \
            from None


PeriodDep = Annotated[Period, Depends(period_of)]




def document(body: dict[str, Any], fmt: Format, *, number: str | None, signed_on: date | None,
             signer_name: str | None, today: date) -> Response:
    head = heading(signed_on or today, number=number, signer_name=signer_name)
    content = documents.render(body, head, fmt)  # type: ignore[arg-type]
    name = f"bao-cao-tdkt-{body['period']['code']}.{fmt}"
    return Response(content, media_type=documents.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-TDKT-Stream-Position": str(body["position"]["complete_through"]),
                             **({"X-TDKT-Template": word.template()[0].name} if fmt == "docx" else {})})


@router.get("/period", response_model=PeriodReport, responses={200: {"content": {
    media: {} for fmt, media in documents.MEDIA_TYPES.items() if fmt != "json"}}})
async def period_report(runtime: RuntimeDep, _: Reader, period: PeriodDep, format: Format = "json",
                        number: Annotated[str | None, Query(min_length=1, max_length=40,
                                                            examples=["12/BC-SNV"])] = None,
                        signed_on: Day = None,
                        signer_name: Annotated[str | None, Query(min_length=1, max_length=120)] = None) -> Any:
    """Figures of a period (tasks, movements, awards by decision date), each with the list behind it;
    `format=docx|xlsx|pdf` gives the report (sơ kết for a half year, tổng kết for a year) as a document."""
    if format == "json":  # validated and serialised once per position, as PeriodReport
        return Response(await as_json(runtime, period), media_type="application/json")
    body = await build(runtime, period)
    return document(body, format, number=number, signed_on=signed_on, signer_name=signer_name,
                    today=runtime.today())


@router.get("/movements")
async def movement_list(runtime: RuntimeDep, _: Reader, launched_from: Day = None, launched_to: Day = None,
                        concluded_from: Day = None, concluded_to: Day = None,
                        kind: Literal[tuple(MOVEMENT_KINDS)] | None = None,  # type: ignore[valid-type]
                        scope: Literal[tuple(SCOPES)] | None = None,  # type: ignore[valid-type]
                        launcher_level: Literal[tuple(LAUNCHERS)] | None = None,  # type: ignore[valid-type]
                        ) -> list[MovementPublic]:
    """Movements by launch or conclusion date, kind, scope and launching level (the lists behind the figures)."""
    flt = MovementFilter(launched_from=launched_from, launched_to=launched_to, concluded_from=concluded_from,
                         concluded_to=concluded_to, kind=kind, scope=scope, launcher_level=launcher_level)
    where, args = flt.where()
    async with runtime.pool.acquire() as conn:
        records = await conn.fetch(f"SELECT * FROM report_movements WHERE {where} ORDER BY launched_on, name", *args)
    return [MovementPublic(**r) for r in records]


Code = Annotated[str | None, Query(min_length=1, max_length=64)]
ExemplaryFact = Literal["recognised", "advanced", "covered", "published", "unpublished"]


@router.get("/cluster-results")
async def cluster_results(runtime: RuntimeDep, _: Reader, on_from: Day = None, on_to: Day = None,
                          fact: Literal[tuple(CLUSTER_FACTS)] | None = None,  # type: ignore[valid-type]
                          cluster: Code = None,
                          cluster_kind: Literal[tuple(CLUSTER_KINDS)] | None = None,  # type: ignore[valid-type]
                          year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                          unit: Code = None) -> list[ClusterResultPublic]:
    """Results of the clusters and blocks (self-assessments, scores, leaders elected, votes without a
    winner, Government's flag proposals, the province's own results) by day, fact, cluster and unit."""
    flt = ClusterResultFilter(on_from=on_from, on_to=on_to, fact=fact, cluster=cluster, cluster_kind=cluster_kind,
                              year=year, unit=unit)
    where, args = flt.where()
    async with runtime.pool.acquire() as conn:
        records = await conn.fetch(f"SELECT * FROM report_cluster_results WHERE {where} "
                                   "ORDER BY on_date, cluster_code, fact, round, rank NULLS LAST, unit_code", *args)
    return [ClusterResultPublic(**{**r, "unit_code": r["unit_code"] or None, "fact_label": CLUSTER_FACTS[r["fact"]]})
            for r in records]


@router.get("/exemplary-models")
async def exemplary_facts(runtime: RuntimeDep, _: Reader, on_from: Day = None, on_to: Day = None,
                          fact: ExemplaryFact | None = None,
                          reached: Literal[tuple(STAGES)] | None = None,  # type: ignore[valid-type]
                          field: Annotated[str | None, Query(min_length=1, max_length=120)] = None,
                          movement: Annotated[str | None, Query(pattern=rf"^({NO_MOVEMENT}|[0-9a-fA-F-]{{36}})$",
                                                                description="A movement's id, or `khong`")] = None,
                          subject_kind: Literal["ca_nhan", "tap_the"] | None = None,
                          unit: Code = None) -> list[ExemplaryFactPublic]:
    """What happened to the exemplary models (found, advanced, covered by the media, published,
    unpublished) by day, fact, stage reached, field, movement and unit: the lists behind the figures."""
    flt = ExemplaryFilter(on_from=on_from, on_to=on_to, fact=fact, reached=reached, field=field,
                          movement=movement.lower() if movement else None, subject_kind=subject_kind, unit=unit)
    where, args = flt.where()
    async with runtime.pool.acquire() as conn:
        records = await conn.fetch(f"SELECT * FROM report_exemplary_facts WHERE {where} "
                                   "ORDER BY on_date, name, version", *args)
    return [ExemplaryFactPublic(**r) for r in records]


ChartName = Literal["nhiem-vu-theo-quy", "khen-thuong-theo-hinh-thuc", "khen-thuong-hinh-thuc-qua-cac-nam",
                    "khen-thuong-theo-don-vi", "khen-thuong-khong-giu-chuc-vu"]


@router.get("/charts/{name}", response_class=Response, responses={200: {"content": {
    "image/svg+xml": {}, "image/png": {}}}})
async def chart(runtime: RuntimeDep, _: Reader, name: ChartName, period: PeriodDep,
                format: Literal["svg", "png"] = "svg") -> Response:
    """A chart of a period: tasks done per quarter, awards per form or per unit, awards per form and the
    share of awards to people without a leadership position year on year (SVG for pages, PNG)."""
    body = await build(runtime, period)
    [found] = [c for c in charts.charts(body) if c.name == name]
    if format == "png":
        return Response(charts.png(found), media_type="image/png")
    return Response(charts.svg(found), media_type="image/svg+xml")
