"""What every fault test shares: two replicas of each of the five services as processes, a
steady load through both replicas of the plan and nomination services (plans; dossiers a unit
clerk opens, completes and submits; spreadsheets of nominees), a webhook receiver subscribed to
plans issued and dossiers opened and submitted, the seeded chance that picks when a fault
strikes and whom, and the reconciliation that ends each run (lost 0, duplicated 0)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import openpyxl

from bench.bulk import nominee_name
from bench.services_path import Service, dsn_for, wait_ready
from contracts.nomination import NominationCreated, NominationSubmitted
from contracts.plan import PlanIssued
from services.nomination.dossiers.bulk import COLUMNS
from tdkt.embedded import EmbeddedNats, free_ports
from tests.integration.webhook_receivers import INTEGRATOR, Receiver, Start
from tests.support import Namespace, auth, eventually, read_stream

T = TypeVar("T")
PLANNER, ADMIN = auth("planner"), auth("admin")
CLERK = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
SERVICES = ("plan", "nomination", "reporting", "notification", "web")
REPLICAS = tuple(f"{service}-{copy}" for service in SERVICES for copy in "ab")
WITH_EVENTS = ("plan", "nomination", "reporting", "notification")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"
UNIT_STATES = ("draft", "unit_council_done")  # a dossier still with its unit
UNIT_COUNCIL = {"meeting_on": "2026-02-20", "agreed": 9, "present": 10, "attestations": ["guong_mau_chap_hanh"]}
MULTIPART = {"Content-Type": "multipart/form-data; boundary=tdkt-faults-load"}
HELD_S = 20.0  # a command "in progress" this long under one key was lost with its replica
SHEET_ROWS = 20  # nominees per spreadsheet
SHEET_PAUSE_S = 2.0  # between one spreadsheet accepted and the next sent
BULK_FROM = 100_000  # the spreadsheets' nominees are numbered from here (those opened one by one from 1)
SEED = "TDKT_FAULT_SEED"
# A standby whose leader died leads within this (the lock is tried every 0.5 s here): a bound
# on liveness under the load, not a figure of speed.
TAKEOVER_S = 60.0


def chance(test: str) -> random.Random:
    """The random source of a fault test's moments and victims: a new seed each run, printed;
    `TDKT_FAULT_SEED=<seed>` replays one."""
    seed = int(os.environ.get(SEED) or random.SystemRandom().randrange(2**32))
    print(f"\nfaults: {test}: seed {seed} (replay: {SEED}={seed})")
    return random.Random(seed)


async def at_random(rng: random.Random, low: float, high: float) -> float:
    """Wait a moment drawn between `low` and `high` seconds; how long."""
    moment = round(rng.uniform(low, high), 2)
    await asyncio.sleep(moment)
    return moment


class ClusterNode(EmbeddedNats):
    """One nats-server of a three-server cluster on loopback (JetStream replicated)."""

    def __init__(self, store_dir: Path, port: int, name: str, cluster_ports: list[int], index: int) -> None:
        super().__init__(store_dir, port)
        self.name, self.cluster_ports, self.index = name, cluster_ports, index

    def config(self) -> str:
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for i, p in enumerate(self.cluster_ports) if i != self.index)
        return super().config() + (
            f"server_name: {self.name}\n"
            f"cluster {{\n  name: tdkt-faults\n  listen: 127.0.0.1:{self.cluster_ports[self.index]}\n"
            f"  routes: [{routes}]\n}}\n")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None


def plan(number: int) -> dict[str, Any]:
    return {"number": f"{number}/KH-TAI", "year": 2026, "title": f"Kế hoạch tải {number}",
            "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def plan_number(number: str) -> int:
    return int(number.split("/")[0])


def dossier(n: int) -> dict[str, Any]:
    """A dossier a unit clerk opens for nominee `n` (an award that wants documents and the unit council)."""
    return {"award_code": "BKT", "year": 2025, "summary": "Giáo viên dạy giỏi cấp tỉnh hai năm liền",
            "nominee": {"name": nominee_name(n), "id_number": f"004190{n:06d}", "date_of_birth": "1990-03-15",
                        "gender": "nu", "position": "Giáo viên"}}


def spreadsheet(names: list[str]) -> bytes:
    """A unit's list of nominees (the submission template's columns), one row each."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách đề nghị")
    sheet.append(COLUMNS)
    for n, name in enumerate(names, start=1):
        sheet.append([n, "LDTT", 2025, "cong_trang", "Cá nhân", name, "", f"{1 + n % 28:02d}/{1 + n % 12:02d}/1985",
                      "Nữ" if n % 2 else "Nam", "Giáo viên", "Hoàn thành tốt nhiệm vụ", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Replicas:
    def __init__(self, ns: Namespace, logs: Path, nats_url: str | None = None, **env: str) -> None:
        self.ns, self.nats_url = ns, nats_url or ns.nats_url
        self.ports = dict(zip(REPLICAS, free_ports(len(REPLICAS)), strict=True))
        base = {**os.environ, **env, **ns.env(), "TDKT_NATS_URL": self.nats_url,
                "TDKT_LEADER_INTERVAL_S": "0.5", "TDKT_LOG_LEVEL": "WARNING",
                "TDKT_PLAN_DEADLINE_CHECK_INTERVAL_S": "3600", "PYTHONUNBUFFERED": "1",
                "TDKT_NOMINATION_DOCUMENTS_DIR": str(logs.parent / "documents"),
                "TDKT_NOTIFICATION_WEBHOOK_ALLOW_HTTP": "true",
                "TDKT_NOTIFICATION_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
                "TDKT_NOTIFICATION_DISPATCH_BACKOFF_S": "[0.2, 1]",
                "TDKT_NOTIFICATION_DISPATCH_POLL_INTERVAL_S": "1",
                "TDKT_NOTIFICATION_CIRCUIT_OPEN_S": "[0.5]",
                **{f"TDKT_WEB_{s.upper()}_URL": self.url(f"{s}-a") for s in WITH_EVENTS}}
        self.services = {name: Service(name.split("-")[0], {**base, f"TDKT_{name.split('-')[0].upper()}_PORT":
                                                            str(port)}, logs / f"{name}.log")
                         for name, port in self.ports.items()}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    async def start(self, *names: str) -> None:
        for name in names:
            self.services[name].start()
        await wait_ready({name: (self.services[name], self.url(name)) for name in names}, timeout=240)

    def kill(self, name: str) -> None:
        os.kill(self.services[name].pid, signal.SIGKILL)
        assert self.services[name].process is not None
        self.services[name].process.wait()  # type: ignore[union-attr]

    async def ready(self, http: httpx.AsyncClient, name: str) -> dict[str, Any] | None:
        """What a replica's `/readyz` says (None: no answer, a replica killed a moment ago)."""
        try:
            response = await http.get(f"{self.url(name)}/readyz")
        except httpx.HTTPError:
            return None
        said: dict[str, Any] = response.json()
        return {**said, "http": response.status_code}

    async def standing_by(self, http: httpx.AsyncClient, service: str, work: str,
                          timeout: float = TAKEOVER_S) -> tuple[str, str]:
        """(leader, standby) of `work`, once one replica of `service` leads it and the other,
        alive, stands by for it and answers ready (200, "ready" or "degraded")."""
        pair = (f"{service}-a", f"{service}-b")

        async def find() -> tuple[str, str]:
            said = {name: await self.ready(http, name) for name in pair}
            roles = {name: (ready or {}).get("roles", {}).get(work) for name, ready in said.items()}
            leaders = [name for name, role in roles.items() if role == "leader"]
            assert len(leaders) == 1, roles
            standby = pair[1 - pair.index(leaders[0])]
            ready = said[standby]
            assert ready is not None and roles[standby] == "follower", (standby, ready)
            assert ready["http"] == 200 and ready["status"] in ("ready", "degraded"), (standby, ready)
            return leaders[0], standby

        return await eventually(find, timeout=timeout, interval=0.2)

    async def leads(self, http: httpx.AsyncClient, name: str, work: str, timeout: float = TAKEOVER_S) -> None:
        """Until replica `name` leads `work` (a standby whose leader died takes over within
        `timeout`; a liveness bound, not a speed figure)."""
        async def leading() -> None:
            ready = await self.ready(http, name)
            assert ready is not None and ready["roles"].get(work) == "leader", (name, work, ready)

        await eventually(leading, timeout=timeout, interval=0.2)

    @staticmethod
    def other(name: str) -> str:
        """The other replica of `name`'s service."""
        return name[:-1] + ("b" if name.endswith("a") else "a")

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


class Refused(Exception):
    """An answer that does not say the command is stored (status 0: no answer, a dropped connection).
    `held`: the Idempotency-Key of a command another attempt is still executing (409);
    `replayed`: the key's kept answer, a refusal (the attempt it belongs to stored nothing)."""

    def __init__(self, status: int, code: str = "", held: str | None = None, replayed: str | None = None) -> None:
        super().__init__(status)
        self.status, self.code, self.held, self.replayed = status, code, held, replayed


class Load:
    """A steady load through both replicas of the plan and nomination services, by a few clients:
    plans; dossiers a unit clerk opens, completes and submits step by step; spreadsheets of
    `SHEET_ROWS` nominees. A command a replica drops is sent again, to the other first, until an
    answer says it is stored, with the same Idempotency-Key (a command stored before its answer
    was cut is not executed again: its answer comes back). A plan number, a dossier's nominee, a
    dossier's step at its version and a spreadsheet's rows are each stored once besides: a key
    whose first attempt died with its replica or its database session stays "in progress" (409)
    for a day, so after `HELD_S` the command goes under a new key; so it does at once when the
    key's kept answer is a refusal (a 409 of a write that met another mid-way is kept as the
    key's answer, and replayed). Under the new key a second attempt answers 200, or the
    dossier's state tells (`given_up` counts the keys given up, by reason)."""

    def __init__(self, replicas: Replicas, http: httpx.AsyncClient, clients: int = 3) -> None:
        self.replicas, self.http = replicas, http
        self.accepted: set[int] = set()  # plan numbers
        self.submitted: set[str] = set()  # nominees of dossiers opened and submitted one by one
        self.bulk: set[str] = set()  # nominees of the spreadsheets' rows
        self.sheets = 0
        self.refused: Counter[str] = Counter()  # answers other than stored, by command and status
        self.held: dict[str, float] = {}  # keys answered "in progress": since when
        self.renamed: dict[str, str] = {}  # keys given up for a new one
        self.given_up: Counter[str] = Counter()  # keys given up, by reason
        self.stop = asyncio.Event()
        self.numbers, self.nominees = itertools.count(1), itertools.count(1)
        self.tasks = [asyncio.create_task(self._plans()) for _ in range(clients)]
        self.tasks += [asyncio.create_task(self._dossiers()) for _ in range(2)]
        self.tasks.append(asyncio.create_task(self._sheets()))

    async def _until(self, service: str, first: str, what: str, attempt: Callable[[str], Awaitable[T | None]]) -> T:
        """`attempt` on the service's replicas, `first` first, until it returns a result; None: a
        step done, more to come (at once, same replica); Refused or no answer: the other replica,
        after a pause."""
        replicas = itertools.cycle((first, "b" if first == "a" else "a"))
        target = next(replicas)
        for _ in range(2000):
            try:
                result = await attempt(self.replicas.url(f"{service}-{target}"))
            except (Refused, httpx.HTTPError) as error:
                said = f"{error.status} {error.code}".strip() if isinstance(error, Refused) else "0"
                self.refused[f"{what} {said}"] += 1
                if isinstance(error, Refused) and error.held is not None:
                    self._held(error.held)
                if isinstance(error, Refused) and error.replayed is not None:
                    self._give_up(error.replayed, f"a kept {error.status} replayed")
                target = next(replicas)
                await asyncio.sleep(0.1)
                continue
            if result is not None:
                return result
        raise AssertionError(f"{what}: never stored ({self.refused})")

    def key(self, headers: dict[str, str], key: str) -> dict[str, str]:
        """`headers` with the command's Idempotency-Key (the newest, when one was given up)."""
        while key in self.renamed:
            key = self.renamed[key]
        return {**headers, "Idempotency-Key": key}

    def _held(self, key: str) -> None:
        since = self.held.setdefault(key, time.monotonic())
        if time.monotonic() - since > HELD_S:
            self._give_up(key, f"«in progress» {HELD_S:.0f} s")

    def _give_up(self, key: str, reason: str) -> None:
        self.renamed[key] = f"{key}.{len(self.renamed) + 1}"
        self.given_up[f"{reason}: {key}"] += 1

    async def _plans(self) -> None:
        for first in itertools.cycle("ab"):
            if self.stop.is_set():
                return
            number = next(self.numbers)

            async def create(url: str, number: int = number) -> int:
                return stored(await self.http.post(f"{url}/plans", headers=self.key(PLANNER, f"plan-{number}"),
                                                   json=plan(number)))

            await self._until("plan", first, "plan", create)
            self.accepted.add(number)
            await asyncio.sleep(0.01)

    async def _dossiers(self) -> None:
        for first in itertools.cycle("ab"):
            if self.stop.is_set():
                return
            n = next(self.nominees)
            name = nominee_name(n)

            async def open_(url: str, n: int = n) -> str:
                response = await self.http.post(f"{url}/dossiers", headers=self.key(CLERK, f"dossier-{n}"),
                                                json=dossier(n))
                return str(stored(response, json=True)["id"])

            dossier_id = await self._until("nomination", first, "dossier", open_)

            async def complete(url: str, dossier_id: str = dossier_id, n: int = n) -> str | None:
                return await self._next_step(url, dossier_id, f"dossier-{n}")

            state = await self._until("nomination", first, "dossier step", complete)
            assert state == "submitted", (name, state)
            self.submitted.add(name)
            await asyncio.sleep(0.05)

    async def _next_step(self, url: str, dossier_id: str, key: str) -> str | None:
        """The dossier's next step as it now stands (documents, unit council, submit); its state once submitted.
        Each step names the version it was read at (If-Match), so a step repeated after a cut answer is refused."""
        read = await self.http.get(f"{url}/dossiers/{dossier_id}", headers=CLERK)
        if read.status_code != 200:
            raise Refused(read.status_code)
        dossier = read.json()
        if dossier["state"] not in UNIT_STATES:
            return str(dossier["state"])
        version = f"v{dossier['version']}"
        headers = {**CLERK, "If-Match": read.headers["etag"]}
        attached = {document["kind"] for document in dossier["documents"]}
        missing = [kind for kind in dossier["required_documents"] if kind not in attached]
        if missing:  # a multipart body with the same boundary each time: the same key fits it
            response = await self.http.post(f"{url}/dossiers/{dossier_id}/documents",
                                            headers=self.key({**headers, **MULTIPART}, f"{key}-{version}"),
                                            data={"kind": missing[0]},
                                            files={"file": (f"{missing[0]}.pdf", PDF, "application/pdf")})
        elif "unit_council" not in dossier["outcome"]:
            response = await self.http.post(f"{url}/dossiers/{dossier_id}/unit-council",
                                            headers=self.key(headers, f"{key}-{version}"), json=UNIT_COUNCIL)
        else:
            response = await self.http.post(f"{url}/dossiers/{dossier_id}/submit",
                                            headers=self.key(headers, f"{key}-{version}"))
        stored(response)
        return None

    async def _sheets(self) -> None:
        for k, first in enumerate(itertools.cycle("ab")):
            if self.stop.is_set():
                return
            names = [nominee_name(BULK_FROM + k * SHEET_ROWS + row) for row in range(SHEET_ROWS)]
            data = spreadsheet(names)

            async def upload(url: str, k: int = k, data: bytes = data) -> dict[str, Any]:
                response = await self.http.post(
                    f"{url}/submissions/spreadsheet", headers=self.key({**CLERK, **MULTIPART}, f"sheet-{k}"),
                    data={"title": f"Tờ trình {k + 1}/TTr-SGDĐT", "year": "2025"},
                    files={"file": ("danh-sach.xlsx", data, "application/octet-stream")})
                return stored(response, json=True)

            outcome = await self._until("nomination", first, "spreadsheet", upload)
            # Sent again after a cut answer, a sheet's rows stored before are there already.
            assert outcome["errors"] == [] and outcome["created"] + outcome["already_there"] == SHEET_ROWS, outcome
            self.bulk.update(names)
            self.sheets += 1
            await asyncio.sleep(SHEET_PAUSE_S)

    def figures(self) -> tuple[int, int, int]:
        return len(self.accepted), len(self.submitted), self.sheets

    async def more(self, than: tuple[int, int, int], count: int = 20) -> None:
        """Until `count` plans more than `than`, and more dossiers and spreadsheets, are
        accepted (the services work again)."""
        async def grown() -> None:
            plans, dossiers, sheets = self.figures()
            assert plans >= than[0] + count and dossiers >= than[1] + 2 and sheets >= than[2] + 1, (
                self.figures(), than, self.refused)

        await eventually(grown, timeout=180, interval=0.5)

    async def finish(self) -> Accepted:
        self.stop.set()
        await asyncio.gather(*self.tasks)
        return Accepted(self.accepted, self.submitted, self.bulk, self.sheets)


def stored(response: httpx.Response, *, json: bool = False) -> Any:
    """What a command's answer says was stored (its JSON body when asked for), or Refused."""
    if response.status_code not in (200, 201):
        key = response.request.headers["Idempotency-Key"]
        code = ""
        if response.headers.get("content-type") == "application/json":
            error = response.json().get("error")
            code = str(error.get("code", "")) if isinstance(error, dict) else ""
        if response.headers.get("idempotent-replayed") == "true":
            raise Refused(response.status_code, f"{code} replayed", replayed=key)
        raise Refused(response.status_code, code, held=key if code == "idempotency_in_progress" else None)
    return response.json() if json else response.status_code


@dataclass(frozen=True)
class Accepted:
    """What the load was told is stored: plan numbers, the nominees of dossiers submitted one by
    one and of the spreadsheets' rows."""

    plans: set[int]
    submitted: set[str]
    bulk: set[str]
    sheets: int

    @property
    def dossiers(self) -> set[str]:
        return self.submitted | self.bulk

    def line(self) -> str:
        return (f"commands accepted: {len(self.plans)} plans, {len(self.submitted)} dossiers opened and submitted, "
                f"{self.sheets} spreadsheets of {SHEET_ROWS} rows ({len(self.bulk)} dossiers)")


class Webhook:
    """A receiver subscribed, through the notification service, to every issued plan and every
    dossier opened or submitted."""

    TYPES = (PlanIssued.ce_type(), NominationCreated.ce_type(), NominationSubmitted.ce_type())

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    @classmethod
    async def subscribe(cls, receivers: Start, replicas: Replicas, http: httpx.AsyncClient) -> Webhook:
        receiver = await receivers()
        response = await http.post(f"{replicas.url('notification-a')}/subscriptions", headers=INTEGRATOR,
                                   json={"url": receiver.url, "event_types": list(cls.TYPES)})
        assert response.status_code == 201, response.text
        return cls(receiver)

    def tally(self, accepted: Accepted) -> dict[str, Tally]:
        """Per subscribed event type, the events delivered for what was accepted (a plan, a
        dossier's nominee): lost (none), duplicated (more than one event for one); re-sent: calls
        repeated for one event (at least once; `webhook-id` tells them)."""
        events: dict[str, tuple[str, Any]] = {}
        for request in self.receiver.requests:
            events[request.event_id] = (request.headers["ce-type"], key_of(json.loads(request.body)))
        calls = Counter(request.headers["ce-type"] for request in self.receiver.requests)
        expected: dict[str, set[Any]] = dict(zip(self.TYPES, (accepted.plans, accepted.dossiers, accepted.submitted),
                                                 strict=True))
        return {kind: Tally(expected[kind], Counter(key for of, key in events.values() if of == kind),
                            calls[kind] - sum(1 for of, _ in events.values() if of == kind))
                for kind in self.TYPES}


def key_of(body: dict[str, Any]) -> Any:
    """What an event is about, as the load names it: a plan's number, a dossier's nominee."""
    return plan_number(body["number"]) if "number" in body else body["nominee"]["name"]


@dataclass
class Tally:
    """Things expected against how many times each was found."""

    expected: set[Any]
    found: Counter[Any]
    re_sent: int = 0

    @property
    def lost(self) -> int:
        return len(self.expected - set(self.found))

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.found.values() if n > 1)

    @property
    def extra(self) -> int:
        return len(set(self.found) - self.expected)

    def check(self, what: str) -> None:
        assert (self.lost, self.duplicated, self.extra) == (0, 0, 0), (
            what, self.lost, self.duplicated, self.extra, sorted(self.expected ^ set(self.found), key=str)[:5])

    def line(self, what: str) -> str:
        return (f"{what:<44} expected {len(self.expected):<6} found {sum(self.found.values()):<6} "
                f"lost {self.lost} duplicated {self.duplicated}")


async def reconciled(replicas: Replicas, http: httpx.AsyncClient, service: str) -> list[dict[str, Any]]:
    """`POST /admin/reconcile` of a service (what `tdkt reconcile` asks), until nothing is lost,
    duplicated or pending."""
    async def clean() -> list[dict[str, Any]]:
        response = await http.post(f"{replicas.url(f'{service}-a')}/admin/reconcile", headers=ADMIN, timeout=120)
        assert response.status_code == 200, response.text
        findings: list[dict[str, Any]] = response.json()["findings"]
        for finding in findings:
            assert (finding["lost"], finding["duplicated"], finding["pending"]) == (0, 0, 0), findings
        return findings

    return await eventually(clean, timeout=120, interval=1)


async def fetch(ns: Namespace, database: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn_for(ns.pg_dsn, f"{ns.db_prefix}{database}"))
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


async def read_model_rows(ns: Namespace, accepted: Accepted) -> dict[str, Tally]:
    """Per read model of the reporting and notification services, the rows of each accepted
    plan or dossier (a submitted dossier's row says so)."""
    plans = await fetch(ns, "reporting", "SELECT number FROM report_plans")
    dossiers = await fetch(ns, "reporting", "SELECT nominee_name, state FROM report_dossiers")
    delivered = await fetch(ns, "notification", "SELECT body, ce_type FROM deliveries "
                                                "WHERE status = 'delivered'")
    by_type = {kind: Counter(key_of(json.loads(row["body"])) for row in delivered if row["ce_type"] == kind)
               for kind in Webhook.TYPES}
    plan_type, created_type, submitted_type = Webhook.TYPES
    return {
        "reporting report_plans rows": Tally(accepted.plans, Counter(plan_number(row[0]) for row in plans)),
        "reporting report_dossiers rows": Tally(accepted.dossiers, Counter(row[0] for row in dossiers)),
        "reporting report_dossiers rows submitted": Tally(
            accepted.submitted, Counter(row[0] for row in dossiers if row[1] == "submitted")),
        "notification deliveries PlanIssued": Tally(accepted.plans, by_type[plan_type]),
        "notification deliveries NominationCreated": Tally(accepted.dossiers, by_type[created_type]),
        "notification deliveries NominationSubmitted": Tally(accepted.submitted, by_type[submitted_type])}


async def dossier_events(ns: Namespace) -> list[asyncpg.Record]:
    """The dossiers' opening and submission events in the nomination service's event store (its
    events tables, whichever application keeps them)."""
    conn = await asyncpg.connect(dsn_for(ns.pg_dsn, f"{ns.db_prefix}nomination"))
    try:
        tables = await conn.fetch("SELECT table_schema, table_name FROM information_schema.columns "
                                  "WHERE column_name = 'topic' AND table_name LIKE '%\\_events'")
        found: list[asyncpg.Record] = []
        for table in tables:
            found += await conn.fetch(
                f'SELECT originator_id::text AS id, topic FROM "{table[0]}"."{table[1]}" '
                "WHERE topic LIKE '%:Dossier.Created' OR topic LIKE '%:Dossier.Submitted'")
        return found
    finally:
        await conn.close()


async def nomination_rows(replicas: Replicas, http: httpx.AsyncClient, accepted: Accepted) -> dict[str, Tally]:
    """The nomination service's own: its dossier view (the list a clerk reads, from the replica
    that does not lead the views as often as from the one that does), the events it stored for
    each dossier, and its messages on the stream."""
    rows: list[dict[str, Any]] = []
    while True:
        response = await http.get(f"{replicas.url('nomination-b')}/dossiers", headers=CLERK,
                                  params={"year": 2025, "limit": 1000, "offset": len(rows)})
        assert response.status_code == 200, response.text
        rows += response.json()
        if len(response.json()) < 1000:
            break
    names = {row["dossier_id"]: row["nominee_name"] for row in rows}
    stored = await dossier_events(replicas.ns)
    messages = await read_stream(replace(replicas.ns, nats_url=replicas.nats_url.split(",")[0]),
                                 f"{replicas.ns.subject_root}.nomination.>")
    on_stream: dict[str, Counter[str]] = {kind: Counter() for kind in Webhook.TYPES[1:]}
    for message in messages:
        kind = (message.headers or {}).get("ce-type")
        if kind in on_stream:
            on_stream[kind][key_of(json.loads(message.data))] += 1
    return {
        "nomination dossier view rows": Tally(accepted.dossiers, Counter(row["nominee_name"] for row in rows)),
        "nomination dossier view rows submitted": Tally(
            accepted.submitted, Counter(row["nominee_name"] for row in rows if row["state"] == "submitted")),
        "nomination events stored: dossier opened": Tally(
            accepted.dossiers, Counter(names.get(row["id"], row["id"]) for row in stored
                                       if row["topic"].endswith(".Created"))),
        "nomination events stored: dossier submitted": Tally(
            accepted.submitted, Counter(names.get(row["id"], row["id"]) for row in stored
                                        if row["topic"].endswith(".Submitted"))),
        "stream messages NominationCreated.v1": Tally(accepted.dossiers, on_stream[Webhook.TYPES[1]]),
        "stream messages NominationSubmitted.v1": Tally(accepted.submitted, on_stream[Webhook.TYPES[2]])}


async def reconciled_clean(replicas: Replicas, http: httpx.AsyncClient, webhook: Webhook,
                           accepted: Accepted) -> str:
    """Commands accepted = events stored = messages on the stream = rows in every read model =
    webhook deliveries: every service reconciled, each read model and the receiver with every
    accepted plan and dossier once. Returns the lost/duplicated figures, one line each."""
    lines = [accepted.line()]
    webhooks: list[dict[str, Any]] = []
    for service in WITH_EVENTS:
        for f in await reconciled(replicas, http, service):
            lines.append(f"{service:<13} {f['kind']:<9} {f['name']:<22} expected {f['expected']:<6} "
                         f"found {f['found']:<6} lost {f['lost']} duplicated {f['duplicated']}")
            if f["kind"] == "publisher" and service == "plan":
                assert f["found"] == f["expected"] >= len(accepted.plans), f
            if f["kind"] == "publisher" and service == "nomination":  # versions 1 and 2 of each
                assert f["found"] == f["expected"] >= 2 * (len(accepted.dossiers) + len(accepted.submitted)), f
            if f["kind"] == "webhook":
                webhooks.append(f)

    async def listed() -> dict[str, Tally]:
        response = await http.get(f"{replicas.url('plan-b')}/plans", headers=PLANNER, params={"year": 2026})
        assert response.status_code == 200, response.text
        models = {"plan view rows": Tally(accepted.plans, Counter(plan_number(p["number"]) for p in response.json())),
                  **await nomination_rows(replicas, http, accepted),
                  **await read_model_rows(replicas.ns, accepted)}
        for what, model in models.items():  # each accepted plan or dossier once, nothing else
            model.check(what)
        return models

    for what, model in (await eventually(listed, timeout=120, interval=1)).items():
        lines.append(model.line(what))

    async def delivered() -> dict[str, Tally]:
        tallies = webhook.tally(accepted)
        for kind, tally in tallies.items():
            tally.check(f"webhook {kind}")
        return tallies

    for kind, tally in (await eventually(delivered, timeout=120, interval=1)).items():
        lines.append(f"{tally.line('webhook ' + kind.split('.')[-2])} (calls repeated for one event: "
                     f"{tally.re_sent})")
    # The notification service's own count of what reached the receiver: the same.
    assert [(f["expected"], f["found"]) for f in webhooks] == [(len(accepted.plans) + len(accepted.dossiers)
                                                                + len(accepted.submitted),) * 2], webhooks
    return "\n".join(lines)


@contextlib.asynccontextmanager
async def under_load(ns: Namespace, tmp_path: Path, receivers: Start, nats_url: str | None = None,
                     **env: str) -> AsyncIterator[tuple[Replicas, httpx.AsyncClient, Load, Webhook]]:
    """Two replicas of every service up, a webhook subscribed, plans, dossiers and spreadsheets under way."""
    replicas = Replicas(ns, tmp_path / "logs", nats_url, **env)
    try:
        await replicas.start(*REPLICAS)
        async with httpx.AsyncClient(timeout=10) as http:
            webhook = await Webhook.subscribe(receivers, replicas, http)
            load = Load(replicas, http)
            try:
                yield replicas, http, load, webhook
            finally:  # a test that failed early leaves its clients running
                for task in load.tasks:
                    task.cancel()
                await asyncio.gather(*load.tasks, return_exceptions=True)
    finally:
        replicas.stop()


async def all_ready(replicas: Replicas, http: httpx.AsyncClient) -> str:
    """Every replica answers ready (or degraded: working, dead letters to look at), the ones
    standing by for another's work included."""
    async def ready() -> dict[str, dict[str, Any]]:
        said = {}
        for name in REPLICAS:
            response = await http.get(f"{replicas.url(name)}/readyz")
            said[name] = response.json()
            assert response.status_code == 200 and said[name]["status"] in ("ready", "degraded"), (name, said[name])
        return said

    said = await eventually(ready, timeout=60, interval=1)
    standing_by = sorted(name for name, ready in said.items() if ready["role"] == "follower")
    degraded = sorted(name for name, ready in said.items() if ready["status"] == "degraded")
    return (f"readiness: {len(said)} of {len(REPLICAS)} replicas answer 200, standing by: {', '.join(standing_by)}"
            + (f"; degraded: {', '.join(degraded)}" if degraded else ""))


async def settled(replicas: Replicas, http: httpx.AsyncClient, load: Load, webhook: Webhook) -> str:
    """More plans, dossiers and spreadsheets accepted after the fault, then the reconciliation
    (lost 0, duplicated 0) and every replica ready."""
    await load.more(load.figures())
    accepted = await load.finish()
    assert len(accepted.plans) > 30 and accepted.submitted and accepted.bulk, (accepted.line(), load.refused)
    summary = await reconciled_clean(replicas, http, webhook, accepted)
    refused = ", ".join(f"{what}: {n}" for what, n in sorted(load.refused.items()))
    return (f"{summary}\nanswers that did not say stored (command status code: times; 0 no answer), each sent again "
            f"with its Idempotency-Key: {refused or 'none'}; keys given up for a new one: "
            f"{', '.join(sorted(load.given_up)) or 'none'}\n"
            f"{await all_ready(replicas, http)}")
