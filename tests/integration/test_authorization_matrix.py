"""The authorization matrix, read from each service's own OpenAPI document: every operation
declares who may call it (`x-tdkt-policy`), and every role the policy does not name, a token
without roles and a request without a token are all refused at the door (401/403), whatever the
body or the ids — nothing reaches a use case or the store."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from fastapi import FastAPI

from servicekit.auth import Role
from tests.support import Namespace, auth, serve


def _plan(ns: Namespace, tmp: Any) -> FastAPI:
    from services.plan.main import create_app
    from services.plan.settings import PlanSettings
    return create_app(ns.settings(PlanSettings))


def _nomination(ns: Namespace, tmp: Any) -> FastAPI:
    from services.nomination.main import create_app
    from services.nomination.settings import NominationSettings
    return create_app(ns.settings(NominationSettings, documents_dir=tmp / "documents"))


def _notification(ns: Namespace, tmp: Any) -> FastAPI:
    from services.notification.main import create_app
    from services.notification.settings import NotificationSettings
    return create_app(ns.settings(NotificationSettings))


def _reporting(ns: Namespace, tmp: Any) -> FastAPI:
    from services.reporting.main import create_app
    from services.reporting.settings import ReportingSettings
    return create_app(ns.settings(ReportingSettings))


SERVICES: dict[str, Callable[[Namespace, Any], FastAPI]] = {
    "plan": _plan, "nomination": _nomination, "notification": _notification, "reporting": _reporting,
}
SAMPLE = {"uuid": lambda: str(uuid4()), "integer": lambda: "1", "date": lambda: "2026-05-01"}


def _url(path: str, operation: dict[str, Any]) -> str:
    """The path with a plausible value for each of its parameters."""
    kinds = {p["name"]: p.get("schema", {}).get("format") or p.get("schema", {}).get("type")
             for p in operation.get("parameters", []) if p.get("in") == "path"}
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(kinds.get(m.group(1)) or "", lambda: "SNV")(), path)


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, methods in app.openapi()["paths"].items()
            for method, operation in methods.items()]


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_every_operation_refuses_whom_its_policy_does_not_name(ns: Namespace, tmp_path: Any,
                                                                    service: str) -> None:
    app = SERVICES[service](ns, tmp_path)
    undeclared = [f"{method} {path}" for method, path, operation in operations(app)
                  if "x-tdkt-policy" not in operation]
    assert undeclared == [], f"{service}: operations without a declared policy"
    refused: list[tuple[str, str, str, int]] = []
    checked = 0
    async with serve(app) as client:
        for method, path, operation in operations(app):
            policy = operation["x-tdkt-policy"]
            if policy["public"]:
                continue
            url = _url(path, operation)
            allowed = set(policy["roles"])
            callers: list[tuple[str, dict[str, str], int]] = [("no token", {}, 401),
                                                               ("no role", auth(), 403)]
            callers += [(role.value, auth(role.value, unit="SNV"), 403) for role in Role
                        if role.value not in allowed and role is not Role.ADMIN]
            for name, headers, expected in callers:
                response = await client.request(method, url, headers=headers, json={})
                checked += 1
                if response.status_code != expected:
                    refused.append((method, path, name, response.status_code))
                else:
                    assert response.json()["error"]["message"], (method, path, name)  # a reason, in Vietnamese
    assert checked > 0
    assert refused == [], f"{service}: callers outside the policy not refused as expected"
