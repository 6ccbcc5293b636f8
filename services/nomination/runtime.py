"""The running nomination service: its Application, the award catalogue in force, the views,
the dossier use cases, the outbox relay, the time-limit timer and the movements it follows."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from servicekit.consumer import EventConsumer
from servicekit.db import create_schema
from servicekit.eventstore import postgres_env
from servicekit.outbox import OutboxRelay
from servicekit.runtime import ServiceRuntime
from servicekit.views import ViewRunner
from services.nomination import movements, wiring
from services.nomination.application import Nominations
from services.nomination.catalogue.service import open_catalogue
from services.nomination.documents import check_upload
from services.nomination.dossiers.messaging import publishes, translator
from services.nomination.dossiers.states import TIMED
from services.nomination.dossiers.views import DossierProjection, DossierView
from services.nomination.eligibility.application import EligibilityChecks
from services.nomination.history.audit import ReadAudit
from services.nomination.history.identity import use_record_key
from services.nomination.history.views import HistoryProjection, HistoryView
from services.nomination.papers import wiring as papers
from services.nomination.settings import NominationSettings

log = logging.getLogger(__name__)
TIMED_STATES = sorted(s.value for s in TIMED)


class NominationRuntime(ServiceRuntime):
    pool_size = 4
    settings: NominationSettings

    def __init__(self, settings: NominationSettings, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(settings, clock)
        self._app: Nominations | None = None
        self._dossiers: ViewRunner[DossierView] | None = None
        self._people: ViewRunner[HistoryView] | None = None
        self.relay: OutboxRelay | None = None

    @property
    def app(self) -> Nominations:
        assert self._app is not None, "nomination service not started"
        return self._app

    @property
    def dossier_view(self) -> DossierView:
        """The dossier list (dossiers/views.py)."""
        assert self._dossiers is not None, "nomination service not started"
        return self._dossiers.view

    @property
    def history_view(self) -> HistoryView:
        """The people and collectives searched by name (history/views.py)."""
        assert self._people is not None, "nomination service not started"
        return self._people.view

    @property
    def views(self) -> list[ViewRunner[Any]]:
        return [runner for runner in (self._people, self._dossiers) if runner is not None]

    async def start(self) -> None:
        assert self.settings.record_key is not None  # required by the settings
        use_record_key(self.settings.record_key.get_secret_value())
        if self.settings.cipher_keys is None:
            log.warning("TDKT_NOMINATION_CIPHER_KEYS is not set: personal numbers and dates of birth are stored "
                        "unencrypted in the event store")
        env = postgres_env(self.settings)
        self._app = await self.open_store(Nominations, env)
        self.catalogue = await open_catalogue(self)  # the award catalogue in force (catalogue/service.py)
        self.movements = await self._follow_movements()
        built = await asyncio.to_thread(wiring.build, self.app, self.catalogue, self.settings, self.clock,
                                        lambda unit, year: self.dossier_view.award_counts(unit, year),
                                        self.movements)
        self.drafting, self.review, self.council, self.bulk = built.drafting, built.review, built.council, built.bulk
        self.levels, self.hierarchy = built.levels, built.hierarchy  # the parent units
        self.store, self.calendar, self.eligibility = built.store, built.calendar, built.eligibility
        self.records = built.history.history  # the history's use cases
        self.checks = EligibilityChecks(built.eligibility.loader, built.history.history.nominee_facts, self.today)
        verdicts = self.metrics.counter("tdkt_eligibility_verdicts", "Eligibility evaluations by award and outcome")
        self.eligibility.counted = lambda award, outcome: verdicts.add(1, {"award": award, "outcome": outcome})
        self._people = ViewRunner(Nominations, HistoryProjection, HistoryView, env)
        self._dossiers = ViewRunner(Nominations, DossierProjection, DossierView, env)
        await self.spawn_views(self.views)  # the projections run on the elected replica
        self.audit = ReadAudit(self.pool)  # every read of a person's record (history/audit.py)
        self.papers = papers.build(self.app, self.review.catalogue, self.store, self.settings)
        relay = self.relay = OutboxRelay(app=self.app, translate=papers.translator(
                                             self.app, translator(self.app, self.review.step_due)),
                                         js=self.js, dsn=self.settings.dsn_for(), service=self.settings.service,
                                         subject_root=self.settings.subject_root,
                                         skip=papers.unpublished(publishes))
        self.spawn_relay(relay)
        self.spawn("lateness", self._lateness_loop)

    async def _follow_movements(self) -> movements.KnownMovements:
        """The movements the plan launched, kept from its events by a consumer of the service's own."""
        await create_schema(self.pool, movements.SCHEMA)
        self.spawn_consumer(EventConsumer(
            name=movements.CONSUMER, js=self.js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=self.settings.subject_root, handlers=movements.HANDLERS,
            max_deliver=self.settings.consumer_max_deliver))
        return movements.KnownMovements(self.pool, asyncio.get_running_loop())

    async def close(self) -> None:
        for runner in self.views:
            await runner.close()
        if self._app is not None:
            await asyncio.to_thread(self._app.close)

    async def wait_for_views(self) -> None:
        """Let a command's caller read its own writes (best effort)."""
        last = await self.call(self.app.recorder.max_notification_id)
        for runner in self.views:
            await runner.wait(last)

    def check_upload(self, data: bytes, filename: str, declared: str | None) -> str:
        return check_upload(data, filename, declared, self.settings.document_max_bytes)

    def public_notice(self, dossier_id: UUID) -> dict[str, Any]:
        return wiring.public_notice(self.review, dossier_id)

    async def check_lateness(self, today: date | None = None) -> int:
        """Mark late every dossier whose current step (or parent unit's review) passed its time limit."""
        today = today or self.today()
        rows = await self.call(self.dossier_view.dossiers, states=TIMED_STATES, late=False, limit=1_000_000)
        limits, calendar = self.review.limits, self.calendar
        due = [r["dossier_id"] for r in rows
               if (d := limits.due(r["state"], calendar.day_of(r["state_since"]), calendar)) and today > d]
        marked = 0
        for dossier_id in due:
            marked += await self.call(self.review.mark_late, dossier_id, today, self.now())
        if marked:
            log.info("marked %d dossiers late", marked)
        return marked

    async def _lateness_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_lateness()
            except Exception:
                log.exception("time-limit check failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.lateness_check_interval_s)
