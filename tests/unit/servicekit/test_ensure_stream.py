"""A service starting while JetStream is not ready (a cluster electing its meta leader) waits for
it instead of exiting; a stream that exists is left as it is."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NotFoundError

from servicekit import bus


def settings(stream: str) -> SimpleNamespace:
    return SimpleNamespace(stream_name=stream, subject_root="tdkt", stream_replicas=1, duplicate_window_s=120)


class JetStreamStarting:
    """Answers `not_ready` timeouts first, then as a JetStream without the stream."""

    def __init__(self, not_ready: int) -> None:
        self.not_ready = not_ready
        self.asked = 0
        self.added: list[Any] = []

    async def stream_info(self, name: str) -> Any:
        self.asked += 1
        if self.asked <= self.not_ready:
            raise NatsTimeoutError
        if not self.added:
            raise NotFoundError
        return self.added[0]

    async def add_stream(self, config: Any) -> Any:
        self.added.append(config)
        return config


def test_the_stream_is_made_once_jetstream_answers() -> None:
    js = JetStreamStarting(not_ready=2)
    asyncio.run(bus.ensure_stream(js, settings("S-ready"), wait_s=10))  # type: ignore[arg-type]
    assert js.asked == 3 and [c.name for c in js.added] == ["S-ready"]


def test_a_jetstream_that_never_answers_fails_the_start_after_the_wait() -> None:
    js = JetStreamStarting(not_ready=10_000)
    with pytest.raises(NatsTimeoutError):
        asyncio.run(bus.ensure_stream(js, settings("S-down"), wait_s=0.5))  # type: ignore[arg-type]
    assert 2 <= js.asked < 10 and not js.added
