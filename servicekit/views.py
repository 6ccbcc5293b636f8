"""A service's own materialised view: an eventsourcing Projection over the service's event
store, run in a thread, restarted when it stops on a database outage, with a read-your-writes
wait. An event the view cannot apply (a value PostgreSQL refuses, an event of an unknown
version) becomes a dead letter with its reason, and the view goes on with the next one."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import asyncpg
import psycopg
import psycopg_pool
from eventsourcing.application import Application
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    InterfaceError,
    Notification,
    OperationalError,
    Tracking,
    WaitInterruptedError,
)
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import ApplicationSubscription, Projection, ProjectionRunner
from psycopg.sql import SQL, Composed

from servicekit.deadletters import RECORD_NAMED
from servicekit.eventstore import by_topic
from servicekit.pgstore import render_statements

log = logging.getLogger(__name__)
V = TypeVar("V", bound=PostgresTrackingRecorder)


class TableView(PostgresTrackingRecorder):
    """A view's own tables beside its tracking table: `tables` are created with it, `write`
    applies one event and records its tracking in one transaction, `query` reads."""

    tables: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(statement)]) for statement in self.tables)
        render_statements(self)  # the tracking insert of every event, written out once
        self._batch = threading.local()  # the transaction of the events applied together, per thread

    _replaying = threading.local()

    def write(self, tracking: Tracking, sql: str, params: dict[str, Any]) -> None:
        batch = getattr(self._batch, "cursor", None)
        if batch is not None:  # in the transaction of `together`, which records the tracking (`_track_in_run`)
            batch.execute(sql, params)
            self._track_in_run(tracking)
            return
        with self.datastore.transaction(commit=True) as curs:
            # Without waiting for the WAL flush: a view is made again from the event store, and its
            # rows and tracking commit together, so a database crash loses both of the last few
            # writes, which the projection then applies again (one fsync fewer per event).
            curs.execute("SET LOCAL synchronous_commit = off")
            curs.execute(sql, params)
            self._insert_tracking(curs, tracking)

    def insert_tracking(self, tracking: Tracking) -> None:
        """Track an event no table shows (in the transaction of `together`, when one is open)."""
        if getattr(self._batch, "cursor", None) is not None:
            self._track_in_run(tracking)
            return
        super().insert_tracking(tracking)

    def _track_in_run(self, tracking: Tracking) -> None:
        """Inside `together`: the run's first tracking is written at once — the tracking row then
        stays locked until the commit, and an event that another replica already applied fails
        here, as it does one by one (the overlap of a leader hand-over), instead of being applied
        again under the run's last tracking — and the last one when the run ends."""
        if self._batch.first:
            self._batch.first = False
            self._insert_tracking(self._batch.cursor, tracking)
        else:
            self._batch.tracking = tracking

    def _insert_tracking(self, curs: Any, tracking: Tracking) -> None:
        if not getattr(self._replaying, "active", False):  # a replay's tracking came with its dead letter
            super()._insert_tracking(curs, tracking)

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Apply the events of the block in one transaction: the writes of each, the tracking of
        the first event and then of the last (`_track_in_run`), as one commit (the same rows and
        tracking as one transaction per event; an error rolls all of them back). `query` inside
        the block sees its writes."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SET LOCAL synchronous_commit = off")  # as `write`
            self._batch.cursor, self._batch.tracking, self._batch.first = curs, None, True
            try:
                yield
                if self._batch.tracking is not None:
                    self._insert_tracking(curs, self._batch.tracking)
            finally:
                self._batch.cursor = self._batch.tracking = None

    @contextlib.contextmanager
    def replaying(self) -> Iterator[None]:
        self._replaying.active = True
        try:
            yield
        finally:
            self._replaying.active = False

    def dead_letter(self, view: str, tracking: Tracking, notification: Notification, reason: str) -> None:
        """Record an event the view cannot apply, with its tracking, so that the view moves on."""
        params = {"source": view, "position": tracking.notification_id, "subject": notification.topic,
                  "event_id": str(notification.originator_id), "reason": reason[:4000], "attempts": 1,
                  "payload": None, "headers": json.dumps({"originator_version": notification.originator_version})}
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(RECORD_NAMED, params)
            self._insert_tracking(curs, tracking)

    def query(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        batch = getattr(self._batch, "cursor", None)
        if batch is not None:  # a projection reading what the events before it in `together` wrote
            batch.execute(sql, params)
            return [dict(row) for row in batch.fetchall()]
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(sql, params)
            return [dict(row) for row in curs.fetchall()]


# A database that does not answer: the view stops and its supervisor restarts it later.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError,
             psycopg_pool.PoolTimeout)


class _Runner(ProjectionRunner[Any, V]):
    """eventsourcing's runner, with the events the subscription has read applied together, in one
    transaction (up to `BATCH`), and when that fails, each on its own: an event that fails for a
    reason other than the database being away is recorded as a dead letter, and the next one
    follows. (Overrides the library's loop, `BaseProjectionRunner._process_events_loop`,
    eventsourcing 9.5.6; `tests/integration/test_dead_letters.py` catches a change.)"""

    @staticmethod
    def _process_events_loop(subscription: ApplicationSubscription[Any], projection: Any,
                             is_stopping: threading.Event, runner: weakref.ReferenceType[Any]) -> None:
        try:
            for notification in subscription.subscription:
                run = [notification, *_already_read(subscription.subscription, BATCH - 1)]
                if len(run) > 1 and _applied_together(subscription, projection, run):
                    continue
                for each in run:  # one by one: alone, or a run that failed together
                    _apply_one(subscription, projection, each)
        except BaseException as error:
            if (current := runner()) is not None:
                current._thread_error = error
        finally:
            is_stopping.set()

    def nudge(self) -> None:
        """Look for new events without waiting for a notification. The library starts listening on
        a thread of its own after its first read of the event store, so an event stored in between
        (or while that connection reconnects) would otherwise wait for the next notification."""
        inner = getattr(getattr(self, "_subscription", None), "subscription", None)
        notified = getattr(inner, "_has_been_notified", None)
        if isinstance(notified, threading.Event):
            notified.set()


BATCH = 100  # events of the subscription's current read applied in one transaction, at most


def _already_read(inner: Any, most: int) -> list[Notification]:
    """The notifications the subscription has read from the store and not handed out yet (up to
    `most`), taken from it: what is there now, without waiting. (Reads eventsourcing 9.5.6's
    `ListenNotifySubscription` page; another subscription gives none, and events go one by one.)"""
    page, index = getattr(inner, "_notifications", None), getattr(inner, "_notifications_index", None)
    if not isinstance(index, int) or not isinstance(page, Sequence) or getattr(inner, "_has_been_stopped", True):
        return []
    taken = list(page[index:index + most])
    inner._notifications_index = index + len(taken)
    return taken


def _applied_together(subscription: ApplicationSubscription[Any], projection: Any,
                      run: list[Notification]) -> bool:
    """Apply a run of events in one transaction (`TableView.together`); False, with nothing
    applied, when any of them fails for a reason other than the database being away."""
    view = projection.view
    if not isinstance(view, TableView):
        return False
    try:
        with view.together():
            for notification in run:
                _process(subscription, projection, notification, Tracking(subscription.name, notification.id))
    except TRANSIENT:
        raise
    except Exception:
        return False
    return True


def _apply_one(subscription: ApplicationSubscription[Any], projection: Any, notification: Notification) -> None:
    tracking = Tracking(subscription.name, notification.id)
    try:
        _process(subscription, projection, notification, tracking)
    except TRANSIENT:
        raise
    except Exception as error:
        if _applied_elsewhere(error, projection.view, tracking):
            return  # by the replica that led before this one (a short overlap on hand-over)
        log.error("view %s: event %d dead-lettered: %s", projection.name, notification.id, error)
        projection.view.dead_letter(projection.name, tracking, notification, f"{type(error).__name__}: {error}")


def _process(subscription: ApplicationSubscription[Any], projection: Any, notification: Notification,
             tracking: Tracking) -> None:
    """One event through the projection; an event of a class it only tracks (its `only_tracked`)
    is not decoded: its tracking is recorded as `process_event`'s default would."""
    passes = _passes_by(type(projection))
    if passes is not None and passes(notification.topic):
        projection.view.insert_tracking(tracking)
        return
    projection.process_event(subscription.mapper.to_domain_event(notification), tracking)


_PASSED: dict[type, Callable[[str], bool] | None] = {}  # projection class → its rule by topic


def _passes_by(projection_class: type) -> Callable[[str], bool] | None:
    if projection_class not in _PASSED:
        rule = getattr(projection_class, "only_tracked", None)
        _PASSED[projection_class] = by_topic(rule) if rule is not None else None
    return _PASSED[projection_class]


def default_handled(projection_class: type, event_class: type) -> bool:
    """Whether the projection's `process_event` (a `singledispatchmethod`) gives an event of
    `event_class` to its default handler, registered for no class of it."""
    _ = projection_class.process_event  # type: ignore[attr-defined]  # settles the registrations deferred till first use
    dispatcher = inspect.getattr_static(projection_class, "process_event").dispatcher
    return bool(dispatcher.dispatch(event_class) is dispatcher.dispatch(object))


def _applied_elsewhere(error: Exception, view: PostgresTrackingRecorder, tracking: Tracking) -> bool:
    return isinstance(error, IntegrityError | psycopg.IntegrityError) and view.has_tracking_id(
        tracking.application_name, tracking.notification_id)


W = TypeVar("W", bound=TableView)


class ViewRunner(Generic[W]):
    """One view of a service. Every replica opens its reader (`open_reader`: the view's tables,
    for queries and read-your-writes waits); only the elected replica runs the projection
    (`open`/`supervise`/`stop_projection`, see `ServiceRuntime.spawn_views`)."""

    def __init__(self, application_class: type[Application[Any]], projection_class: type[Projection[W]],
                 view_class: type[W], env: dict[str, str]) -> None:
        self.application_class = application_class
        self.projection_class = projection_class
        self.view_class = view_class
        # Pre-ping: after a database fail-over or a cut connection, a query takes a live
        # connection instead of answering 503 once per dead one in the pool.
        self.env = {**env, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "4", "POSTGRES_PRE_PING": "y"}
        self._runner: ProjectionRunner[Any, W] | None = None
        self._reader: W | None = None
        self._replayer: tuple[Application[Any], Projection[W]] | None = None
        # The tables exist by then (the service's start-up and `open_reader`, one replica at a
        # time): a projection starting on one replica must not re-create them while another starts.
        self._existing_tables_env = {**self.env, "CREATE_TABLE": "no"}

    @property
    def name(self) -> str:
        return self.projection_class.name

    @property
    def app_name(self) -> str:
        return self.application_class.name

    @property
    def view(self) -> W:
        if self._runner is not None:
            return self._runner.view
        assert self._reader is not None, f"view {self.name} not started"
        return self._reader

    @property
    def is_running(self) -> bool:
        """Whether this replica runs the projection."""
        return self._runner is not None

    def problem(self) -> str | None:
        runner = self._runner
        if runner is None:
            return None if self._reader is not None else "projection stopped"
        return "projection stopped" if runner.is_interrupted.is_set() else None

    async def open_reader(self) -> None:
        """The view's tables for reading, without running its projection."""
        self._reader = await asyncio.to_thread(self._construct_view)

    def _construct_view(self) -> W:
        env = ProjectionRunner._construct_env(name=self.projection_class.name, env=self.env)
        return InfrastructureFactory[W].construct(env=env).tracking_recorder(self.view_class)

    async def open(self) -> None:
        """Run the projection on this replica."""
        self._runner = await asyncio.to_thread(self._start)

    def _start(self) -> ProjectionRunner[Any, W]:
        runner = _Runner(application_class=self.application_class, projection_class=self.projection_class,
                         view_class=self.view_class, env=self._existing_tables_env)
        runner.__enter__()
        return runner

    async def stop_projection(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(runner.__exit__, None, None, None)

    async def close(self) -> None:
        await self.stop_projection()
        replayer, self._replayer = self._replayer, None
        if replayer is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(replayer[0].close)
        reader, self._reader = self._reader, None
        if reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(reader.datastore.close)

    async def supervise(self, stop: asyncio.Event) -> None:
        """Restart the projection when its thread stopped on an error (e.g. a database restart)."""
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            if isinstance(self._runner, _Runner):
                self._runner.nudge()  # once a second, as well as on every notification
            if self._runner is not None and self._runner.is_interrupted.is_set() and not stop.is_set():
                log.error("view %s stopped; restarting", self.name)
                await self.stop_projection()
                with contextlib.suppress(Exception):
                    await self.open()

    async def lead(self, stop: asyncio.Event) -> None:
        """Run and supervise the projection until `stop` (this replica was elected)."""
        try:
            await self.open()
            await self.supervise(stop)
        finally:
            await self.stop_projection()

    async def replay(self, row: asyncpg.Record) -> None:
        """Apply a dead-lettered event again (`servicekit.deadletters`); raises when it still fails."""
        await asyncio.to_thread(self._replay, int(row["position"]))

    def _replay(self, notification_id: int) -> None:
        if self._runner is not None:
            app, projection = self._runner.app, self._runner.projection
        else:  # a follower replays with its own reader of the event store
            if self._replayer is None:
                app = self.application_class(self._existing_tables_env)
                self._replayer = app, self.projection_class(view=self.view)
            app, projection = self._replayer
        notifications = app.recorder.select_notifications(start=notification_id, limit=1)
        if not notifications or notifications[0].id != notification_id:
            raise LookupError(f"sự kiện {notification_id} không còn trong kho sự kiện")
        event = app.mapper.to_domain_event(notifications[0])
        with self.view.replaying():
            projection.process_event(event, Tracking(self.app_name, notification_id))

    async def wait(self, notification_id: int | None, timeout: float = 5.0) -> None:
        """Until the view has applied `notification_id` (best effort: returns on timeout), whichever
        replica runs the projection."""
        if notification_id is None:
            return
        runner = self._runner
        with contextlib.suppress(TimeoutError, WaitInterruptedError):
            if runner is not None:
                await asyncio.to_thread(runner.wait, notification_id, timeout)
            elif self._reader is not None:
                await asyncio.to_thread(self._reader.wait, self.app_name, notification_id, timeout)
