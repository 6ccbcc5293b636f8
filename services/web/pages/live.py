"""Server-sent events: each open page of a signed-in person receives the bus's events that
person may see (a unit's clerk only their unit's), as one Vietnamese line and the ids."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from services.web.pages.common import PersonDep, runtime_of

router = APIRouter(include_in_schema=False)
HEARTBEAT_S = 15.0


@router.get("/su-kien")
async def events(request: Request, person: PersonDep) -> StreamingResponse:
    hub = runtime_of(request).hub

    async def stream() -> AsyncIterator[str]:
        with hub.listen(person) as listener:
            yield "retry: 3000\n\n"
            while not await request.is_disconnected():
                try:
                    update = await asyncio.wait_for(listener.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield ": còn kết nối\n\n"
                    continue
                yield f"event: update\ndata: {json.dumps(update, ensure_ascii=False)}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
