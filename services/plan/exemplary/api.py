"""HTTP API of the exemplary models registry, and its public feed (no sign-in, nothing private)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from servicekit.auth import PUBLIC, SIGNED_IN, PrincipalDep
from servicekit.http import ALREADY_EXISTS
from services.plan.exemplary.application import COMMANDS
from services.plan.exemplary.domainmodel import Stage
from services.plan.exemplary.feed import Feed, atom_feed, json_feed, public_item, rss_feed
from services.plan.exemplary.schemas import (
    CoverageIn,
    ModelCreate,
    ModelPublic,
    ModelSummary,
    Publication,
    PublicItem,
    StageAdvance,
    Withdrawal,
)
from services.plan.routing import Changed, Created, ExemplaryDep, RuntimeDep, answer, answer_created, policy
from services.plan.runtime import PlanRuntime

router = APIRouter(prefix="/exemplary-models", tags=["exemplary models"])
public = APIRouter(prefix="/public/exemplary-models", tags=["public feed"], dependencies=[PUBLIC])


@router.post("", status_code=status.HTTP_201_CREATED, responses=ALREADY_EXISTS,
             dependencies=policy(COMMANDS, "recognise"))
async def recognise(body: ModelCreate, models: ExemplaryDep, runtime: RuntimeDep, who: PrincipalDep,
                    response: Response) -> Created:
    """Enter an exemplary model found (phát hiện), through a movement or otherwise."""
    result = await runtime.call(
        models.recognise, who, name=body.name, subject_kind=body.subject_kind, unit_code=body.unit,
        field=body.field, movement_id=body.movement_id, achievement=body.achievement,
        found_by_unit=body.found_by_unit, found_on=body.found_on, contact=body.contact, now=runtime.now())
    return await answer_created(runtime, response, result)


@router.get("", dependencies=SIGNED_IN)
async def list_models(runtime: RuntimeDep, _: PrincipalDep, stage: Stage | None = None,
                      field: Annotated[str | None, Query(max_length=100)] = None,
                      unit: Annotated[str | None, Query(max_length=32)] = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                      offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[ModelSummary]:
    """The registry, by stage, field and unit."""
    rows = await runtime.call(runtime.view.exemplary_models, stage=stage.value if stage else None, field=field,
                              unit=unit, limit=limit, offset=offset)
    return [ModelSummary(**row) for row in rows]


@router.get("/{model_id}", dependencies=SIGNED_IN)
async def get_model(model_id: UUID, models: ExemplaryDep, runtime: RuntimeDep, who: PrincipalDep) -> ModelPublic:
    """One model with its stage and media coverage."""
    return ModelPublic(**await runtime.call(models.get, who, model_id))


@router.post("/{model_id}/stage", dependencies=policy(COMMANDS, "advance"))
async def advance(model_id: UUID, body: StageAdvance, models: ExemplaryDep, runtime: RuntimeDep,
                  who: PrincipalDep) -> Changed:
    """Move the model to its next stage: bồi dưỡng, tổng kết, nhân rộng."""
    result = await runtime.call(models.advance, who, model_id, to=body.to, on=body.on or runtime.today(),
                                note=body.note, now=runtime.now())
    return await answer(runtime, model_id, result)


@router.post("/{model_id}/coverage", dependencies=policy(COMMANDS, "record_coverage"))
async def record_coverage(model_id: UUID, body: CoverageIn, models: ExemplaryDep, runtime: RuntimeDep,
                          who: PrincipalDep) -> Changed:
    """Record an article or broadcast that featured the model."""
    result = await runtime.call(models.record_coverage, who, model_id, outlet=body.outlet, title=body.title,
                                url=body.url, published_on=body.published_on, now=runtime.now())
    return await answer(runtime, model_id, result)


@router.post("/{model_id}/publication", dependencies=policy(COMMANDS, "publish"))
async def publish(model_id: UUID, body: Publication, models: ExemplaryDep, runtime: RuntimeDep,
                  who: PrincipalDep) -> Changed:
    """Put the model in the public feed with a summary written for the public."""
    result = await runtime.call(models.publish, who, model_id, public_summary=body.public_summary, now=runtime.now())
    return await answer(runtime, model_id, result)


@router.post("/{model_id}/withdrawal", dependencies=policy(COMMANDS, "publish"))
async def unpublish(model_id: UUID, body: Withdrawal, models: ExemplaryDep, runtime: RuntimeDep,
                    who: PrincipalDep) -> Changed:
    """Take the model out of the public feed, with the reason."""
    result = await runtime.call(models.unpublish, who, model_id, reason=body.reason, now=runtime.now())
    return await answer(runtime, model_id, result)


def _feed(runtime: PlanRuntime) -> Feed:
    settings = runtime.settings
    return Feed(base_url=settings.public_base_url, title=settings.public_feed_title,
                author=settings.public_feed_author, updated=runtime.now())


async def _serve(request: Request, runtime: PlanRuntime, render: Callable[[Feed, list[dict[str, Any]]], bytes],
                 media_type: str) -> Response:
    """A feed document, cached by the puller: an ETag of its content, 304 when unchanged."""
    rows = await runtime.call(runtime.view.public_models, runtime.settings.public_feed_size)
    body = render(_feed(runtime), rows)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


FEED_RESPONSES: dict[int | str, dict[str, Any]] = {304: {"description": "Unchanged since the ETag given"}}


@public.get(".json", response_class=Response, responses={200: {"content": {"application/feed+json": {}}},
                                                          **FEED_RESPONSES})
async def feed_json(request: Request, runtime: RuntimeDep) -> Response:
    """The published exemplary models as JSON Feed 1.1 (no sign-in)."""
    return await _serve(request, runtime, json_feed, "application/feed+json")


@public.get(".atom", response_class=Response, responses={200: {"content": {"application/atom+xml": {}}},
                                                          **FEED_RESPONSES})
async def feed_atom(request: Request, runtime: RuntimeDep) -> Response:
    """The published exemplary models as an Atom feed (no sign-in)."""
    return await _serve(request, runtime, atom_feed, "application/atom+xml")


@public.get(".rss", response_class=Response, responses={200: {"content": {"application/rss+xml": {}}},
                                                         **FEED_RESPONSES})
async def feed_rss(request: Request, runtime: RuntimeDep) -> Response:
    """The published exemplary models as an RSS 2.0 feed (no sign-in)."""
    return await _serve(request, runtime, rss_feed, "application/rss+xml")


@public.get("/{model_id}")
async def public_model(model_id: UUID, runtime: RuntimeDep) -> PublicItem:
    """One published model as the public reads it (no sign-in)."""
    rows = await runtime.call(runtime.view.public_model, model_id)
    if not rows:
        raise PublicModelNotFoundError(model_id)
    return PublicItem(**public_item(rows[0]))


class PublicModelNotFoundError(Exception):
    def __init__(self, model_id: UUID) -> None:
        super().__init__(f"Không có điển hình tiên tiến {model_id} được công khai.")
