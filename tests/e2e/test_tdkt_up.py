"""The whole system as `tdkt up` runs it, seen from outside: a plain nats-py subscriber,
a webhook receiver, the reporting API, Ctrl-C and a second start."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import signal
import time
from base64 import b64decode, b64encode
from pathlib import Path

import httpx
import nats
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from tests.e2e.receiver import Receiver
from tests.support import SAMPLE_PLAN, auth

pytestmark = pytest.mark.e2e


async def outside_subscriber(nats_url: str, expected: int, user: str) -> list:
    """What an integrator outside the project sees with the credentials `tdkt integrator add`
    gave it: plain nats-py, its own inbox prefix, a pull consumer named after it over its grant."""
    nc = await nats.connect(nats_url, inbox_prefix=f"_INBOX_{user}")
    js = nc.jetstream()
    sub = await js.pull_subscribe("tdkt.plan.>", durable=user, stream="TDKT",
                                  config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL))
    seen: list = []
    deadline = time.monotonic() + 30
    while len(seen) < expected and time.monotonic() < deadline:
        try:
            batch = await sub.fetch(expected - len(seen), timeout=1)
        except TimeoutError:
            continue
        for message in batch:
            await message.ack()
        seen.extend(batch)
    await nc.close()
    return seen


def verified(secret: str, request) -> bool:
    key = b64decode(secret.removeprefix("whsec_"))
    content = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + request.body
    expected = "v1," + b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, request.headers["webhook-signature"])


def test_tdkt_up_runs_the_system_that_outsiders_can_follow(tdkt_up) -> None:
    # The receiver is on this machine: a local e-office reached over http, allowed by name.
    system = tdkt_up("--no-sample", env={"TDKT_NOTIFICATION_WEBHOOK_ALLOW_HTTP": "true",
                                         "TDKT_NOTIFICATION_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]'}).start()
    user, password = system.integrator("eoffice", "tdkt.plan.>")
    nats_url = system.nats_url(user, password)
    with Receiver() as receiver:
        # an integrator registers a webhook before the plan is imported
        registered = httpx.post(f"{system.url('notification')}/subscriptions", headers=auth("integrator"),
                                json={"url": receiver.url, "description": "e-office"}, timeout=10)
        assert registered.status_code == 201, registered.text
        secret = registered.json()["secret"]
        assert system.cli("import-plan", str(SAMPLE_PLAN)).returncode == 2  # units not registered yet
        imported = system.cli("import-plan", str(SAMPLE_PLAN), "--register-units")
        assert imported.returncode == 0, imported.stderr
        assert re.search(r"Quý III +5 nhiệm vụ \(văn bản ghi 04\)  ⚠", imported.stdout), imported.stdout
        assert "Tổng: 34 nhiệm vụ — đã nhập mới" in imported.stdout

        messages = asyncio.run(outside_subscriber(nats_url, 35, user))
        types = [m.headers["ce-type"] for m in messages]
        assert types.count("vn.gov.tdkt.plan.TaskAssigned.v1") == 34
        assert types.count("vn.gov.tdkt.plan.PlanIssued.v1") == 1
        first_task = json.loads(next(m.data for m in messages if m.subject == "tdkt.plan.TaskAssigned.v1"))
        assert (first_task["plan_number"], first_task["quarter"], first_task["number"]) == ("157/KH-UBND", 1, 1)

        requests = receiver.wait_for(35)
        assert [r.headers["ce-id"] for r in requests] == [m.headers["ce-id"] for m in messages]
        assert all(verified(secret, r) for r in requests)

    by_quarter = httpx.get(f"{system.url('reporting')}/reports/tasks/by-quarter", params={"year": 2026},
                           headers=auth("auditor"), timeout=10).json()
    assert [(q["quarter"], q["announced"], q["total"]) for q in by_quarter] == [
        (1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]

    children = system.descendants()
    assert system.stop(signal.SIGINT) == 0
    time.sleep(0.5)
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []  # nothing left running

    system.start()  # a second `tdkt up` over the same data folder finds everything again
    second = system.cli("import-plan", str(SAMPLE_PLAN))
    assert "đã có trong hệ thống, không tạo gì thêm" in second.stdout, second.stdout + second.stderr
    quarters = httpx.get(f"{system.url('reporting')}/reports/tasks/by-quarter", params={"year": 2026},
                         headers=auth("auditor"), timeout=10).json()
    assert [q["total"] for q in quarters] == [14, 10, 5, 5]
    subscriptions = httpx.get(f"{system.url('notification')}/subscriptions", headers=auth("integrator"), timeout=10)
    assert [s["url"] for s in subscriptions.json()] == [receiver.url]
    assert system.stop(signal.SIGTERM) == 0


def test_tdkt_up_loads_the_sample_plan_and_prints_where_each_api_is(tdkt_up) -> None:
    system = tdkt_up().start()
    try:
        text = system.text()
        addresses = text.split("Mở ", 1)[1]
        assert addresses.startswith(f"{system.url('web')} "), "the pages' address comes first"
        assert "Tài khoản quản trị đầu tiên: admin / " in text
        for service in ("plan", "nomination", "notification", "reporting"):
            assert f"{system.url(service)}/docs" in addresses
        assert "Kế hoạch 157/KH-UBND ngày 22/01/2026" in text
        assert "PostgreSQL (nhúng)" in text and "sync_interval: always" in text
    finally:
        assert system.stop() == 0
