"""The awards counted per month and kept between answers (services/reporting/blocks.py): a kept
month is used again only while none of its rows changed, and the answers built from kept months
are the bytes of answers counted from the rows, after decisions, revocations, redeliveries, rows
deleted, a rebuild (TRUNCATE) and for a database whose dossiers were there before the stamps."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from typing import Any

import pytest
from pydantic_core import to_json

from servicekit.db import create_schema, ensure_database, open_pool
from services.reporting import blocks, dossiers, figures, outcomes, priority_groups, projection, store, tallies, wider
from services.reporting.periods import parse
from services.reporting.settings import ReportingSettings
from tests.integration.test_reporting_tallies import _apply, _story
from tests.support import Namespace

pytestmark = pytest.mark.integration
PERIODS = ("2024", "2025-H1", "2025-Q4", "2026", "2024-02-10..2025-11-20", "2026-03-05..2026-03-20")


async def _answers(conn: Any, months: blocks.AwardMonths) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Every period's answer built with the kept months, and counted from the rows alone."""
    kept: dict[str, bytes] = {}
    counted: dict[str, bytes] = {}
    for code in PERIODS:
        for out, using in ((kept, months), (counted, None)):
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                out[code] = to_json(await figures.report(conn, parse(code), using))
    return kept, counted


async def _awarded_per_year(conn: Any, months: blocks.AwardMonths) -> Counter[int]:
    found: Counter[int] = Counter()
    for year in (2024, 2025, 2026):
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            body = await figures.report(conn, parse(str(year)), months)
        found[year] = body["awards"]["total"]["count"]
    return found


async def test_kept_months_are_used_while_unchanged_and_answer_the_bytes_counted_from_the_rows(
        ns: Namespace) -> None:
    events, want = _story(random.Random(11))
    per_year = Counter[int]()
    for (year, *_), n in want.items():
        per_year[year] += n
    settings = ns.settings(ReportingSettings, database=f"{ns.db_prefix}blocks")
    await ensure_database(settings)
    pool = await open_pool(settings)
    try:
        await create_schema(pool, projection.SCHEMA, dossiers.SCHEMA, priority_groups.SCHEMA, tallies.SCHEMA,
                            blocks.SCHEMA, wider.SCHEMA, outcomes.SCHEMA, store.SCHEMA)
        months = blocks.AwardMonths()
        async with pool.acquire() as conn:
            half = len(events) // 2
            async with conn.transaction():
                await _apply(conn, events[:half], batched=True)
            kept, counted = await _answers(conn, months)
            assert kept == counted
            first = months.counted
            assert first > 0

            # nothing changed: every month is kept
            kept, counted = await _answers(conn, months)
            assert kept == counted and months.counted == first

            # the rest of the story (decisions and revocations in some months): only those counted again
            facts = [dict(e) for e in events]
            decided = {f["dossier_id"]: f["decided_on"] for f in facts if f.get("decided_on")}
            changed = {decided[f["dossier_id"]].replace(day=1) for f in facts[half:] if f["dossier_id"] in decided}
            async with conn.transaction():
                await _apply(conn, events[half:], batched=True)
            before = months.counted
            kept, counted = await _answers(conn, months)
            assert kept == counted
            again = {piece for code in PERIODS for piece in blocks.pieces(parse(code).start, parse(code).end)
                     if piece[0].replace(day=1) in changed}  # a piece two periods share is counted once
            assert again and months.counted - before == len(again)
            assert await _awarded_per_year(conn, months) == per_year

            # every event delivered again (the rows' version guard changes nothing): every month kept
            before = months.counted
            async with conn.transaction():
                await _apply(conn, list(reversed(events)), batched=False)
            kept, counted = await _answers(conn, months)
            assert kept == counted and months.counted == before

            # a dossier opened, never decided: no month changes
            async with conn.transaction():
                await _apply(conn, [e for e in events if getattr(e, "decided_on", None) is None][:1], batched=False)
            kept, counted = await _answers(conn, months)
            assert kept == counted and months.counted == before

            # rows deleted: their months are counted again
            gone = await conn.fetchval("DELETE FROM report_dossiers WHERE decided_on >= $1 AND decided_on < $2 "
                                       "AND decision_number IS NOT NULL AND NOT revoked RETURNING decided_on",
                                       date(2025, 1, 1), date(2025, 12, 31))
            kept, counted = await _answers(conn, months)
            assert kept == counted
            if gone is not None:
                assert (await _awarded_per_year(conn, months))[2025] < per_year[2025]

            # a rebuild: cleared (TRUNCATE fires no row trigger), then replayed
            async with conn.transaction():
                await tallies.clear(conn)
            kept, counted = await _answers(conn, months)
            assert kept == counted
            assert await _awarded_per_year(conn, months) == Counter({2024: 0, 2025: 0, 2026: 0})
            async with conn.transaction():
                await _apply(conn, events, batched=True)
            kept, counted = await _answers(conn, months)
            assert kept == counted
            assert await _awarded_per_year(conn, months) == per_year

            # a database whose dossiers were there before the stamps: every month with awards gets one
            await conn.execute("DROP TABLE report_award_months")
            await create_schema(conn, blocks.SCHEMA)
            stamped = {r[0] for r in await conn.fetch("SELECT month FROM report_award_months")}
            dated = {r[0] for r in await conn.fetch("SELECT DISTINCT date_trunc('month', decided_on)::date "
                                                    "FROM report_dossiers WHERE decided_on IS NOT NULL")}
            assert stamped == dated and stamped >= {m for m in changed if m.year < 2027}
            fresh = blocks.AwardMonths()
            kept, counted = await _answers(conn, fresh)
            assert kept == counted
            assert await _awarded_per_year(conn, fresh) == per_year
    finally:
        await pool.close()


def test_a_period_is_cut_at_the_months_edges() -> None:
    assert blocks.pieces(date(2025, 11, 20), date(2026, 2, 3)) == [
        (date(2025, 11, 20), date(2025, 11, 30)), (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 3))]
    assert blocks.pieces(date(2024, 2, 29), date(2024, 2, 29)) == [(date(2024, 2, 29), date(2024, 2, 29))]
