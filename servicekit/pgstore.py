"""eventsourcing's PostgreSQL persistence, as every service with an event store uses it
(`PERSISTENCE_MODULE=servicekit.pgstore`):

- **A hash chain over the stored events.** Each event's link is an HMAC (key from settings,
  never in the database) of the previous link and the event's stored bytes with its position,
  written in the transaction that stores the event, under the table lock that orders them. Who
  edits, deletes or reorders a stored event without the key cannot make the chain agree again;
  `verify` names the first event that differs.
- **A time budget per command.** The library retries a failed insert ten times, each waiting up
  to its lock and pool timeouts: a command could then commit long after its caller gave up. Here
  a command's insert retries only while its budget lasts, each attempt bounded by statement and
  lock timeouts, so it commits within the budget or fails (HTTP 503, Retry-After).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import struct
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresRecorder,
)
from eventsourcing.utils import retry
from psycopg import Connection
from psycopg.sql import SQL, Composable, Identifier, Literal

GENESIS = b"\x00" * 32
_insert_once = PostgresApplicationRecorder.insert_events.__wrapped__  # the library's, without its retries
BEGIN, COMMIT = SQL("BEGIN"), SQL("COMMIT")


def _roll_back(conn: Connection[Any]) -> None:
    """End a failed attempt's transaction, so the connection goes back to the pool idle (a
    connection that is broken is discarded by the pool)."""
    with contextlib.suppress(psycopg.Error):
        conn.rollback()


def rendered(statement: Composable) -> SQL:
    """A composed statement written out once: psycopg otherwise quotes its identifiers again at
    every execution (about a tenth of a command's database CPU). Same text, same parameters."""
    return SQL(statement.as_string())


def render_statements(recorder: PostgresRecorder) -> None:
    """The library's statements of `recorder` written out once (see `rendered`)."""
    for name in ("insert_events_statement", "select_events_statement", "max_notification_id_statement",
                 "insert_tracking_statement", "max_tracking_id_statement"):
        statement = getattr(recorder, name, None)
        if isinstance(statement, Composable):
            setattr(recorder, name, rendered(statement))
    if isinstance(recorder, PostgresApplicationRecorder):
        recorder.lock_table_statements = [rendered(s) if isinstance(s, Composable) else s
                                          for s in recorder.lock_table_statements]


def link(key: bytes, previous: bytes, notification_id: int, event: StoredEvent) -> bytes:
    """The chain link of one stored event: its position, identity, version, topic and state."""
    topic = event.topic.encode()
    originator = event.originator_id if isinstance(event.originator_id, UUID) else UUID(str(event.originator_id))
    content = b"".join([previous, struct.pack(">qQ", notification_id, event.originator_version),
                        originator.bytes, struct.pack(">I", len(topic)), topic, event.state])
    return hmac.new(key, content, hashlib.sha256).digest()


class ChainedRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str, key: bytes,
                 budget_s: float) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.key = key
        self.budget_s = budget_s
        self.chain_table = f"{events_table_name}_chain"
        chain = {"schema": Identifier(datastore.schema), "table": Identifier(self.chain_table)}
        self._insert_links = rendered(SQL(
            "INSERT INTO {schema}.{table} (notification_id, link) SELECT * FROM unnest(%s::bigint[], %s::bytea[])"
        ).format(**chain))
        # SET LOCAL of both, as one statement
        self._timeouts = rendered(SQL("SELECT set_config('statement_timeout', {0}, true), "
                                      "set_config('lock_timeout', {1}, true)").format(
            Literal(str(int(self.attempt_s * 1000))), Literal(f"{datastore.lock_timeout}s")))
        self._lock = rendered(SQL("LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE").format(
            schema=Identifier(datastore.schema), table=Identifier(events_table_name)))
        # The library's insert and NOTIFY (pg_notify: delivered at commit, as NOTIFY), with the
        # chain's last link read in the same statement, i.e. after the table lock. The events'
        # states go in PostgreSQL's binary format (`%b`), not as text (each byte written out in hex
        # by psycopg and parsed back by the server).
        self._insert_notify_last = rendered(SQL(
            "WITH inserted AS ("
            "INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::{id_type}[], %s::bigint[], %s::text[], %b::bytea[]) "
            "RETURNING notification_id), "
            "notified AS (SELECT pg_notify({channel}, '')) "
            "SELECT notification_id, (SELECT link FROM {schema}.{table} ORDER BY notification_id DESC LIMIT 1) "
            "AS previous FROM inserted CROSS JOIN notified ORDER BY notification_id"
        ).format(events=Identifier(events_table_name), id_type=Identifier(datastore.originator_id_type),
                 channel=Literal(self.channel_name), **chain))
        render_statements(self)
        self._selects: dict[tuple[bool, bool, bool, bool], SQL] = {}
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{table} (notification_id bigint PRIMARY KEY, link bytea NOT NULL)"
        ).format(schema=Identifier(datastore.schema), table=Identifier(self.chain_table)))

    @property
    def attempt_s(self) -> float:
        """The longest one attempt may take: waiting for a connection, then its statements."""
        return self.budget_s * 0.5

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        deadline = time.monotonic() + self.budget_s
        attempt = 0
        while True:
            try:
                return self._insert_once(stored_events, **kwargs)
            except (InterfaceError, OperationalError):
                attempt += 1
                pause = 0.05 * attempt
                if time.monotonic() + pause + self.attempt_s > deadline:
                    raise
                time.sleep(pause)

    def _insert_once(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """One attempt, in one transaction and two round trips: the timeouts, the table lock, the
        insert with its `NOTIFY`, then the chain's links and the commit.

        The library's insert opens its transaction inside the pipeline (`conn.transaction()`),
        which makes psycopg sync the pipeline twice on entering it and again on leaving it (a
        round trip each), and sends seven statements before its sync and one per link after it.
        Here `BEGIN` and `COMMIT` are statements of the pipeline, the two timeouts are one
        statement, and the `NOTIFY`, the insert and the read of the chain's last link (after the
        lock, so no other insert can come between) are one. A failed attempt is rolled back."""
        if not stored_events:
            return _insert_once(self, stored_events, **kwargs)  # nothing stored: the library's
        columns = ([e.originator_id for e in stored_events], [e.originator_version for e in stored_events],
                   [e.topic for e in stored_events], [e.state for e in stored_events])
        failure: Exception | None = None
        ids: list[int] = []
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.cursor() as curs:
                    curs.execute(BEGIN)
                    curs.execute(self._timeouts)
                    curs.execute(self._lock)
                    try:
                        curs.execute(self._insert_notify_last, columns)
                        # Sync now, so a conflicting version raises here (IntegrityError), as the library's.
                        pipeline.sync()
                        rows = curs.fetchall()
                        if len(rows) != len(stored_events):
                            raise ProgrammingError(f"Couldn't get all notification IDs (got {len(rows)}, "
                                                   f"expected {len(stored_events)})")
                        previous = bytes(rows[0]["previous"]) if rows[0]["previous"] is not None else GENESIS
                        links: list[bytes] = []
                        for row, event in zip(rows, stored_events, strict=True):
                            previous = link(self.key, previous, row["notification_id"], event)
                            ids.append(row["notification_id"])
                            links.append(previous)
                        curs.execute(self._insert_links, (ids, links))
                        curs.execute(COMMIT)
                    except Exception as error:  # raised once the pipeline has ended (psycopg warns otherwise)
                        failure = error
                if failure is not None:
                    raise failure
            except BaseException:
                _roll_back(conn)
                raise
        return ids

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def select_events(self, originator_id: UUID | str, *, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> Sequence[StoredEvent]:
        """The library's read of an aggregate's events, its statement written out once per shape
        (the library composes it again at every call: a cached aggregate's fast-forward is one
        such read per `repository.get`). Same text, same parameters."""
        shape = (gt is not None, lte is not None, desc, limit is not None)
        statement = self._selects.get(shape)
        if statement is None:
            text = self.select_events_statement.as_string()
            text += " AND originator_version > %s" if shape[0] else ""
            text += " AND originator_version <= %s" if shape[1] else ""
            text += " ORDER BY originator_version" + (" DESC" if desc else " ASC")
            text += " LIMIT %s" if shape[3] else ""
            statement = self._selects[shape] = SQL(text)
        params = [originator_id, *(p for p in (gt, lte, limit) if p is not None)]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return [StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                                topic=row["topic"], state=bytes(row["state"])) for row in curs.fetchall()]

    def backfill(self) -> int:
        """Chain the events stored before the chain existed (once, when the chain is empty)."""
        names = {"schema": Identifier(self.datastore.schema), "events": Identifier(self.events_table_name),
                 "chain": Identifier(self.chain_table)}
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("SELECT EXISTS (SELECT 1 FROM {schema}.{chain}) AS chained, "
                             "EXISTS (SELECT 1 FROM {schema}.{events}) AS stored").format(**names))
            state = curs.fetchone()
            if state is None or state["chained"] or not state["stored"]:
                return 0
            curs.execute(SQL("LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE").format(**names))
            curs.execute(SQL("SELECT EXISTS (SELECT 1 FROM {schema}.{chain}) AS chained").format(**names))
            if (row := curs.fetchone()) is not None and row["chained"]:
                return 0
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state "
                             "FROM {schema}.{events} ORDER BY notification_id").format(**names))
            previous, links = GENESIS, []
            for row in curs.fetchall():
                event = StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                                    topic=row["topic"], state=bytes(row["state"]))
                previous = link(self.key, previous, row["notification_id"], event)
                links.append((row["notification_id"], previous))
            curs.executemany(SQL("INSERT INTO {schema}.{chain} (notification_id, link) VALUES (%s, %s)").format(
                **names), links)
        return len(links)

    def verify(self, batch: int = 1000) -> ChainReport:
        """Recompute the chain from the first event: the first event whose link differs, or none."""
        previous, checked = GENESIS, 0
        for notification_id, event, stored_link in self._chained(batch):
            expected = link(self.key, previous, notification_id, event)
            if stored_link is None:
                return ChainReport(checked, notification_id, "sự kiện không có mắt xích (bị chèn thêm?)")
            if not hmac.compare_digest(expected, stored_link):
                return ChainReport(checked, notification_id, "nội dung hoặc thứ tự sự kiện đã bị thay đổi")
            previous, checked = stored_link, checked + 1
        orphan = self._first_orphan_link()
        if orphan is not None:
            return ChainReport(checked, orphan, "mắt xích không còn sự kiện (sự kiện bị xóa)")
        return ChainReport(checked, None, None)

    def _chained(self, batch: int) -> Iterator[tuple[int, StoredEvent, bytes | None]]:
        after = 0
        statement = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, c.link "
            "FROM {schema}.{events} e LEFT JOIN {schema}.{chain} c USING (notification_id) "
            "WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s"
        ).format(schema=Identifier(self.datastore.schema), events=Identifier(self.events_table_name),
                 chain=Identifier(self.chain_table))
        while True:
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(statement, (after, batch))
                rows = curs.fetchall()
            for row in rows:
                event = StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                                    topic=row["topic"], state=bytes(row["state"]))
                yield row["notification_id"], event, bytes(row["link"]) if row["link"] is not None else None
            if len(rows) < batch:
                return
            after = rows[-1]["notification_id"]

    def _first_orphan_link(self) -> int | None:
        statement = SQL(
            "SELECT min(c.notification_id) AS id FROM {schema}.{chain} c "
            "LEFT JOIN {schema}.{events} e USING (notification_id) WHERE e.notification_id IS NULL"
        ).format(schema=Identifier(self.datastore.schema), events=Identifier(self.events_table_name),
                 chain=Identifier(self.chain_table))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement)
            row = curs.fetchone()
        return row["id"] if row else None


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_difference: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_difference is None


class Factory(PostgresFactory):
    """The library's PostgreSQL factory, recording application events through `ChainedRecorder`."""

    AUDIT_KEY = "AUDIT_KEY"
    COMMAND_BUDGET_S = "COMMAND_BUDGET_S"

    def application_recorder(self) -> ApplicationRecorder:
        key = self.env.get(self.AUDIT_KEY)
        if not key:
            raise OSError("AUDIT_KEY (TDKT_AUDIT_KEY) is not set: the hash chain of the events needs it")
        prefix = self.env.name.lower() or "stored"
        recorder = ChainedRecorder(self.datastore, events_table_name=f"{prefix}_events", key=key.encode(),
                                   budget_s=float(self.env.get(self.COMMAND_BUDGET_S) or "10"))
        if self.env_create_table() and self._may_create(recorder.events_table_name):
            recorder.create_table()
        recorder.backfill()
        return recorder

    def _may_create(self, table: str) -> bool:
        """Whether to create the event tables: not when the migration step made them for another
        role (the service's own role may only insert there), else yes (a development set-up)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT tableowner = current_user AS mine FROM pg_tables "
                         "WHERE schemaname = %s AND tablename = %s", (self.datastore.schema, table))
            row = curs.fetchone()
        return row is None or bool(row["mine"])
