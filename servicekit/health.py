"""`/healthz` (the process answers) and `/readyz` (its database, bus and workers answer)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from servicekit.auth import PUBLIC

Check = Callable[[], Awaitable[str | None]]  # None when healthy, else what is wrong


class Degraded(str):
    """What a check returns when the service works but needs an operator's look (dead letters):
    `/readyz` still answers 200, with status "degraded"."""

    __slots__ = ()

router = APIRouter(tags=["health"], dependencies=[PUBLIC])  # probes and load balancers sign in as no one


class Readiness:
    def __init__(self, service: str = "") -> None:
        self.service = service  # which service answers: a probe that reached another port's one can tell
        self.checks: dict[str, Check] = {}
        self.roles: Callable[[], dict[str, str]] = dict  # what this replica leads (servicekit.leader)

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def report(self) -> dict[str, str]:
        async def run(check: Check) -> str:
            try:
                problem = await asyncio.wait_for(check(), 3.0)
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"
            if isinstance(problem, Degraded):
                return f"degraded: {problem}"
            return problem or "ok"

        results = await asyncio.gather(*(run(c) for c in self.checks.values()))
        return dict(zip(self.checks, results, strict=True))


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: database, bus and background workers are working (or degraded: working, with
    dead letters an operator should look at). A replica that stands by for another's views and
    consumers is ready too: `role` says "follower", `roles` what it leads or stands by for;
    `service` names the service that answered."""
    readiness: Readiness = request.app.state.readiness
    report = await readiness.report()
    down = [value for value in report.values() if value != "ok" and not value.startswith("degraded: ")]
    degraded = any(value.startswith("degraded: ") for value in report.values())
    status = "unavailable" if down else "degraded" if degraded else "ready"
    roles = readiness.roles()
    role = "leader" if "leader" in roles.values() else "follower" if roles else "replica"
    return JSONResponse({"service": readiness.service, "status": status, "role": role, "roles": roles,
                         "checks": report}, status_code=503 if down else 200)
