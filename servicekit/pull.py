"""Batches of one durable JetStream pull consumer, at a fixed cost per batch rather than per message.

nats-py's `PullSubscription.fetch` waits for each message of a batch in a task of its own (a
uuid, a task and a `wait_for` per message: a tenth of the reporting service's CPU in a rebuild).
Here one subscription's callback gathers the messages into a list, and a fetch waits once. The
request is the one nats-py makes first: `no_wait` with `expires` (a little shorter than the
client's wait, so the server ends it first), which the server ends as soon as it has sent what the
consumer had (at once when it had some), or, when it had none, as soon as the first messages that
come have been sent, at the latest when it expires. The end of a request (404 no messages, 408
request timeout, 409 conflict) ends the fetch with what has come; a heartbeat is skipped; any
other status is an error (`APIError`) when nothing has come.

Each request has its own reply subject, so the end of an earlier request (one given up on, as
nats-py gives up on them too) cannot end a later one; its messages are kept, in the order the
server sent them, for the next fetch. Memory is bounded by what the server may send: the
consumer's `max_ack_pending`.
"""

from __future__ import annotations

import asyncio
import json

from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import Header, StatusCode
from nats.js.errors import APIError

_ENDED = (StatusCode.NO_MESSAGES, StatusCode.REQUEST_TIMEOUT, StatusCode.CONFLICT)


class Pull:
    def __init__(self, js: JetStreamContext, stream: str, durable: str) -> None:
        # nats-py keeps the connection and the API prefix (a JetStream domain's included) private.
        self._nc = js._nc
        self._next = f"{js._prefix}.CONSUMER.MSG.NEXT.{stream}.{durable}"
        self._inbox = ""
        self._requests = 0
        self._reply = ""  # the reply subject of the request being waited for
        self._gathered: list[Msg] = []
        self._wanted = 0
        self._waiting: asyncio.Future[Msg | None] | None = None
        self._subscription: Subscription | None = None

    async def start(self) -> None:
        self._inbox = self._nc.new_inbox()
        self._subscription = await self._nc.subscribe(f"{self._inbox}.*", cb=self._received)

    async def stop(self) -> None:
        if self._subscription is not None:
            subscription, self._subscription = self._subscription, None
            await subscription.unsubscribe()

    def take(self) -> list[Msg]:
        """The messages gathered and not fetched yet (those of a request given up on)."""
        gathered, self._gathered = self._gathered, []
        return gathered

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:
        """Up to `batch` messages as the consumer delivers them (more only when an earlier
        request's messages came late); none after `timeout` seconds without any."""
        if not self._gathered:
            await self._request(
                {"batch": batch, "expires": int(timeout * 1e9) - 100_000, "no_wait": True}, batch, timeout
            )
        return self.take()

    async def _request(self, body: dict[str, object], batch: int, timeout: float) -> None:
        self._requests += 1
        self._reply = f"{self._inbox}.{self._requests}"
        self._wanted = len(self._gathered) + batch
        self._waiting = asyncio.get_running_loop().create_future()
        try:
            await self._nc.publish(self._next, json.dumps(body).encode(), reply=self._reply)
            try:
                status = await asyncio.wait_for(self._waiting, timeout)
            except TimeoutError:
                return
        finally:
            self._waiting = None
        if status is not None and not self._gathered:
            APIError.from_msg(status)

    async def _received(self, message: Msg) -> None:
        status = message.headers.get(Header.STATUS) if message.headers else None
        if status is None:
            self._gathered.append(message)
            if len(self._gathered) >= self._wanted:
                self._wake(None)
        elif message.subject == self._reply and status != StatusCode.CONTROL_MESSAGE:
            self._wake(None if status in _ENDED else message)

    def _wake(self, status: Msg | None) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(status)
