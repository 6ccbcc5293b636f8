"""The running notification service: the bus consumer that turns events into deliveries (and
into messages in the units' inbox), and the dispatcher that calls the webhooks."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

import asyncpg

from contracts import IntegrationEvent
from servicekit import bus
from servicekit.consumer import EventConsumer
from servicekit.db import create_schema
from servicekit.runtime import ServiceRuntime
from services.notification import audience, inbox, intake, mail, reconcile, reminders, store
from services.notification.dispatcher import Dispatcher
from services.notification.mailer import Mailer
from services.notification.secrets import SecretBox
from services.notification.settings import NotificationSettings
from services.notification.targets import Resolver, TargetGuard

CONSUMER = "notification-webhooks"
PUBLISHERS = ["plan", "nomination"]


class NotificationRuntime(ServiceRuntime):
    settings: NotificationSettings

    def __init__(self, settings: NotificationSettings, *, resolver: Resolver | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(settings, clock)
        self.shutdown_timeout = settings.dispatch_timeout_s + 5
        self.guard = TargetGuard(settings, resolver)
        self.box = SecretBox(settings)
        self.consumer: EventConsumer | None = None
        self.dispatcher: Dispatcher | None = None

    async def start(self) -> None:
        await store.create_schema(self.pool, self.box)
        await inbox.create_schema(self.pool)
        await create_schema(self.pool, reminders.SCHEMA, mail.SCHEMA, audience.SCHEMA)
        root = self.settings.subject_root
        consumer = self.consumer = EventConsumer(
            name=CONSUMER, js=self.js, pool=self.pool, stream=self.settings.stream_name,
            subject_root=root, handlers={}, subjects=bus.publisher_subjects(root, PUBLISHERS),
            fallback=self._enqueue, max_deliver=self.settings.consumer_max_deliver)
        dispatcher = self.dispatcher = Dispatcher(self.settings, self.pool, self.guard, self.box, self.now)
        self.spawn_consumer(consumer)  # one replica consumes at a time: deliveries keep the bus's order
        self.reconcilers.append(functools.partial(reconcile.webhooks, self.pool))
        self.spawn("dispatcher", dispatcher.run, status=lambda: dispatcher.status.last_error)
        self._observe(dispatcher)
        self.spawn("reminders", self._remind)
        if self.settings.smtp_host:
            self.spawn("mailer", Mailer(self.settings, self.pool, self.now).run)

    def _observe(self, dispatcher: Dispatcher) -> None:
        """`/metrics`: webhook deliveries by outcome on this replica, e-mails by status."""
        self.metrics.observe("tdkt_webhook_deliveries", "Webhook deliveries by outcome (failed: given up)",
                             lambda: [({"outcome": k}, v) for k, v in dispatcher.counts().items()], monotonic=True)

        async def mails() -> None:
            rows = await self.pool.fetch("SELECT status, count(*) AS n FROM mails GROUP BY status")
            for status in ("pending", "sent", "failed"):
                self.set_gauge("mails", {"status": status}, next((r["n"] for r in rows if r["status"] == status), 0))

        self.metrics.refresh(mails)
        self.metrics.observe("tdkt_mails", "E-mails by status (failed: given up)", self.gauge_reader("mails"))

    async def _remind(self, stop: asyncio.Event) -> None:
        await reminders.run(self.pool, self.now, self.settings.reminder_interval_s, self._written, stop)

    async def _enqueue(self, conn: asyncpg.Connection, event: IntegrationEvent) -> None:
        """Webhook deliveries, the units' inbox messages (and their e-mails), the reminders the
        event plans and what the service remembers of it, in the consumer's one transaction."""
        heard = await audience.of(conn, event)  # a round trip only for movement and cluster events
        parts = [store.deliveries(event, self.settings.subject_root), inbox.messages(event, heard)]
        planned = reminders.schedule(event, self.zone, task_days=self.settings.task_reminder_days,
                                     movement_days=self.settings.movement_reminder_days,
                                     dossier_days=self.settings.dossier_reminder_days)
        remembered = audience.record(event)
        row = await intake.write(conn, [*parts, *(part for part in (planned, remembered) if part)])
        await self._written(conn, list(row[1]))

    async def _written(self, conn: asyncpg.Connection, message_ids: list[int]) -> None:
        """New inbox messages: their e-mails are queued in the same transaction."""
        if self.settings.smtp_host:
            await mail.queue_messages(conn, message_ids, self.settings.mail_link_base)

    async def close(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.aclose()
