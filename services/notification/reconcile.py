"""The webhooks in the reconciliation (`tdkt reconcile`): per active webhook, the deliveries
owed (one per wanted event, written in the consumer's transaction, so an event the consumer
applied cannot lack its delivery), those delivered, those on their way, and those given up
after the last attempt (lost to the receiver) or owed twice for one event (duplicated)."""

from __future__ import annotations

import asyncpg

from servicekit.reconcile import Finding

WEBHOOKS = """
SELECT s.url, count(d.id) AS owed, count(d.id) FILTER (WHERE d.status = 'delivered') AS delivered,
       count(d.id) FILTER (WHERE d.status = 'pending') AS pending,
       count(d.id) - count(DISTINCT d.event_id) AS duplicated,
       coalesce(array_agg(d.event_id::text ORDER BY d.id) FILTER (WHERE d.status = 'failed'), '{}') AS failed
FROM subscriptions s LEFT JOIN deliveries d ON d.subscription_id = s.id
WHERE s.active GROUP BY s.id, s.url, s.created_at ORDER BY s.created_at
"""


async def webhooks(pool: asyncpg.Pool) -> list[Finding]:
    return [Finding(name=row["url"], kind="webhook", expected=row["owed"], found=row["delivered"],
                    lost=len(row["failed"]), duplicated=row["duplicated"], pending=row["pending"],
                    lost_ids=row["failed"][:100])
            for row in await pool.fetch(WEBHOOKS)]
