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

The subscription's messages are taken from nats-py's reader as it reads them (`_Direct`), before
its generic path: their header block is read in one pass (nats-py decodes and checks each name
and value apart, and queues each message for a task that calls the callback: a fifth of the
reporting service's CPU in a rebuild went there), the same names and values as nats-py reads;
a status line (the end of a request, a heartbeat) is still read by nats-py.

A batch's acknowledgements are written as one buffer (`ack_all`), not a publish each.

Each request has its own reply subject, so the end of an earlier request (one given up on, as
nats-py gives up on them too) cannot end a later one; its messages are kept, in the order the
server sent them, for the next fetch. Memory is bounded by what the server may send: the
consumer's `max_ack_pending`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import Header, StatusCode
from nats.js.errors import APIError

log = logging.getLogger(__name__)
_ENDED = (StatusCode.NO_MESSAGES, StatusCode.REQUEST_TIMEOUT, StatusCode.CONFLICT)
_VERSION_LINE = len(b"NATS/1.0")  # a header block's first line; a status follows it after a space
_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips
_SPACE = re.compile(r"\s")  # a header name holding any is skipped, as nats-py skips it


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
        _Direct.of(self._nc).add(self._subscription._id, self._received_now)

    async def stop(self) -> None:
        if self._subscription is not None:
            subscription, self._subscription = self._subscription, None
            _Direct.of(self._nc).remove(subscription._id)
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
        self._received_now(message)

    def _received_now(self, message: Msg) -> None:
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


async def ack_all(messages: Sequence[Msg]) -> None:
    """Acknowledge JetStream messages of one connection as `Msg.ack` does each (an empty message
    to its reply subject), in one write to the connection's buffer instead of a publish each (a
    rebuild acknowledges every event). Anything out of the ordinary (not connected, draining, a
    message without a reply subject or already acknowledged) goes through `Msg.ack`, one by one."""
    if not messages:
        return
    nc = messages[0]._client
    if (not nc.is_connected or nc.is_draining_pubs or any(
            m._client is not nc or not m.reply or m._ackd or " " in m.reply for m in messages)):
        for message in messages:
            await message.ack()
        return
    command = "".join(f"PUB {m.reply} 0\r\n\r\n" for m in messages).encode()
    for message in messages:
        message._ackd = True
    nc.stats["out_msgs"] += len(messages)
    await nc._send_command(command)
    if nc._flush_queue is not None and nc._flush_queue.empty():
        await nc._flush_pending()


class _Direct:
    """A connection's messages for the pull subscriptions, taken from nats-py's reader before its
    generic path (`Client._process_msg`, which a subscription's messages skip; the others go on
    through it): one per connection, a function per subscription id."""

    _of: weakref.WeakKeyDictionary[Client, _Direct] = weakref.WeakKeyDictionary()

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._deliver: dict[int, Callable[[Msg], None]] = {}
        self._generic: Callable[[int, bytes, bytes, bytes, bytes], Awaitable[None]] = nc._process_msg
        nc._process_msg = self._process_msg  # type: ignore[method-assign]

    @classmethod
    def of(cls, nc: Client) -> _Direct:
        found = cls._of.get(nc)
        if found is None:
            found = cls._of[nc] = cls(nc)
        return found

    def add(self, sid: int, deliver: Callable[[Msg], None]) -> None:
        self._deliver[sid] = deliver

    def remove(self, sid: int) -> None:
        self._deliver.pop(sid, None)

    async def _process_msg(self, sid: int, subject: bytes, reply: bytes, data: bytes, headers: bytes) -> None:
        deliver = self._deliver.get(sid)
        if deliver is None or sid not in self._nc._subs:
            await self._generic(sid, subject, reply, data, headers)
            return
        self._nc.stats["in_msgs"] += 1
        self._nc.stats["in_bytes"] += len(data)
        if headers and headers[_VERSION_LINE] == 0x20:  # a status: nats-py reads it
            parsed = await self._nc._process_headers(headers)
        else:
            parsed = header_block(headers) if headers else None
        message = self._nc.msg_class(_client=self._nc, subject=subject.decode(), reply=reply.decode(), data=data,
                      headers=parsed, _sid=sid)
        try:
            deliver(message)
        except Exception:  # never into nats-py's reader
            log.exception("a pulled message could not be taken")


def header_block(block: bytes) -> dict[str, str] | None:
    """A NATS header block without a status (`NATS/1.0\\r\\nName: Value\\r\\n…`), read as nats-py
    reads it, in one decoding: names and values stripped of ASCII white space, values decoded
    with U+FFFD for bad UTF-8, a name that is not ASCII or holds white space skipped, a line
    without a colon skipped; None when there is no header."""
    found: dict[str, str] = {}
    for line in block[_VERSION_LINE + 2 :].decode("utf-8", "replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            name = name.strip(_ASCII_SPACE)
            if name.isascii() and not _SPACE.search(name):
                found[name] = value.strip(_ASCII_SPACE)
    return found or None
