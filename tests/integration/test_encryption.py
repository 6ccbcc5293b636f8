"""Events encrypted at rest with keys that rotate: nothing readable in the database, old events
still read after a new key is put first, new ones sealed with the new key."""

from __future__ import annotations

from base64 import b64decode
from datetime import UTC, datetime

import asyncpg
import pytest

from servicekit.crypto import MAGIC, fingerprint, new_key
from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


def plan(number: int, title: str) -> dict[str, object]:
    return {"number": f"{number}/KH-SNV", "year": 2026, "title": title, "issuer": "Sở Nội vụ"}


async def stored(ns: Namespace) -> list[bytes]:
    conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}plan")
    try:
        rows = await conn.fetch("SELECT state FROM plans_events ORDER BY notification_id")
        return [bytes(row["state"]) for row in rows]
    finally:
        await conn.close()


async def test_events_are_sealed_and_keys_rotate(ns: Namespace) -> None:
    old, new = new_key(), new_key()
    async with serve(plan_app(ns.settings(PlanSettings, cipher_keys=old), clock)) as client:
        assert (await client.post("/plans", headers=PLANNER, json=plan(1, "Kế hoạch Nguyễn Văn A"))).status_code == 201
    [first] = await stored(ns)
    assert first.startswith(MAGIC) and "Nguyễn Văn A".encode() not in first and b"SNV" not in first

    async with serve(plan_app(ns.settings(PlanSettings, cipher_keys=f"{new},{old}"), clock)) as client:
        assert (await client.post("/plans", headers=PLANNER, json=plan(2, "Kế hoạch hai"))).status_code == 201

        async def both_read():
            titles = sorted(p["title"] for p in (await client.get("/plans", headers=PLANNER)).json())
            assert titles == ["Kế hoạch Nguyễn Văn A", "Kế hoạch hai"]

        await eventually(both_read)
        ids = [p["plan_id"] for p in (await client.get("/plans", headers=PLANNER)).json()]
        for plan_id in ids:  # read back from the store itself, not only the view
            assert (await client.get(f"/plans/{plan_id}", headers=PLANNER)).status_code == 200
    keys = [state[len(MAGIC):len(MAGIC) + 4] for state in await stored(ns)]
    assert keys == [fingerprint(b64decode(old)), fingerprint(b64decode(new))]
