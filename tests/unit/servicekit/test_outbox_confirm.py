"""How the relay confirms a batch it published: every acknowledgement in order, a refusal or a
silence ends the batch (its other acknowledgements released), duplicates checked one by one;
and how JetStream's answers settle each publish."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from nats.js.errors import APIError, NoStreamResponseError, ServiceUnavailableError

from servicekit.outbox import OutboxRelay, RelayStatus, _Sent, future_of, store_full


def relay(publish_timeout: float = 5.0) -> Any:
    """A relay without a bus or a database: only what `_confirm` uses."""
    r: Any = OutboxRelay.__new__(OutboxRelay)
    r.status, r.publish_timeout, r.service = RelayStatus(), publish_timeout, "plan"
    r.checked = []

    async def check_duplicate(ack: Any, subject: str, body: bytes, headers: dict[str, str]) -> None:
        r.checked.append((ack.seq, headers["Nats-Msg-Id"]))

    r._check_duplicate = check_duplicate
    return r


def batch(count: int) -> tuple[_Sent, list[asyncio.Future[Any]]]:
    loop = asyncio.get_running_loop()
    sent = _Sent(last=count)
    for n in range(1, count + 1):
        sent.acks.append(loop.create_future())
        sent.messages.append((f"tdkt.plan.{n}", b"{}", {"Nats-Msg-Id": f"plan:{n}"}))
    return sent, list(sent.acks)


async def test_acknowledgements_answered_out_of_order_are_counted_and_duplicates_checked_in_order() -> None:
    r = relay()
    sent, acks = batch(4)
    for n in (3, 1, 4, 2):  # JetStream's answers may come in any order
        acks[n - 1].set_result(SimpleNamespace(seq=n, duplicate=n in (2, 4), stream="S"))
    await r._confirm(sent)
    assert (r.status.published, r.status.duplicates) == (2, 2)
    assert r.checked == [(2, "plan:2"), (4, "plan:4")]


async def test_acknowledgements_still_coming_are_awaited() -> None:
    r = relay()
    sent, acks = batch(3)

    async def answer_later() -> None:
        for n, ack in enumerate(reversed(acks)):
            await asyncio.sleep(0)
            ack.set_result(SimpleNamespace(seq=3 - n, duplicate=False, stream="S"))

    answering = asyncio.ensure_future(answer_later())
    await r._confirm(sent)
    await answering
    assert (r.status.published, r.status.duplicates) == (3, 0)


async def test_a_refusal_ends_the_batch_and_releases_the_other_acknowledgements() -> None:
    r = relay()
    sent, acks = batch(3)
    acks[0].set_result(SimpleNamespace(seq=1, duplicate=False, stream="S"))
    acks[1].set_exception(APIError(code=503, err_code=10023, description="insufficient resources"))
    with pytest.raises(APIError):
        await r._confirm(sent)
    assert acks[2].cancelled()
    assert r.status.published == 0  # nothing counted: the position is not saved for this batch


async def test_a_silent_bus_ends_the_batch_with_the_reason_asked_again() -> None:
    r = relay(publish_timeout=0.05)
    sent, acks = batch(2)
    acks[0].set_result(SimpleNamespace(seq=1, duplicate=False, stream="S"))
    asked = []

    async def why_unanswered(unanswered: _Sent) -> Exception:
        asked.append(unanswered.messages[0][2]["Nats-Msg-Id"])
        return APIError(code=503, err_code=10047, description="insufficient storage resources available")

    r._why_unanswered = why_unanswered
    with pytest.raises(APIError):
        await r._confirm(sent)
    assert asked == ["plan:1"]
    assert acks[1].cancelled()
    assert r.status.published == 0


def answer(data: bytes, headers: dict[str, str] | None = None) -> Any:
    return SimpleNamespace(data=data, headers=headers)


async def test_jetstreams_answers_settle_each_publish() -> None:
    loop = asyncio.get_running_loop()
    acked, duplicate, full, absent = (loop.create_future() for _ in range(4))
    future_of(acked, answer(b'{"stream":"S","seq":7}'))
    future_of(duplicate, answer(b'{"stream":"S","seq":3,"duplicate":true}'))
    future_of(full, answer(b'{"error":{"code":503,"err_code":10023,"description":"insufficient resources"}}'))
    future_of(absent, answer(b"", {"Status": "503"}))
    assert (acked.result().seq, acked.result().duplicate) == (7, None)
    assert (duplicate.result().seq, duplicate.result().duplicate) == (3, True)
    refusal = full.exception()
    assert isinstance(refusal, ServiceUnavailableError) and store_full(refusal)
    assert isinstance(absent.exception(), NoStreamResponseError)
