"""The dossier list: one row per dossier, kept by a Projection of the nomination event store
(each event applied with its tracking row in one transaction)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from servicekit.views import TableView, default_handled
from services.nomination.dossiers.domainmodel import Dossier
from services.nomination.dossiers.states import PROVINCE
from services.nomination.history.names import fold

TABLES = [
    """CREATE TABLE IF NOT EXISTS dossier_index (
        dossier_id uuid PRIMARY KEY, unit_code text NOT NULL, award_code text NOT NULL, award_name text NOT NULL,
        award_level text NOT NULL, year int NOT NULL, state text NOT NULL, state_since timestamptz NOT NULL,
        nominee_kind text NOT NULL, nominee_name text NOT NULL, nominee_search text NOT NULL,
        submission_id uuid, late_in text, version int NOT NULL)""",
    # the nominee's record (a person's or a collective's history), for a person's data export
    "ALTER TABLE dossier_index ADD COLUMN IF NOT EXISTS nominee_ref uuid",
    "CREATE INDEX IF NOT EXISTS dossier_index_nominee ON dossier_index (nominee_ref)",
    "CREATE INDEX IF NOT EXISTS dossier_index_state ON dossier_index (state, state_since)",
    "CREATE INDEX IF NOT EXISTS dossier_index_unit ON dossier_index (unit_code, year)",
    "CREATE INDEX IF NOT EXISTS dossier_index_submission ON dossier_index (submission_id)",
    # the level holding the dossier (the unit, a parent unit, 'tinh') and the parent units' submissions
    "ALTER TABLE dossier_index ADD COLUMN IF NOT EXISTS level text",
    "ALTER TABLE dossier_index ADD COLUMN IF NOT EXISTS sent_in uuid[] NOT NULL DEFAULT '{}'",
    "CREATE INDEX IF NOT EXISTS dossier_index_level ON dossier_index (level, state)",
]
COLUMNS = ("dossier_id, unit_code, award_code, award_name, award_level, year, state, state_since, nominee_kind, "
           "nominee_name, submission_id, late_in, version, level")


class DossierView(TableView):
    tables = tuple(TABLES)

    def dossiers(self, *, unit: str | None = None, state: str | None = None, award: str | None = None,
                 year: int | None = None, late: bool | None = None, name: str | None = None,
                 submission_id: UUID | None = None, states: list[str] | None = None, level: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        where = ["true"]
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        for column, value in (("unit_code", unit), ("state", state), ("award_code", award), ("year", year),
                              ("level", level)):
            if value is not None:
                where.append(f"{column} = %({column})s")
                params[column] = value
        if submission_id is not None:  # proposed in it, or sent upward in it by a parent unit
            where.append("(submission_id = %(submission_id)s OR %(submission_id)s = ANY(sent_in))")
            params["submission_id"] = submission_id
        if states is not None:
            where.append("state = ANY(%(states)s)")
            params["states"] = states
        if late is not None:
            where.append("(late_in = state)" if late else "(late_in IS DISTINCT FROM state)")
        if name:
            where.append("nominee_search LIKE %(name)s")
            params["name"] = f"%{fold(name)}%"
        sql = (f"SELECT {COLUMNS} FROM dossier_index WHERE {' AND '.join(where)} "
               "ORDER BY state_since, dossier_id LIMIT %(limit)s OFFSET %(offset)s")
        return self.query(sql, params)

    def naming(self, refs: list[UUID]) -> list[dict[str, Any]]:
        """The dossiers whose nominee is one of the records `refs` (a record and those merged into it)."""
        sql = (f"SELECT {COLUMNS}, nominee_ref FROM dossier_index WHERE nominee_ref = ANY(%(refs)s) "
               "ORDER BY year, state_since, dossier_id")
        return self.query(sql, {"refs": refs})

    def award_counts(self, unit: str, year: int) -> dict[str, int]:
        """The unit's dossiers of the year by award, leaving out those not awarded or revoked."""
        sql = ("SELECT award_code, count(*) AS n FROM dossier_index WHERE unit_code = %(u)s AND year = %(y)s "
               "AND state NOT IN ('not_awarded', 'revoked') GROUP BY award_code")
        return {row["award_code"]: row["n"] for row in self.query(sql, {"u": unit, "y": year})}

    def counts(self, *, submission_id: UUID | None = None, unit: str | None = None) -> dict[str, int]:
        sql = ("SELECT state, count(*) AS n FROM dossier_index WHERE (%(s)s::uuid IS NULL OR submission_id = %(s)s "
               "OR %(s)s::uuid = ANY(sent_in)) "
               "AND (%(u)s::text IS NULL OR unit_code = %(u)s) GROUP BY state")
        return {row["state"]: row["n"] for row in self.query(sql, {"s": submission_id, "u": unit})}


class DossierProjection(Projection[DossierView]):
    name = "dossierview"

    @classmethod
    def only_tracked(cls, event_class: type) -> bool:
        """An event the view only tracks (a nominee's record, a submission's): its runner does not
        decode it."""
        return not issubclass(event_class, Dossier.Event) and default_handled(cls, event_class)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if isinstance(domain_event, Dossier.Event) and hasattr(domain_event, "at"):
            self._moved(domain_event, tracking)
        else:
            self.view.insert_tracking(tracking)

    def _moved(self, e: Any, tracking: Tracking) -> None:
        """Any later event: the state may have changed (the events that change it say which)."""
        state = _state_after(e)
        level, sent_in = _level_after(e)
        self.view.write(tracking, "UPDATE dossier_index SET version = %(v)s, "
                        "state = coalesce(%(state)s, state), "
                        "level = CASE WHEN %(level)s::text = '' THEN unit_code ELSE coalesce(%(level)s, level) END, "
                        "sent_in = CASE WHEN %(sent)s::uuid IS NULL THEN sent_in "
                        "ELSE array_append(sent_in, %(sent)s::uuid) END, "
                        "state_since = CASE WHEN %(state)s IS NULL THEN state_since ELSE %(at)s END, "
                        "late_in = CASE WHEN %(late)s::text IS NOT NULL THEN %(late)s "
                        "WHEN %(state)s IS NULL THEN late_in END WHERE dossier_id = %(id)s",
                        {"id": e.originator_id, "v": e.originator_version, "state": state, "at": e.at,
                         "level": level, "sent": sent_in,
                         "late": getattr(e, "in_state", None)})

    @process_event.register
    def _(self, e: Dossier.Created, tracking: Tracking) -> None:
        self.view.write(
            tracking,
            f"INSERT INTO dossier_index ({COLUMNS}, nominee_search, nominee_ref) VALUES (%(id)s, %(unit)s, %(award)s, "
            "%(name)s, %(level)s, %(year)s, 'draft', %(at)s, %(kind)s, %(nominee)s, %(submission)s, NULL, %(v)s, "
            "%(unit)s, %(search)s, %(ref)s) "
            "ON CONFLICT DO NOTHING",
            {"id": e.originator_id, "unit": e.unit_code, "award": e.award_code, "name": e.award["name"],
             "level": e.award["level"], "year": e.year, "at": e.created_at, "kind": e.nominee["kind"],
             "nominee": e.nominee["name"], "submission": e.submission_id, "v": e.originator_version,
             "search": fold(e.nominee["name"]), "ref": e.nominee.get("ref")},
        )


_NEXT_STATE = {"UnitCouncilRecorded": "unit_council_done", "Submitted": "submitted", "Returned": "returned",
               "SentToParent": "at_parent", "ReturnedByParent": "returned",
               "Accepted": "appraising", "ConsultationRequested": "consulting", "ConsultationFinished": "appraising",
               "PutOnHold": "on_hold", "Resumed": "appraising", "NoticeClosed": "council_review",
               "SentForDecision": "awaiting_decision", "Decided": "decided", "Forwarded": "forwarded_central",
               "CentralDecided": "central_decided", "Rejected": "not_awarded", "Conferred": "awarded",
               "Revoked": "revoked"}


def _state_after(e: Any) -> str | None:
    name = type(e).__name__
    if name == "Appraised":
        return str(e.next_state)
    if name == "ForwardedUp":
        return None if e.to_level == PROVINCE else "at_parent"
    if name == "CouncilVoted":
        return "council_passed" if e.passed else "council_failed"
    return _NEXT_STATE.get(name)


def _level_after(e: Any) -> tuple[str | None, UUID | None]:
    """The level holding the dossier after `e` ('' for the unit itself, None: unchanged) and the
    parent unit's submission it was sent upward in."""
    name = type(e).__name__
    if name == "SentToParent":
        return str(e.parent), None
    if name == "ForwardedUp":
        return str(e.to_level), e.submission_id
    if name == "Submitted":
        return PROVINCE, None
    if name in ("Returned", "ReturnedByParent"):
        return "", None
    return None, None
