"""NATS JetStream: connecting, the one stream over `<root>.>`, subjects."""

from __future__ import annotations

import asyncio
import logging
import time

from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError, ServiceUnavailableError

from servicekit.natsauth import inbox_prefix
from servicekit.settings import ServiceSettings

log = logging.getLogger(__name__)


def dlq_subject(root: str, consumer: str) -> str:
    return f"{root}.dlq.{consumer}"


def publisher_subjects(root: str, publishers: list[str]) -> list[str]:
    """Filter subjects for everything the named services publish (dead letters excluded)."""
    return [f"{root}.{publisher}.>" for publisher in publishers]


async def connect(settings: ServiceSettings, *, name: str | None = None) -> Client:
    client = Client()

    async def on_error(error: Exception) -> None:
        log.warning("nats error: %s", error)

    async def on_disconnect() -> None:
        if not (client.is_closed or client.is_draining):
            log.warning("nats disconnected; reconnecting")

    credentials: dict[str, str] = {}
    if settings.nats_user:
        credentials = {"user": settings.nats_user, "inbox_prefix": inbox_prefix(settings.nats_user),
                       "password": settings.nats_password.get_secret_value() if settings.nats_password else ""}
    await client.connect(
        servers=[url.strip() for url in settings.nats_url.split(",") if url.strip()],
        **credentials,  # type: ignore[arg-type]
        name=name or f"tdkt-{settings.service}",
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        connect_timeout=5,
        error_cb=on_error,
        disconnected_cb=on_disconnect,
    )
    return client


def stream_config(settings: ServiceSettings) -> StreamConfig:
    return StreamConfig(
        name=settings.stream_name,
        subjects=[f"{settings.subject_root}.>"],
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        num_replicas=settings.stream_replicas,
        duplicate_window=settings.duplicate_window_s,
        allow_direct=True,
    )


# What JetStream answers while it is not ready yet: a cluster electing its meta leader, a server
# still starting. A service starting beside it waits instead of exiting.
NOT_READY = (NatsTimeoutError, NoRespondersError, ServiceUnavailableError)


async def ensure_stream(js: JetStreamContext, settings: ServiceSettings, wait_s: float = 60.0) -> None:
    """Create the stream when it is missing; an existing stream is left as operators set it.
    While JetStream is not ready (`NOT_READY`), try again for up to `wait_s` seconds."""
    deadline, pause = time.monotonic() + wait_s, 0.25
    while True:
        try:
            await _ensure_stream(js, settings)
            return
        except NOT_READY as error:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("JetStream not ready for stream %s (%s): trying again in %.2f s",
                        settings.stream_name, type(error).__name__, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 4.0)


async def _ensure_stream(js: JetStreamContext, settings: ServiceSettings) -> None:
    try:
        await js.stream_info(settings.stream_name)
    except NotFoundError:
        try:
            await js.add_stream(stream_config(settings))
        except BadRequestError:  # another service created it between the two calls
            await js.stream_info(settings.stream_name)
            return
        log.info("created stream %s over %s.>", settings.stream_name, settings.subject_root)
