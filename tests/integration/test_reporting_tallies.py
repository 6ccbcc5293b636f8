"""The awards kept per year of their decision (services/reporting/tallies.py) stay equal to counts
made here from the events, whatever order the events come in, however often one is redelivered,
after a revocation, after a rebuild, and when the counts are made for a database that already
has its dossiers."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from contracts import IntegrationEvent
from contracts import nomination as c
from servicekit.db import create_schema, ensure_database, open_pool
from services.reporting import dossiers, priority_groups, tallies
from services.reporting.settings import ReportingSettings
from tests.support import Namespace

pytestmark = pytest.mark.integration
FORMS = [
    ("BKT", "Bằng khen của Chủ tịch UBND tỉnh", "bang_khen", "tinh"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "danh_hieu_thi_dua", "co_so"),
    ("GK", "Giấy khen", "giay_khen", "co_so"),
]
Key = tuple[int, str, str, str]  # year of the decision, form, nominee kind, leadership ('true', 'false', '')


def _story(rng: random.Random) -> tuple[list[IntegrationEvent], Counter[Key]]:
    """Dossiers opened and decided over three years, some with their nominee's groups (version 2),
    some revoked, some never decided; and the counts of the awards standing at the end."""
    events: list[IntegrationEvent] = []
    want: Counter[Key] = Counter()
    for index in range(60):
        code, name, category, level = FORMS[index % len(FORMS)]
        kind = "ca_nhan" if index % 4 else "tap_the"
        decided = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        at = datetime(decided.year, decided.month, decided.day, 3, tzinfo=UTC)
        common: dict[str, Any] = {
            "dossier_id": uuid4(),
            "unit_code": f"DV{index % 7}",
            "award_code": code,
            "award_name": name,
            "year": decided.year - 1,
            "nominee": {"kind": kind, "ref": f"r{index}", "name": f"Người {index}", "unit_code": f"DV{index % 7}"},
        }
        leadership = None if index % 3 == 0 else index % 2 == 0
        groups: dict[str, Any] = {"nominee_groups": c.PriorityGroups(leadership=leadership)} if index % 3 else {}
        created, decision = (
            (c.NominationCreatedV2, c.AwardDecidedV2) if groups else (c.NominationCreated, c.AwardDecided)
        )
        events.append(
            created(
                event_id=uuid4(),
                occurred_at=at - timedelta(days=20),
                dossier_version=1,
                state="draft",
                basis="cong_trang",
                simplified=False,
                posthumous=False,
                **common,
                **groups,
            )
        )
        if index % 10 == 9:  # never decided
            continue
        events.append(
            decision(
                event_id=uuid4(),
                occurred_at=at,
                dossier_version=2,
                state="decided",
                award_category=category,
                award_level=level,
                decision_number=f"{index}/QĐ",
                decided_on=decided,
                signed_by="Chủ tịch",
                central=False,
                cash_amount=1_000_000,
                **common,
                **groups,
            )
        )
        if index % 8 == 5:  # revoked: counts no more
            events.append(
                c.AwardRevoked(
                    event_id=uuid4(),
                    occurred_at=at + timedelta(days=40),
                    dossier_version=3,
                    state="revoked",
                    ground="a",
                    ground_text="Gian dối",
                    decision_number="9/QĐ",
                    revoked_on=decided + timedelta(days=40),
                    **common,
                )
            )
            continue
        shown = "" if not groups or leadership is None else str(leadership).lower()
        want[(decided.year, code, kind, shown)] += 1
    return events, want


async def _counted(conn: Any) -> tuple[Counter[Key], Counter[Key]]:
    """The kept counts, and the same counted from the dossiers' rows."""
    kept = Counter(
        {
            (r["decided_year"], r["award_code"], r["nominee_kind"], r["leadership"]): r["n"]
            for r in await conn.fetch(
                "SELECT decided_year, award_code, nominee_kind, leadership, sum(n) AS n "
                "FROM report_award_years GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0"
            )
        }
    )
    rows = Counter(
        {
            (r["y"], r["award_code"], r["nominee_kind"], r["l"]): r["n"]
            for r in await conn.fetch(
                "SELECT extract(year FROM decided_on)::int AS y, award_code, nominee_kind, "
                "coalesce(nominee_leadership::text, '') AS l, count(*) AS n FROM report_dossiers "
                "WHERE decision_number IS NOT NULL AND NOT revoked GROUP BY 1, 2, 3, 4"
            )
        }
    )
    return kept, rows


async def _apply(conn: Any, events: list[IntegrationEvent], batched: bool) -> None:
    view = dossiers.DossierProjection(ZoneInfo("Asia/Ho_Chi_Minh"))
    apply_many = {**view.batch_handlers, **priority_groups.batch_handlers(view.apply_many)}
    if batched:  # runs of events taken by one batch handler, as the consumer gives them
        start = 0
        while start < len(events):
            end = start + 1
            while end < len(events) and apply_many[type(events[end])] is apply_many[type(events[start])]:
                end += 1
            await apply_many[type(events[start])](conn, events[start:end])
            start = end
    else:
        for event in events:
            await apply_many[type(event)](conn, [event])


async def test_the_counts_per_year_equal_the_events_in_any_order_redelivered_revoked_and_rebuilt(ns: Namespace) -> None:
    rng = random.Random(7)
    events, want = _story(rng)
    settings = ns.settings(ReportingSettings, database=f"{ns.db_prefix}tallies")
    await ensure_database(settings)
    pool = await open_pool(settings)
    try:
        await create_schema(pool, dossiers.SCHEMA, priority_groups.SCHEMA, tallies.SCHEMA)
        async with pool.acquire() as conn:
            async with conn.transaction():
                await _apply(conn, events, batched=True)
            assert await _counted(conn) == (want, want)
            # every event delivered again, in another order: nothing changes
            again = events[:]
            rng.shuffle(again)
            async with conn.transaction():
                await _apply(conn, again, batched=False)
            assert await _counted(conn) == (want, want)
            # a rebuild: cleared, then the events in an order where a dossier's later events come first
            async with conn.transaction():
                await tallies.clear(conn)
            assert await _counted(conn) == (Counter(), Counter())
            async with conn.transaction():
                await _apply(conn, list(reversed(events)), batched=False)
            assert await _counted(conn) == (want, want)
            # the figures year on year read the counts
            by_form = {(r["y"], r["award_code"]): (r["n"], r["name"]) for r in await tallies.by_form(conn, 2024, 2026)}
            assert by_form == {
                (y, code): (
                    sum(n for (y2, c2, _, _), n in want.items() if (y2, c2) == (y, code)),
                    dict((f[0], f[1]) for f in FORMS)[code],
                )
                for (y, code, _, _) in want
            }
            people = await tallies.individuals(conn, 2024, 2026)
            for year in (2024, 2025, 2026):
                mine = {k: n for k, n in want.items() if k[0] == year and k[2] == "ca_nhan"}
                assert (people[year]["n"], people[year]["without"], people[year]["holding"]) == (
                    sum(mine.values()),
                    sum(n for k, n in mine.items() if k[3] == "false"),
                    sum(n for k, n in mine.items() if k[3] == "true"),
                )
            # a database whose dossiers were there before the counts: they are made from its rows
            await conn.execute("DROP TABLE report_award_years CASCADE")
            await create_schema(conn, tallies.SCHEMA)
            assert await _counted(conn) == (want, want)
    finally:
        await pool.close()
