"""The notification database: webhook subscriptions, their secrets, deliveries and every attempt."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from opentelemetry import propagate

from contracts import IntegrationEvent, event_class, wrap
from servicekit.db import lock_schema
from services.notification import secrets
from services.notification.intake import Part
from services.notification.secrets import SecretBox

CHANNEL = "tdkt_notification_deliveries"  # NOTIFY'd at commit: '' new deliveries, 'subscriptions' a change
ENQUEUE_LOCK = 7_310_005  # deliveries get their ids in commit order, so readers can follow the ids

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id uuid PRIMARY KEY,
    url text NOT NULL,
    event_types text[] NOT NULL DEFAULT '{}',
    description text NOT NULL DEFAULT '',
    owner text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz
);
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS content_mode text NOT NULL DEFAULT 'binary';
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS ordering text NOT NULL DEFAULT 'subscriber';
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS "window" integer NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS circuit_open_until timestamptz;
CREATE TABLE IF NOT EXISTS subscription_secrets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES subscriptions (id),
    sealed bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retire_at timestamptz
);
CREATE TABLE IF NOT EXISTS deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES subscriptions (id),
    event_id uuid NOT NULL,
    ce_type text NOT NULL,
    headers jsonb NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (subscription_id, event_id)
);
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS ordering_key text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (subscription_id, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_lane ON deliveries (subscription_id, ordering_key, id)
    WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id bigint NOT NULL REFERENCES deliveries (id),
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code integer,
    error text,
    duration_ms integer NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
"""

PUBLIC = ("id, url, event_types, description, active, created_at, deactivated_at, content_mode, ordering, "
          '"window", circuit_open_until')


async def create_schema(pool: asyncpg.Pool, box: SecretBox) -> None:
    """Create the tables (idempotent; replicas starting together take turns); secrets kept
    in clear by an older version are sealed."""
    async with pool.acquire() as conn, conn.transaction():
        await lock_schema(conn)
        await conn.execute(SCHEMA)
        clear = await conn.fetchval("SELECT count(*) FROM information_schema.columns "
                                    "WHERE table_name = 'subscriptions' AND column_name = 'secret'")
        if clear:
            for row in await conn.fetch("SELECT id, secret FROM subscriptions"):
                await conn.execute("INSERT INTO subscription_secrets (subscription_id, sealed) VALUES ($1, $2)",
                                   row["id"], box.seal(row["secret"], row["id"]))
            await conn.execute("ALTER TABLE subscriptions DROP COLUMN secret")


async def add_subscription(pool: asyncpg.Pool, box: SecretBox, *, url: str, event_types: list[str],
                           description: str, owner: str, content_mode: str, ordering: str,
                           window: int) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO subscriptions (id, url, event_types, description, owner, content_mode, ordering, "
            f'"window") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PUBLIC}',
            uuid4(), url, event_types, description, owner, content_mode, ordering, window)
        secret = await secrets.add(conn, box, row["id"])
        await conn.execute("SELECT pg_notify($1, 'subscriptions')", CHANNEL)
    return {**dict(row), "secret": secret}


async def list_subscriptions(pool: asyncpg.Pool, owner: str | None) -> list[dict[str, Any]]:
    """Every subscription (owner None) or the ones `owner` registered; never the secrets."""
    rows = await pool.fetch(
        f"SELECT {PUBLIC} FROM subscriptions WHERE $1::text IS NULL OR owner = $1 "
        "ORDER BY created_at, id", owner)
    return [dict(row) for row in rows]


async def find_subscription(pool: asyncpg.Pool, subscription_id: UUID,
                            owner: str | None) -> dict[str, Any] | None:
    row = await pool.fetchrow(
        f"SELECT {PUBLIC} FROM subscriptions WHERE id = $1 AND ($2::text IS NULL OR owner = $2)",
        subscription_id, owner)
    return dict(row) if row else None


async def deactivate(pool: asyncpg.Pool, subscription_id: UUID) -> None:
    """Stop a subscription; its pending deliveries are cancelled with it."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE subscriptions SET active = false, deactivated_at = now() "
            "WHERE id = $1 AND active", subscription_id)
        await conn.execute(
            "UPDATE deliveries SET status = 'cancelled', finished_at = now(), "
            "last_error = 'đăng ký đã bị hủy' WHERE subscription_id = $1 "
            "AND status = 'pending'", subscription_id)
        await conn.execute("SELECT pg_notify($1, 'subscriptions')", CHANNEL)


def deliveries(event: IntegrationEvent, root: str) -> Part:
    """One pending delivery per active subscription that wants the event (consumer's tx); the
    dispatcher is told at commit. Returns how many. A subscription to every type gets each fact
    once: a newer version published beside an older one only when named."""
    envelope = wrap(event, root)
    headers = dict(envelope.headers)
    propagate.inject(headers)  # the consumer's span: the trace goes on to the webhook call
    return Part(
        ["turn AS (SELECT pg_advisory_xact_lock({4}))",
         "added AS (INSERT INTO deliveries (subscription_id, event_id, ce_type, headers, body, ordering_key) "
         "SELECT s.id, {0}, {1}, {2}::jsonb, {3}, CASE WHEN s.ordering = 'subject' THEN {5} ELSE '' END "
         "FROM subscriptions s, turn WHERE s.active "
         "AND ((cardinality(s.event_types) = 0 AND NOT {7}) OR {1} = ANY (s.event_types)) "
         "ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id)",
         "told AS (SELECT pg_notify({6}, '') FROM added LIMIT 1)"],
        "(SELECT count(*) FROM added) + (SELECT count(*) FROM told) * 0",
        [event.event_id, event.ce_type(), json.dumps(headers), envelope.body.decode(), ENQUEUE_LOCK,
         event.cloudevent_subject(), CHANNEL, beside_an_older_version(event)])


def beside_an_older_version(event: IntegrationEvent) -> bool:
    """Whether an older version of the event is published too (old versions stay published)."""
    name = event.ce_type().rsplit(".v", 1)[0]
    return any(event_class(f"{name}.v{older}") is not None for older in range(1, event.schema_version()))


async def list_deliveries(pool: asyncpg.Pool, subscription_id: UUID, *, status: str | None,
                          limit: int, offset: int) -> list[dict[str, Any]]:
    """A subscription's deliveries, newest first, each with its attempts."""
    rows = await pool.fetch(
        "SELECT id, event_id, ce_type, status, attempts, next_attempt_at, last_error, "
        "created_at, finished_at, body FROM deliveries WHERE subscription_id = $1 "
        "AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3 OFFSET $4",
        subscription_id, status, limit, offset)
    attempts = await pool.fetch(
        "SELECT delivery_id, attempt, attempted_at, status_code, error, duration_ms "
        "FROM delivery_attempts WHERE delivery_id = ANY ($1::bigint[]) "
        "ORDER BY delivery_id, attempt", [row["id"] for row in rows])
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt["delivery_id"], []).append(
            {k: v for k, v in attempt.items() if k != "delivery_id"})
    return [{**{k: v for k, v in row.items() if k != "body"}, "event": json.loads(row["body"]),
             "attempt_log": by_delivery.get(row["id"], [])} for row in rows]

