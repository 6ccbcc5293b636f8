"""The running web service: its own small database (sessions), the local accounts, one HTTP
client per service, and the bus follower that feeds live updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import httpx

from servicekit.runtime import ServiceRuntime
from services.web import live
from services.web.accounts import AccountStore
from services.web.clients.nomination import NominationApi
from services.web.clients.notification import NotificationApi
from services.web.clients.plan import PlanApi
from services.web.clients.reporting import ReportingApi
from services.web.identity import SigningKeyMissingError, mint
from services.web.sessions import Person, Store
from services.web.settings import WebSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Apis:
    """The four services, called as one person."""

    plan: PlanApi
    nomination: NominationApi
    notification: NotificationApi
    reporting: ReportingApi


class WebRuntime(ServiceRuntime):
    pool_size = 5
    settings: WebSettings

    def __init__(self, settings: WebSettings) -> None:
        super().__init__(settings)
        self.hub = live.Hub()
        self.accounts = AccountStore(settings.accounts_file) if settings.accounts_file else None
        self.http: dict[str, httpx.AsyncClient] = {}
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        assert self._store is not None, "web service not started"
        return self._store

    async def start(self) -> None:
        if self.settings.jwt_secret is None:
            raise SigningKeyMissingError()
        self._store = Store(self.pool)
        await self.store.migrate()
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
        for name in ("plan", "nomination", "notification", "reporting"):
            self.http[name] = httpx.AsyncClient(base_url=getattr(self.settings, f"{name}_url"), limits=limits,
                                                timeout=self.settings.api_timeout_s)
        self.spawn("live", self._follow)
        self.spawn("sweep", self._sweep)

    async def close(self) -> None:
        for client in self.http.values():
            await client.aclose()

    def apis(self, person: Person | None) -> Apis:
        token = mint(self.settings, person) if person else None
        return Apis(plan=PlanApi(self.http["plan"], token), nomination=NominationApi(self.http["nomination"], token),
                    notification=NotificationApi(self.http["notification"], token),
                    reporting=ReportingApi(self.http["reporting"], token))

    async def _follow(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                assert self.nats is not None
                await live.follow(self.nats, self.settings.subject_root, self.hub, stop)
            except Exception:
                log.exception("following the bus failed; again in 1 s")
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

    async def _sweep(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                await self.store.sweep(self.now())
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 600)
