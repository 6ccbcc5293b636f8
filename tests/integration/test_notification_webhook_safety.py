# ruff: noqa: F811 (the fixture `receivers` is imported by name)
"""Safe webhook targets, and signing secrets rotated with an overlap and encrypted at rest."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.integration.test_notification_service import assigned
from tests.integration.webhook_receivers import (  # noqa: F401
    INTEGRATOR,
    deliveries,
    notification_app,
    publish,
    receivers,
    subscribe,
)
from tests.support import Namespace, eventually, serve

pytestmark = pytest.mark.integration
PUBLIC = "93.184.216.34"


class Names:
    """A resolver the test controls: what each name resolves to right now."""

    def __init__(self, **names: list[str]) -> None:
        self.names = {name.replace("_", "."): addresses for name, addresses in names.items()}

    async def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.names:
            raise OSError(f"unknown host {host}")
        return self.names[host]


async def test_internal_targets_are_refused_at_registration(ns: Namespace) -> None:
    names = Names(localhost=["127.0.0.1"], intranet_caobang_test=["10.20.30.40"], eoffice_caobang_test=[PUBLIC],
                  mixed_test=[PUBLIC, "192.168.1.9"])
    async with serve(notification_app(ns, resolver=names, webhook_allowed_hosts=[])) as client:
        for url in ["http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/hook",
                    "http://192.168.1.1/", "http://172.16.5.5/", "http://[::1]:8003/", "http://[fe80::1]/",
                    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:8003/", "http://100.64.0.1/",
                    "http://localhost:8001/", "http://intranet.caobang.test/", "http://mixed.test/"]:
            response = await client.post("/subscriptions", json={"url": url}, headers=INTEGRATOR)
            assert response.status_code == 422, url
            error = response.json()["error"]
            assert error["code"] == "target_refused", url
            assert "mạng nội bộ" in error["message"], url
        unknown = await client.post("/subscriptions", json={"url": "http://nowhere.test/"}, headers=INTEGRATOR)
        assert unknown.json()["error"]["message"] == "Không phân giải được tên máy chủ nowhere.test."
        assert (await subscribe(client, "http://eoffice.caobang.test/hooks"))["url"].startswith("http://eoffice")
        listed = (await client.get("/subscriptions", headers=INTEGRATOR)).json()
        assert [s["url"] for s in listed] == ["http://eoffice.caobang.test/hooks"]
    async with serve(notification_app(ns, resolver=names, webhook_allow_http=False)) as client:
        plain = await client.post("/subscriptions", json={"url": f"http://{PUBLIC}/hooks"}, headers=INTEGRATOR)
        assert plain.json()["error"]["code"] == "target_refused"
        assert "https://" in plain.json()["error"]["message"]
        assert (await subscribe(client, f"https://{PUBLIC}/hooks"))["url"] == f"https://{PUBLIC}/hooks"


async def test_a_name_that_turns_to_loopback_after_registration_is_not_called(ns: Namespace, receivers) -> None:
    victim, trusted = await receivers(), await receivers()
    names = Names(eoffice_caobang_test=[PUBLIC], trusted_caobang_test=["127.0.0.1"])
    app = notification_app(ns, resolver=names, dns_cache_s=0, dispatch_max_attempts=2,
                           webhook_allowed_hosts=["trusted.caobang.test"])
    async with serve(app) as client:
        moved = await subscribe(client, f"http://eoffice.caobang.test:{victim.port}/hooks")
        allowed = await subscribe(client, f"http://trusted.caobang.test:{trusted.port}/hooks")
        names.names["eoffice.caobang.test"] = ["127.0.0.1"]  # DNS changes after registration
        event = assigned(1)
        await publish(ns, [event])

        async def given_up():
            rows = await deliveries(client, moved["id"])
            assert [row["status"] for row in rows] == ["failed"]
            return rows[0]

        row = await eventually(given_up)
        assert [a["error"] for a in row["attempt_log"]] == ["không kết nối được: địa chỉ đích không được phép"] * 2
        assert victim.requests == []
        # An allow-listed name is called at the address it was checked at, under its own name.
        [call] = trusted.requests
        assert call.event_id == str(event.event_id)
        assert call.headers["host"] == f"trusted.caobang.test:{trusted.port}"
        assert [d["status"] for d in await deliveries(client, allowed["id"])] == ["delivered"]


async def test_a_rotated_secret_signs_beside_the_new_one_until_the_overlap_ends(ns: Namespace, receivers) -> None:
    receiver = await receivers()
    now = [datetime(2026, 3, 2, 1, 0, tzinfo=UTC)]
    async with serve(notification_app(ns, clock=lambda: now[0])) as client:
        sub = await subscribe(client, receiver.url)
        old = sub["secret"]
        rotated = await client.post(f"/subscriptions/{sub['id']}/rotate-secret", json={"overlap_s": 3600},
                                    headers=INTEGRATOR)
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        assert new != old and new.startswith("whsec_")
        assert datetime.fromisoformat(rotated.json()["previous_valid_until"]) == now[0] + timedelta(hours=1)
        first = assigned(1)
        await publish(ns, [first])
        await eventually(lambda: _count(receiver, 1))
        # During the overlap both secrets verify: the header carries two signatures.
        assert len(receiver.requests[0].headers["webhook-signature"].split(" ")) == 2
        for secret in (old, new):
            Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)

        now[0] += timedelta(hours=2)
        second = assigned(2)
        await publish(ns, [second])
        await eventually(lambda: _count(receiver, 2))
        call = receiver.requests[1]
        assert call.event_id == str(second.event_id)
        Webhook(new).verify(call.body, call.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(call.body, call.headers)

        # At rest the secrets are encrypted: neither their text nor their key bytes are stored.
        conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}notification")
        try:
            rows = await conn.fetch("SELECT sealed FROM subscription_secrets")
            columns = await conn.fetch("SELECT column_name FROM information_schema.columns "
                                       "WHERE table_name = 'subscriptions'")
        finally:
            await conn.close()
        assert len(rows) == 2 and "secret" not in {c["column_name"] for c in columns}
        for secret in (old, new):
            key = base64.b64decode(secret.removeprefix("whsec_"))
            assert all(key not in bytes(r["sealed"]) and secret.encode() not in bytes(r["sealed"]) for r in rows)


async def _count(receiver, expected: int) -> None:
    assert len(receiver.requests) == expected
