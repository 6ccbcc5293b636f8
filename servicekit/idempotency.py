"""Commands that are safe to retry: `Idempotency-Key`.

A command (POST, PUT, PATCH, DELETE) sent with an `Idempotency-Key` header is recorded with a
fingerprint of its request. Sent again by the same person within 24 hours with the same key
and body, it is not executed again: the first answer is replayed (`Idempotent-Replayed: true`).
The same key with another body is refused (422); while the first is still being executed, a
retry is told to wait (409, Retry-After).

Answers that say "not now" rather than "this is the outcome" are not kept, so a retry executes
the command again: 500 and above, a conflict with a concurrent change (409), a timeout (408),
too many requests (429). A claim whose command never finished (its process was killed, its
database connection cut) is taken over by a retry once `LEASE` has passed, instead of telling
every retry to wait for 24 hours; sooner, after `GRACE`, when the claim names its replica
(`Holder`) and that replica's session lock is free: the process that claimed it died, or lost
its database session, which a command in flight does not survive either. When the keys' table
cannot be reached (the database is restarting), the command is answered 503 with Retry-After,
as without a key.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import re
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import AuthError, TokenVerifier
from servicekit.leader import wait_or_stop

SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    fingerprint bytea NOT NULL,
    status int,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_age ON idempotency_keys (created_at);
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS holder bigint;
"""
HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,255}")
COMMANDS = {"POST", "PUT", "PATCH", "DELETE"}
KEPT_HEADERS = ("content-type", "etag", "location")
TTL = "24 hours"
LEASE = "30 seconds"  # a claim still in progress after this is taken to be dead (commands take ms)
GRACE = "3 seconds"  # a claim whose holder's session lock is free is taken over after this
HOLDERS = 0x7464_6B69  # the advisory locks' first key of the replicas' session locks (two-key form)
NOT_KEPT = frozenset({408, 409, 425, 429})  # answers to try again, not outcomes (besides >= 500)
UNREACHABLE = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
               asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError)
log = logging.getLogger(__name__)


class Holder:
    """This replica's name on the claims it executes: a session advisory lock (`HOLDERS`, `id`)
    held on a connection of its own while the process lives. A claim whose holder's lock is free
    was left by a replica that died (SIGKILL) or lost its database session; a retry on any replica
    takes it over after `GRACE`, not `LEASE`. When that connection is lost, the replica takes a
    new name with its next session: the claims named by the lost one stay free to take over (their
    commands' sessions were lost with it) instead of waiting out the lease."""

    def __init__(self) -> None:
        self.id = _new_id()
        self.held = False

    @property
    def current(self) -> int | None:
        """The id to write on a claim (None while the lock is not held: the claim waits `LEASE`)."""
        return self.id if self.held else None

    async def run(self, dsn: str, stop: asyncio.Event, interval_s: float = 1.0) -> None:
        while not stop.is_set():
            try:
                conn: asyncpg.Connection = await asyncpg.connect(dsn)
            except Exception as error:
                log.warning("idempotency holder lock: cannot connect: %s", error)
                await wait_or_stop(stop, interval_s)
                continue
            try:
                await conn.execute("SELECT pg_advisory_lock($1, $2)", HOLDERS, self.id)
                self.held = True
                while not stop.is_set():  # until the connection is lost (then the lock is free)
                    await wait_or_stop(stop, interval_s)
                    await asyncio.wait_for(conn.fetchval("SELECT 1"), interval_s * 5)
            except Exception as error:
                log.warning("idempotency holder lock lost: %s: %s", type(error).__name__, error)
            finally:
                if self.held and not stop.is_set():  # the claims named by this session's id are left free
                    lost, self.id = self.id, _new_id()
                    log.info("idempotency holder %d lost its session; named %d from the next one", lost, self.id)
                self.held = False
                with contextlib.suppress(Exception):
                    await conn.close()
            await wait_or_stop(stop, interval_s)


def _new_id() -> int:
    return random.randrange(1, 2**31)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        key = request.headers.get(HEADER)
        runtime = getattr(scope["app"].state, "runtime", None)
        pool: asyncpg.Pool | None = runtime.opened_pool if runtime is not None else None
        if key is None or request.method not in COMMANDS or pool is None or not _routed(scope):
            await self.app(scope, receive, send)
            return
        if not KEY.fullmatch(key):
            await _answer(send, 422, {"error": {"code": "invalid_idempotency_key", "message":
                          f"{HEADER} phải gồm 1–255 ký tự ASCII nhìn thấy được (không dấu cách)."}})
            return
        owner = await _owner(scope["app"].state.verifier, request)
        if owner is None:  # no valid token: the route answers 401 itself
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        fingerprint = hashlib.sha256(b"\0".join([request.method.encode(), scope["path"].encode(),
                                                 scope.get("query_string", b""), body])).digest()
        try:
            holder: Holder | None = getattr(runtime, "idempotency_holder", None)
            claim = await _claim(pool, owner, key, fingerprint, holder.current if holder else None)
        except UNREACHABLE as error:
            log.warning("idempotency keys unreachable: %s: %s", type(error).__name__, error)
            await _answer(send, 503, {"error": {"code": "database_unavailable", "message":
                          "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau ít phút."}}, {"retry-after": "2"})
            return
        if claim is not None:
            await _answer_for(send, claim, fingerprint)
            return
        await self._execute(scope, body, send, pool, owner, key)

    async def _execute(self, scope: Scope, body: bytes, send: Send, pool: asyncpg.Pool, owner: str,
                       key: str) -> None:
        sent: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"], sent["headers"] = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                sent["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            await asyncio.shield(_settle(pool, owner, key, sent))


def _routed(scope: Scope) -> bool:
    """Whether a route takes this method at this path (else the router answers 404 or 405)."""
    return any(route.matches(scope)[0] == Match.FULL for route in scope["app"].router.routes)


async def _owner(verifier: TokenVerifier, request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        principal = await asyncio.to_thread(verifier.verify, token.strip()) if verifier.fetches_keys \
            else verifier.verify(token.strip())
    except AuthError:
        return None
    return principal.subject


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _claim(pool: asyncpg.Pool, owner: str, key: str, fingerprint: bytes,
                 holder: int | None) -> asyncpg.Record | None:
    """None when this request is the first with the key (now recorded as in progress, held by
    `holder`), else the row."""
    async with pool.acquire() as conn:
        if random.random() < 0.01:  # now and then, forget keys older than a day
            await conn.execute(f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{TTL}'")
        await conn.execute(f"DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 "
                           f"AND created_at < now() - interval '{TTL}'", owner, key)
        inserted = await conn.fetchval(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, holder) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING RETURNING true", owner, key, fingerprint, holder)
        if inserted:
            return None
        taken_over = await conn.fetchval(  # the first attempt died without an answer: this one runs
            f"UPDATE idempotency_keys SET created_at = now(), holder = $4 WHERE scope = $1 AND key = $2 "
            f"AND fingerprint = $3 AND status IS NULL AND (created_at < now() - interval '{LEASE}' "
            f"OR (created_at < now() - interval '{GRACE}' AND holder IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = {HOLDERS}::oid "
            f"AND objid = holder::oid AND objsubid = 2 AND database = (SELECT oid FROM pg_database "
            f"WHERE datname = current_database())))) RETURNING true", owner, key, fingerprint, holder)
        if taken_over:
            return None
        return await conn.fetchrow("SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2", owner, key)


async def _settle(pool: asyncpg.Pool, owner: str, key: str, sent: dict[str, Any]) -> None:
    """Keep the answer for retries, or forget the claim when the answer is not an outcome. If the
    keys' table cannot be reached now, the claim stays in progress until `LEASE` passes."""
    try:
        if sent["status"] >= 500 or sent["status"] in NOT_KEPT:
            await pool.execute("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2", owner, key)
            return
        headers = {name.decode(): value.decode() for name, value in sent["headers"]
                   if name.decode().lower() in KEPT_HEADERS}
        await pool.execute("UPDATE idempotency_keys SET status = $3, headers = $4::jsonb, body = $5 "
                           "WHERE scope = $1 AND key = $2", owner, key, sent["status"], json.dumps(headers),
                           sent["body"])
    except UNREACHABLE as error:
        log.warning("idempotency key %r not settled: %s: %s", key, type(error).__name__, error)


async def _answer_for(send: Send, row: asyncpg.Record, fingerprint: bytes) -> None:
    if bytes(row["fingerprint"]) != fingerprint:
        await _answer(send, 422, {"error": {"code": "idempotency_key_reused", "message":
                      f"{HEADER} này đã dùng cho một yêu cầu khác; mỗi lệnh mới cần một khóa mới."}})
    elif row["status"] is None:
        await _answer(send, 409, {"error": {"code": "idempotency_in_progress", "message":
                      "Lệnh với khóa này đang được thực hiện; hãy thử lại sau giây lát."}}, {"retry-after": "1"})
    else:
        headers = {**json.loads(row["headers"]), "idempotent-replayed": "true"}
        await _raw(send, row["status"], headers, bytes(row["body"]))


async def _answer(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    content = json.dumps(body, ensure_ascii=False).encode()
    await _raw(send, status, {"content-type": "application/json", **(headers or {})}, content)


async def _raw(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(name.encode(), value.encode()) for name, value in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
