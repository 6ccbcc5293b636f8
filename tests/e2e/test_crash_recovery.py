"""SIGKILL the plan service again and again while large plans are being imported: every
event still reaches the bus and the read model exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time

import httpx
import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from tests.support import auth

pytestmark = pytest.mark.e2e
ROMAN = ("I", "II", "III", "IV")
PLANS, TASKS_PER_QUARTER = 10, 60


def plan_document(index: int) -> bytes:
    lines = [f"Số: {index}/KH-SNV", "Cao Bằng, ngày 05 tháng 02 năm 2026", "KẾ HOẠCH",
             f"Kế hoạch thử nghiệm số {index} năm 2026", "STT\tNội dung công việc\tĐơn vị tham mưu thực hiện"]
    for roman in ROMAN:
        lines.append(f"{roman}\tQUÝ {roman}: ({TASKS_PER_QUARTER:02d} NHIỆM VỤ)\t")
        lines += [f"{n}\tNhiệm vụ {n} quý {roman} của kế hoạch {index}\t- Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp."
                  for n in range(1, TASKS_PER_QUARTER + 1)]
    return "\n".join([*lines, "---\t--\t---"]).encode()


def import_until_acknowledged(url: str, document: bytes) -> int:
    """What a careful client does: retry the same import until the service answers it."""
    while True:
        try:
            response = httpx.post(f"{url}/plans/import", content=document, timeout=60,
                                  headers={**auth("planner"), "content-type": "text/plain"})
        except httpx.HTTPError:
            time.sleep(0.3)
            continue
        if response.status_code in (200, 201):
            return response.status_code
        if response.status_code >= 500:
            time.sleep(0.3)
            continue
        raise AssertionError(response.text)


async def bus_contents(nats_url: str) -> dict[str, tuple[int, int]]:
    """For each event type on tdkt.plan.>: how many messages, how many distinct event ids."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    sub = await js.pull_subscribe("tdkt.plan.>", stream="TDKT",
                                  config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE,
                                                        inactive_threshold=30))
    ids: dict[str, list[str]] = {}
    while True:
        try:
            batch = await sub.fetch(1000, timeout=1)
        except TimeoutError:
            break
        for message in batch:
            assert message.headers is not None
            ids.setdefault(message.subject.split(".")[2], []).append(message.headers["ce-id"])
    await nc.close()
    return {kind: (len(found), len(set(found))) for kind, found in ids.items()}


def test_killing_the_plan_service_during_imports_loses_and_duplicates_nothing(tdkt_up) -> None:
    system = tdkt_up("--no-sample").start()
    plan_url = system.url("plan")
    for code, name in (("SNV", "Sở Nội vụ"), ("VPUBND", "Văn phòng UBND tỉnh")):
        httpx.post(f"{plan_url}/units", headers=auth("planner"), timeout=10,
                   json={"code": code, "name": name, "kind": "co_quan"}).raise_for_status()
    kills: list[int] = []
    done = threading.Event()

    def killer() -> None:
        rng = random.Random(157)
        while not done.is_set() and len(kills) < 4:
            time.sleep(rng.uniform(0.3, 1.5))
            if done.is_set() or not system.ready("plan"):
                continue
            pid = system.service_pid("plan")
            os.kill(pid, signal.SIGKILL)
            kills.append(pid)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        answers = [import_until_acknowledged(plan_url, plan_document(i)) for i in range(1, PLANS + 1)]
    finally:
        done.set()
        thread.join()
    assert len(kills) >= 2, "the plan service was not killed during the imports"
    assert set(answers) <= {200, 201}

    tasks = PLANS * 4 * TASKS_PER_QUARTER
    nats_url = system.nats_url()
    deadline = time.monotonic() + 120
    while (seen := asyncio.run(bus_contents(nats_url))).get("TaskAssigned", (0, 0))[0] < tasks \
            and time.monotonic() < deadline:
        time.sleep(1)
    assert seen["PlanIssued"] == (PLANS, PLANS)  # every event, each once
    assert seen["TaskAssigned"] == (tasks, tasks)
    # each restart runs the deadline check: on 25/11/2026 quarters I-III are past due, each task once
    overdue, distinct_overdue = seen.get("TaskOverdue", (0, 0))
    assert overdue == distinct_overdue <= PLANS * 3 * TASKS_PER_QUARTER
    published = sum(count for count, _ in seen.values())

    def read_model_total() -> int:
        quarters = httpx.get(f"{system.url('reporting')}/reports/tasks/by-quarter", params={"year": 2026},
                             headers=auth("auditor"), timeout=10).json()
        return sum(q["total"] for q in quarters)

    def consumed() -> dict[str, int]:
        return httpx.get(f"{system.url('reporting')}/admin/consumer", headers=auth("auditor"), timeout=10).json()

    while consumed()["processed"] < published and time.monotonic() < deadline:
        time.sleep(0.5)
    assert read_model_total() == tasks
    assert consumed()["processed"] == published and consumed()["dead_lettered"] == 0
    assert "plan dừng (mã -9)" in system.text()
