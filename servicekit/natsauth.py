"""Who may do what on the bus: the NATS users of a deployment and their permissions, made from
what each service declares (`BusAccess` in its `main.py`) and from the integrators operators
add, so that `tdkt up`, the tests, compose and Kubernetes all run the same rules.

- A service publishes only its own events (`<root>.<service>.>`) and the dead letters of its
  own durable consumers, and uses only the JetStream API of its own consumers.
- An integrator publishes nothing on `<root>.>` (so it cannot squat the next `Nats-Msg-Id` of a
  service); it reads only the subjects it was granted, through pull consumers whose names are
  its own and whose filter the server checks against the grant.
- Replies (API answers, publish acknowledgements) come to an inbox prefix of each user's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BusAccess:
    """What a service does on the bus."""

    publishes: bool = True
    consumers: Sequence[str] = field(default_factory=tuple)  # its durable pull consumers
    follows: Sequence[str] = field(default_factory=tuple)  # subjects (below the root) read live, core NATS


@dataclass(frozen=True)
class Integrator:
    name: str
    subjects: Sequence[str]  # granted, e.g. ["tdkt.plan.>"]
    password: str

    def consumer(self, index: int) -> str:
        """The pull consumer it may use for its `index`-th granted subject."""
        return self.name if len(self.subjects) == 1 else f"{self.name}-{index + 1}"


def inbox_prefix(user: str) -> str:
    return f"_INBOX_{user}"


def _consumer_api(stream: str, name: str, filters: Sequence[str] | None) -> list[str]:
    creates = ([f"$JS.API.CONSUMER.CREATE.{stream}.{name}.{subject}" for subject in filters] if filters is not None
               else [f"$JS.API.CONSUMER.CREATE.{stream}.{name}", f"$JS.API.CONSUMER.CREATE.{stream}.{name}.>",
                     f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{name}"])
    return [*creates, f"$JS.API.CONSUMER.INFO.{stream}.{name}", f"$JS.API.CONSUMER.DELETE.{stream}.{name}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{name}", f"$JS.ACK.{stream}.{name}.>"]


def service_user(service: str, access: BusAccess, *, root: str, stream: str, password: str) -> dict[str, Any]:
    publish = [f"$JS.API.STREAM.INFO.{stream}", f"$JS.API.STREAM.CREATE.{stream}"]
    if access.publishes:
        # its events, and reading one back: the relay checks a publish acknowledged as a duplicate
        publish += [f"{root}.{service}.>", f"$JS.API.STREAM.MSG.GET.{stream}"]
    for consumer in access.consumers:
        publish += [f"{root}.dlq.{consumer}", *_consumer_api(stream, consumer, None)]
    if access.publishes or access.consumers:  # `tdkt reconcile` reads the stream's headers with it
        publish += _consumer_api(stream, f"reconcile-{service}", None)
    subscribe = [f"{inbox_prefix(service)}.>", *(f"{root}.{subject}" for subject in access.follows)]
    return {"user": service, "password": password,
            "permissions": {"publish": {"allow": publish}, "subscribe": {"allow": subscribe}}}


def integrator_user(integrator: Integrator, *, root: str, stream: str) -> dict[str, Any]:
    publish = [f"$JS.API.STREAM.INFO.{stream}"]
    for index, subject in enumerate(integrator.subjects):
        publish += _consumer_api(stream, integrator.consumer(index), [subject])
    return {"user": integrator.name, "password": integrator.password, "permissions": {
        "publish": {"allow": publish, "deny": [f"{root}.>"]},
        "subscribe": {"allow": [*integrator.subjects, f"{inbox_prefix(integrator.name)}.>"]}}}


def accounts(users: Sequence[dict[str, Any]], admin_password: str) -> str:
    """The `accounts` block of a nats-server configuration. A password written `$NAME` is read
    by nats-server from its environment (for files kept in git: compose, Kubernetes)."""
    everyone = [*users, {"user": "tdkt_admin", "password": admin_password}]  # operators: no limits
    return "accounts " + to_conf({"TDKT": {"jetstream": "enabled", "users": everyone}}) + "\n"


def to_conf(value: Any, indent: str = "") -> str:
    """NATS configuration syntax: JSON, except that `$VARIABLE` stays a variable reference."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{key}: {to_conf(item, inner)}" for key, item in value.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list):
        return "[\n" + "\n".join(f"{inner}{to_conf(item, inner)}" for item in value) + f"\n{indent}]"
    if isinstance(value, str) and value.startswith("$") and value[1:].replace("_", "").isalnum():
        return value
    return json.dumps(value, ensure_ascii=False)
