"""Search over every person and collective: a PostgreSQL table kept by an eventsourcing
Projection (each event applied with its tracking record in one transaction).

The table holds masked data only: the name, its folded form (no diacritics, đ -> d, lower
case) for search, the unit, the year of birth and the masked number. A personal number is
looked up by the record id it determines (`number_id`), never stored.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from servicekit.views import TableView, default_handled
from services.nomination.history.domainmodel import Collective, Person, Record
from services.nomination.history.names import fold
from services.nomination.history.privacy import mask_number

TABLES = [
    """CREATE TABLE IF NOT EXISTS history_records (
        record_id uuid PRIMARY KEY, kind text NOT NULL, name text NOT NULL, name_key text NOT NULL,
        unit_code text NOT NULL, birth_year int, masked_number text, merged_into uuid,
        fact_count int NOT NULL DEFAULT 0, version int NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS history_records_unit ON history_records (kind, unit_code)",
    # Trigram index for "a word starting with …" anywhere in the name; skipped where pg_trgm is missing.
    """DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX IF NOT EXISTS history_records_name ON history_records USING gin (name_key gin_trgm_ops);
    EXCEPTION WHEN OTHERS THEN
        CREATE INDEX IF NOT EXISTS history_records_name_prefix ON history_records (name_key text_pattern_ops);
    END $$""",
]
_COLUMNS = "record_id, kind, name, unit_code, birth_year, masked_number, fact_count"


class HistoryView(TableView):
    tables = tuple(TABLES)

    def search(self, *, words: list[str] | None = None, unit: str | None = None, record_id: UUID | None = None,
               kind: str = "person", limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Records whose name has a word starting with each of `words` (folded), newest facts last."""
        where = ["kind = %(kind)s", "merged_into IS NULL"]
        params: dict[str, Any] = {"kind": kind, "limit": limit, "offset": offset,
                                  "exact": f" {' '.join(words or [])} "}
        for index, word in enumerate(words or []):
            where.append(f"name_key LIKE %(w{index})s")
            params[f"w{index}"] = "% " + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if unit is not None:
            where.append("unit_code = %(unit)s")
            params["unit"] = unit
        if record_id is not None:
            where.append("record_id = %(record_id)s")
            params["record_id"] = record_id
        sql = (f"SELECT {_COLUMNS} FROM history_records WHERE {' AND '.join(where)} "
               "ORDER BY name_key = %(exact)s DESC, name_key, record_id LIMIT %(limit)s OFFSET %(offset)s")
        return self.query(sql, params)


class HistoryProjection(Projection[HistoryView]):
    name = "historyview"
    topics = ()

    @classmethod
    def only_tracked(cls, event_class: type) -> bool:
        """An event the view only tracks (a dossier's, a submission's): its runner does not decode it."""
        return default_handled(cls, event_class)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, e: Person.Registered, tracking: Tracking) -> None:
        self._insert(tracking, e, "person", e.full_name, e.unit_code, e.born_on.year if e.born_on else None,
                     mask_number(e.personal_number))

    @process_event.register
    def _(self, e: Collective.Registered, tracking: Tracking) -> None:
        self._insert(tracking, e, "collective", e.name, e.unit_code, None, None)

    def _insert(self, tracking: Tracking, e: Any, kind: str, name: str, unit: str, year: int | None,
                masked: str | None) -> None:
        self.view.write(tracking, "INSERT INTO history_records (record_id, kind, name, name_key, unit_code, "
                        "birth_year, masked_number, version) VALUES (%(id)s, %(kind)s, %(name)s, %(key)s, "
                        "%(unit)s, %(year)s, %(masked)s, %(version)s) ON CONFLICT (record_id) DO NOTHING",
                        {"id": e.originator_id, "kind": kind, "name": name, "key": f" {fold(name)} ", "unit": unit,
                         "year": year, "masked": masked, "version": e.originator_version})

    @process_event.register
    def _(self, e: Person.DetailsCompleted, tracking: Tracking) -> None:
        self._update(tracking, e, "birth_year = COALESCE(%(year)s, birth_year)",
                     year=e.born_on.year if e.born_on else None)

    @process_event.register
    def _(self, e: Record.FactEvent, tracking: Tracking) -> None:
        self._update(tracking, e, "fact_count = fact_count + %(added)s", added=int(e.replaces is None))

    @process_event.register
    def _(self, e: Record.Absorbed, tracking: Tracking) -> None:
        added = sum(1 for item in e.facts if item["replaces"] is None)
        self._update(tracking, e, "fact_count = fact_count + %(added)s, birth_year = COALESCE(birth_year, %(year)s)",
                     added=added, year=e.details["born_on"].year if e.details.get("born_on") else None)

    @process_event.register
    def _(self, e: Record.MergedInto, tracking: Tracking) -> None:
        self._update(tracking, e, "merged_into = %(into)s", into=e.into)

    def _update(self, tracking: Tracking, e: Any, assignments: str, **params: Any) -> None:
        self.view.write(tracking, f"UPDATE history_records SET {assignments}, version = %(version)s "
                        "WHERE record_id = %(id)s AND version < %(version)s",
                        {"id": e.originator_id, "version": e.originator_version, **params})
