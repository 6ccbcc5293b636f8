"""Reminders before a task's due date, with a moved clock: each fires once, also across a
restart and with two replicas running; a completed task is not reminded."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest

from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tests.integration.test_notification_service import assigned, completed
from tests.integration.webhook_receivers import publish
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
AUDITOR = auth("auditor")


def app(ns: Namespace, now: list[datetime]) -> Any:
    settings = ns.settings(NotificationSettings, reminder_interval_s=0.1, dispatch_poll_interval_s=1.0)
    return create_app(settings, clock=lambda: now[0])


async def reminders(client: Any) -> list[dict[str, Any]]:
    response = await client.get("/inbox", params={"kind": "task_due_soon", "limit": 200}, headers=AUDITOR)
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_reminder_fires_once_across_replicas_and_a_restart(ns: Namespace) -> None:
    now = [datetime(2026, 3, 1, 1, 0, tzinfo=UTC)]
    task = assigned(1)  # due 31/03/2026, lead unit SNV
    done = completed(2)
    early = assigned(2, done.task_id).model_copy(update={"occurred_at": now[0]})
    stack = contextlib.AsyncExitStack()
    async with stack:
        one = await stack.enter_async_context(serve(app(ns, now)))
        two = await stack.enter_async_context(serve(app(ns, now)))
        await publish(ns, [task.model_copy(update={"occurred_at": now[0]}), early, done])

        async def planned():
            assert (await one.get("/readyz")).status_code == 200
            tasks = (await one.get("/inbox", params={"topic": "task"}, headers=AUDITOR)).json()
            assert len(tasks) == 3  # assigned ×2, completed

        await eventually(planned)
        await asyncio.sleep(0.3)
        assert await reminders(one) == []  # nothing is due on 01/03

        # 08:00 on 17/03 in Cao Bằng: 14 days before the due date.
        now[0] = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)
        await eventually(lambda: _count(one, 1))
        [first] = await reminders(two)
        assert first["unit_code"] == "SNV" and first["ref_id"] == str(task.task_id)
        assert first["title"] == "Nhiệm vụ sắp đến hạn (còn 14 ngày): Nhiệm vụ 1"
        assert first["body"].endswith("Đơn vị được giao chủ trì; hạn hoàn thành 31/03/2026 (còn 14 ngày).")

        # A restart of one replica, then the clock jumps past the 7-day and 1-day marks.
        await stack.aclose()
    async with serve(app(ns, now)) as three, serve(app(ns, now)) as four:
        now[0] = datetime(2026, 3, 30, 2, 0, tzinfo=UTC)
        await eventually(lambda: _count(three, 3))
        await asyncio.sleep(0.5)  # time for a repeat, were one sent
        titles = sorted(m["title"] for m in await reminders(four))
        assert titles == ["Nhiệm vụ sắp đến hạn (còn 14 ngày): Nhiệm vụ 1",
                          "Nhiệm vụ sắp đến hạn (còn 7 ngày): Nhiệm vụ 1",
                          "Nhiệm vụ sắp đến hạn (ngày mai): Nhiệm vụ 1"]
        # The completed task got none.
        assert all(m["ref_id"] == str(task.task_id) for m in await reminders(three))


async def _count(client: Any, expected: int) -> None:
    assert len(await reminders(client)) == expected
