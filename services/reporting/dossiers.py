"""The dossiers read model: one row per nomination dossier, from the nomination service's events.

Every event carries the dossier's unit, award, year, nominee, state and version, so each one
upserts the row; the upsert only moves a dossier forward (`version` guard), so a replay, a
duplicate or an older event re-sent under a new id changes nothing. Handlers run inside the
consumer's transaction, beside the event's `processed_events` row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from contracts import IntegrationEvent
from contracts import nomination as c
from servicekit.consumer import BatchHandler, Handler

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_dossiers (
    dossier_id uuid PRIMARY KEY, version int NOT NULL, state text NOT NULL,
    unit_code text NOT NULL, award_code text NOT NULL, year int NOT NULL,
    nominee_kind text NOT NULL, nominee_ref text NOT NULL, nominee_name text NOT NULL,
    nominee_masked_id text,
    late boolean NOT NULL DEFAULT false, late_in_state text, late_due date,
    created_on date, submitted_on date, times_returned int NOT NULL DEFAULT 0,
    decision_number text, decided_on date, signed_by text, central boolean NOT NULL DEFAULT false,
    award_name text, award_category text, award_level text, cash_amount bigint,
    conferred_on date,
    revoked boolean NOT NULL DEFAULT false, revoked_on date, revocation_number text,
    updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS report_dossiers_year_unit ON report_dossiers (year, unit_code);
CREATE INDEX IF NOT EXISTS report_dossiers_late ON report_dossiers (late_due) WHERE late;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS forwarded_on date;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS submission_number text;
CREATE INDEX IF NOT EXISTS report_dossiers_decided ON report_dossiers (decided_on) WHERE decided_on IS NOT NULL;
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS at_level text;
CREATE INDEX IF NOT EXISTS report_dossiers_at_level ON report_dossiers (at_level, state);
ALTER TABLE report_dossiers ADD COLUMN IF NOT EXISTS movement_id uuid;
CREATE INDEX IF NOT EXISTS report_dossiers_forwarded ON report_dossiers (forwarded_on) WHERE forwarded_on IS NOT NULL;
CREATE INDEX IF NOT EXISTS report_dossiers_revoked ON report_dossiers (revoked_on) WHERE revoked_on IS NOT NULL;
"""
# The awards of a period are counted from `report_dossiers_awarded_facts` alone (priority_groups.py:
# an index-only scan of the period's range: a year is a tenth of ten years' rows, spread over every
# page of the table);
# forwarded and revoked dossiers are few, found by their own dates.
# Where a dossier is (`at_level`): its own unit, a parent unit's code (a school's dossier at Sở
# Giáo dục và Đào tạo) or the province; the events that move it say where, the others leave it.
PROVINCE = "tinh"

Fields = dict[str, Any]
# After any other event, the late flag stays only while the dossier is still in the late state.
_CLEAR_LATE = {
    column: f"CASE WHEN report_dossiers.late_in_state = EXCLUDED.state THEN report_dossiers.{column} "
            f"ELSE {empty} END"
    for column, empty in (("late", "false"), ("late_in_state", "NULL"), ("late_due", "NULL"))
}


# The events of a dossier's life, each once: version 2 beside version 1 adds the step's due date
# (nothing the reports count), or for an opened or decided dossier the nominee's priority groups
# (`priority_groups` keeps them; version 3 adds the leadership tier and the award's basis) and for
# an opened one its movement (`movement_id`, which never changes: it is set whichever of the
# versions came first); issued documents are not dossier events.
DOSSIER_EVENTS = [cls for cls in c.EVENTS
                  if issubclass(cls, c.DossierEvent) and cls not in c.WITH_STEP_DUE.values()]


class DossierProjection:
    """Dates of the day (submitted on, …) are taken in the province's time zone."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    @property
    def handlers(self) -> dict[type[IntegrationEvent], Handler]:
        return {cls: self.apply for cls in DOSSIER_EVENTS}

    @property
    def batch_handlers(self) -> dict[type[IntegrationEvent], BatchHandler]:
        return dict.fromkeys(DOSSIER_EVENTS, self.apply_many)

    async def apply(self, conn: asyncpg.Connection, e: IntegrationEvent) -> None:
        await self.apply_many(conn, [e])

    async def apply_many(self, conn: asyncpg.Connection, events: Sequence[IntegrationEvent]) -> None:
        """Each event's upsert, in as few statements as the order allows. The dossiers a run opens
        (its first event of the dossier opens it) are first inserted each as one row, their events
        folded in order as the upserts would apply them to no row (`_folded`), in one statement; a
        dossier whose row is there already is left to the upserts. Those go in rounds: a dossier's
        events stay in their order (its n-th event of the run goes in the n-th round), and the
        upserts of one round, each of another dossier, go in one multi-row statement per set of
        columns (`unnest`: one execution); then the round's movements of opened dossiers (version
        2), on rows that exist by then."""
        changes: list[tuple[c.DossierEvent, Fields, bool]] = []
        chains: dict[Any, list[tuple[Fields, bool]]] = {}
        seen: set[Any] = set()
        for e in events:
            assert type(e) in DOSSIER_EVENTS and isinstance(e, c.DossierEvent)
            changes.append(changed := _change(e, self.zone))
            chain = chains.get(e.dossier_id)
            if chain is not None:
                chain.append(changed[1:])
            elif e.dossier_id not in seen and isinstance(e, c.NominationCreated):
                chains[e.dossier_id] = [changed[1:]]
            seen.add(e.dossier_id)
        opened = await self._insert_opened(conn, chains, events)
        await _upsert_rounds(conn, [change for change in changes if change[0].dossier_id not in opened])

    async def _insert_opened(self, conn: asyncpg.Connection, chains: dict[Any, list[tuple[Fields, bool]]],
                             events: Sequence[IntegrationEvent]) -> set[Any]:
        """The rows of the dossiers `chains` opens, where there is none yet, with their movements; their ids."""
        if not chains:
            return set()
        rows = [_folded(chain) for chain in chains.values()]
        opened = {r[0] for r in await conn.fetch(_INSERT, *(list(column) for column in zip(*rows, strict=True)))}
        movements = {e.dossier_id: e.movement_id for e in events
                     if isinstance(e, c.NominationCreatedV2) and e.movement_id is not None and e.dossier_id in opened}
        if movements:
            await conn.execute(_MOVEMENTS, list(movements), list(movements.values()))
        return opened


def _change(e: c.DossierEvent, zone: ZoneInfo) -> tuple[c.DossierEvent, Fields, bool]:
    """The event, the columns its upsert sets and whether it clears the late flag."""
    return e, {**_common(e), **EXTRA.get(type(e), _nothing)(e, zone)}, not isinstance(e, c.NominationLate)


async def _upsert_rounds(conn: asyncpg.Connection, changes: list[tuple[c.DossierEvent, Fields, bool]]) -> None:
    rounds: list[tuple[dict[tuple[tuple[str, ...], bool], list[tuple[Any, ...]]], list[tuple[Any, Any]]]] = []
    seen: dict[Any, int] = {}
    for e, fields, clear_late in changes:
        index = seen[e.dossier_id] = seen.get(e.dossier_id, -1) + 1
        if index == len(rounds):
            rounds.append(({}, []))
        upserts, movements = rounds[index]
        upserts.setdefault((tuple(fields), clear_late), []).append(tuple(fields.values()))
        if isinstance(e, c.NominationCreatedV2) and e.movement_id is not None:
            movements.append((e.dossier_id, e.movement_id))
    for upserts, movements in rounds:
        for (columns, clear_late), rows in upserts.items():
            await conn.execute(_upsert(columns, clear_late), *(list(column) for column in zip(*rows, strict=True)))
        if movements:
            await conn.execute(_MOVEMENTS, *(list(column) for column in zip(*movements, strict=True)))


_MOVEMENTS = ("UPDATE report_dossiers d SET movement_id = m.movement_id "
              "FROM unnest($1::uuid[], $2::uuid[]) AS m(dossier_id, movement_id) WHERE d.dossier_id = m.dossier_id")


# The type of each column an event sets (the arrays of a multi-row upsert are typed by them).
_TYPES = {
    "dossier_id": "uuid", "version": "int", "state": "text", "unit_code": "text", "award_code": "text",
    "year": "int", "nominee_kind": "text", "nominee_ref": "text", "nominee_name": "text",
    "nominee_masked_id": "text", "late": "boolean", "late_in_state": "text", "late_due": "date",
    "created_on": "date", "submitted_on": "date", "times_returned": "int", "decision_number": "text",
    "decided_on": "date", "signed_by": "text", "central": "boolean", "award_name": "text",
    "award_category": "text", "award_level": "text", "cash_amount": "bigint", "conferred_on": "date",
    "revoked": "boolean", "revoked_on": "date", "revocation_number": "text", "updated_at": "timestamptz",
    "forwarded_on": "date", "submission_number": "text", "at_level": "text",
}


# A new row's columns that the events leave unset: NULL, or the table's default.
_DEFAULTS: Fields = {"late": False, "times_returned": 0, "central": False, "revoked": False}
_INSERT = (f"INSERT INTO report_dossiers ({', '.join(_TYPES)}) "
           f"SELECT * FROM unnest({', '.join(f'${i}::{t}[]' for i, t in enumerate(_TYPES.values(), 1))}) "
           "ON CONFLICT (dossier_id) DO NOTHING RETURNING dossier_id")


def _folded(chain: list[tuple[Fields, bool]]) -> tuple[Any, ...]:
    """The row a dossier's events (each its fields and whether it clears the late flag) leave when
    upserted one after the other (`_upsert`) on no row: the first inserts it, each later one of a
    higher version sets its fields, and clears the late flag unless the row is late in its state."""
    row: Fields = {**dict.fromkeys(_TYPES), **_DEFAULTS, **chain[0][0]}
    for fields, clear_late in chain[1:]:
        if row["version"] < fields["version"]:
            keep = row["late_in_state"] is not None and row["late_in_state"] == fields["state"]
            row.update(fields)
            if clear_late and not keep:
                row.update(late=False, late_in_state=None, late_due=None)
    return tuple(row.values())


@functools.cache
def _upsert(columns: tuple[str, ...], clear_late: bool) -> str:
    """The upsert of rows setting `columns` (one array parameter each, in that order), which
    clears the late flag unless the row's event is the one that sets it."""
    updates = {**{col: f"EXCLUDED.{col}" for col in columns if col != "dossier_id"},
               **(_CLEAR_LATE if clear_late else {})}
    arrays = ", ".join(f"${i}::{_TYPES[col]}[]" for i, col in enumerate(columns, 1))
    return (f"INSERT INTO report_dossiers ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
            f"ON CONFLICT (dossier_id) DO UPDATE SET {', '.join(f'{k} = {v}' for k, v in updates.items())} "
            "WHERE report_dossiers.version < EXCLUDED.version")


def _common(e: Any) -> Fields:
    return {"dossier_id": e.dossier_id, "version": e.dossier_version, "state": e.state, "unit_code": e.unit_code,
            "award_code": e.award_code, "year": e.year, "nominee_kind": e.nominee.kind,
            "nominee_ref": e.nominee.ref, "nominee_name": e.nominee.name,
            "nominee_masked_id": e.nominee.masked_id, "updated_at": e.occurred_at}


def _nothing(e: Any, zone: ZoneInfo) -> Fields:
    return {}


def _decided(e: c.AwardDecided, zone: ZoneInfo) -> Fields:
    return {"decision_number": e.decision_number, "decided_on": e.decided_on, "signed_by": e.signed_by,
            "central": e.central, "award_name": e.award_name, "award_category": e.award_category,
            "award_level": e.award_level, "cash_amount": e.cash_amount}


def _created(e: c.NominationCreated, zone: ZoneInfo) -> Fields:
    return {"created_on": e.occurred_at.astimezone(zone).date(), "at_level": e.unit_code}


EXTRA: dict[type[IntegrationEvent], Callable[[Any, ZoneInfo], Fields]] = {
    c.NominationCreated: _created,
    c.NominationCreatedV2: _created,
    c.NominationCreatedV3: _created,
    c.AwardDecidedV2: _decided,
    c.AwardDecidedV3: _decided,
    c.NominationSubmitted: lambda e, zone: {"submitted_on": e.occurred_at.astimezone(zone).date(),
                                            "at_level": PROVINCE},
    c.NominationReturned: lambda e, zone: {"times_returned": e.times_returned, "at_level": e.unit_code},
    c.NominationSentToParent: lambda e, zone: {"at_level": e.level},
    c.NominationReturnedByParent: lambda e, zone: {"times_returned": e.times_returned, "at_level": e.unit_code},
    c.NominationSentUp: lambda e, zone: {"at_level": e.level},
    c.AwardDecided: _decided,
    c.NominationForwarded: lambda e, zone: {"forwarded_on": e.forwarded_on, "submission_number": e.submission_number},
    c.AwardConferred: lambda e, zone: {"conferred_on": e.conferred_on},
    c.AwardRevoked: lambda e, zone: {"revoked": True, "revoked_on": e.revoked_on,
                                     "revocation_number": e.decision_number},
    c.NominationLate: lambda e, zone: {"late": True, "late_in_state": e.in_state, "late_due": e.due_date},
}
