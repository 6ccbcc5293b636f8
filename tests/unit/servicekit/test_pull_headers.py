"""A pulled message's header block and stream sequence are read by the consumer itself, more
cheaply than nats-py reads them: the same names, values and sequences as nats-py's."""

from __future__ import annotations

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from servicekit.consumer import _stream_seq
from servicekit.pull import header_block

BLOCKS = [
    b"NATS/1.0\r\n\r\n",
    b"NATS/1.0\r\nce-specversion: 1.0\r\nce-id: 4b0c9c9e-1d7e-4a55-8d0e-0a3c7b1f8f11\r\n"
    b"ce-type: vn.gov.tdkt.plan.task_assigned.v1\r\nNats-Msg-Id: x\r\n"
    b"traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n",
    # white space around names and values, a name with white space inside, a line without a colon,
    # a name that is not ASCII, a value in UTF-8 and one with a bad byte, empty names and values
    b"NATS/1.0\r\n  padded :\t value \t\r\n bad name: x\r\nno colon\r\n\xc3\xa9t\xc3\xa9: v\r\n"
    b"v: caf\xc3\xa9 \xff \r\nempty:\r\n:nameless\r\nk:v:w\r\nctl\x1fname: y\r\n\r\n",
]


@pytest.mark.parametrize("block", BLOCKS)
async def test_a_header_block_reads_as_nats_py_reads_it(block: bytes) -> None:
    assert header_block(block) == await Client()._process_headers(block)


@pytest.mark.parametrize(
    "reply",
    [
        "$JS.ACK.stream.consumer.1.4242.17.1733040000000000000.5",  # without a domain
        "$JS.ACK._.accounthash.stream.consumer.3.4242.17.1733040000000000000.5.token",  # with one
        "$JS.ACK.hub.accounthash.stream.consumer.3.4242.17.1733040000000000000.5",
    ],
)
def test_the_stream_sequence_is_the_one_nats_py_reads(reply: str) -> None:
    message = Msg(_client=Client(), subject="s", reply=reply)
    assert _stream_seq(message) == message.metadata.sequence.stream == 4242


@pytest.mark.parametrize("reply", ["", "_INBOX.abc.1", "$JS.ACK.too.few.tokens"])
def test_no_stream_sequence_outside_jetstream(reply: str) -> None:
    assert _stream_seq(Msg(_client=Client(), subject="s", reply=reply)) is None
