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

import hashlib
import hmac
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresRecorder,
)
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier

GENESIS = b"\x00" * 32
_insert_once = PostgresApplicationRecorder.insert_events.__wrapped__  # the library's, without its retries


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


def binary_events(statement: Composable) -> Composed:
    """The library's insert with its array of events sent in PostgreSQL's binary format (`%b`):
    psycopg's text format escapes every byte of each event's state inside the composite and the
    array (measured alone: 40 µs of CPU an event against 4–5 in binary). The same rows stored."""
    text = statement.as_string()
    if "unnest(%s::" not in text:
        raise RuntimeError("eventsourcing's insert of events changed: look at servicekit.pgstore.binary_events")
    return Composed([SQL(text.replace("unnest(%s::", "unnest(%b::", 1))])  # written out: no identifier to quote


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
        self._last_link = rendered(
            SQL("SELECT link FROM {schema}.{table} ORDER BY notification_id DESC LIMIT 1").format(**chain))
        self._insert_links = rendered(
            SQL("INSERT INTO {schema}.{table} (notification_id, link) VALUES (%s, %s)").format(**chain))
        self._notify = rendered(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))
        self._statement_timeout = rendered(SQL("SET LOCAL statement_timeout = {0}").format(int(self.attempt_s * 1000)))
        render_statements(self)
        self.insert_events_statement = binary_events(self.insert_events_statement)
        self._pending = threading.local()  # the cursor of the last link, per inserting thread
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
                return _insert_once(self, stored_events, **kwargs)
            except (InterfaceError, OperationalError):
                attempt += 1
                pause = 0.05 * attempt
                if time.monotonic() + pause + self.attempt_s > deadline:
                    raise
                time.sleep(pause)

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        curs.execute(self._statement_timeout)
        super()._insert_events(curs, stored_events, **kwargs)

    def _notify_channel(self, curs: Cursor[DictRow]) -> None:
        curs.execute(self._notify)  # the library's statement, written out once

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> None:
        super()._insert_stored_events(curs, stored_events, **kwargs)
        # The chain's last link, read in the same round trip as the insert (after the table lock,
        # in the pipeline): the lock is held for one round trip fewer.
        last = curs.connection.cursor()
        last.execute(self._last_link)
        self._pending.last = last

    def _fetch_ids_after_insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        last, self._pending.last = getattr(self._pending, "last", None), None
        assert last is not None
        with last:
            row = last.fetchone() if ids else None
        if ids:
            previous = bytes(row["link"]) if row else GENESIS
            links = []
            for notification_id, event in zip(ids, stored_events, strict=True):
                previous = link(self.key, previous, notification_id, event)
                links.append((notification_id, previous))
            curs.executemany(self._insert_links, links)
        return ids

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
