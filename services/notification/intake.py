"""One event in, one statement out: the webhook deliveries, the units' inbox messages and the
reminders an event gives are written by a single SQL statement (data-modifying CTEs) in the
consumer's transaction. Under load each round trip to PostgreSQL cost about as much as the
work itself (bench/README.md, webhooks); each module still owns its part of the statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg


@dataclass
class Part:
    """CTEs and what the statement returns of them; placeholders `{0}`, `{1}`… number `args`."""

    ctes: list[str]
    result: str
    args: list[Any] = field(default_factory=list)


async def write(conn: asyncpg.Connection, parts: list[Part]) -> asyncpg.Record:
    """Run the parts as one statement; a row with each part's result, in order."""
    ctes: list[str] = []
    results: list[str] = []
    args: list[Any] = []
    for part in parts:
        numbers = [f"${len(args) + i + 1}" for i in range(len(part.args))]
        ctes += [cte.format(*numbers) for cte in part.ctes]
        results.append(part.result.format(*numbers))
        args += part.args
    row: asyncpg.Record = await conn.fetchrow(f"WITH {', '.join(ctes)} SELECT {', '.join(results)}", *args)
    return row
