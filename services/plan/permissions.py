"""Who may run each use case of the plan service: one table per sub-domain (command → roles),
checked in one place, in the use case itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from servicekit.auth import ForbiddenError, Principal, Role

ROLE_LABELS = {Role.PLANNER: "chuyên viên Ban TĐKT", Role.UNIT_CLERK: "cán bộ TĐKT của đơn vị",
               Role.ADMIN: "quản trị hệ thống"}


@dataclass(frozen=True)
class Allowed:
    """`roles` may run the command for any unit; `own_unit` roles only for their own unit."""

    label: str
    roles: frozenset[Role] = frozenset({Role.PLANNER})
    own_unit: frozenset[Role] = frozenset()


def planner(label: str) -> Allowed:
    return Allowed(label)


def planner_or_own_unit(label: str) -> Allowed:
    return Allowed(label, own_unit=frozenset({Role.UNIT_CLERK}))


def may(actor: Principal, table: Mapping[str, Allowed], command: str, unit: str | None = None) -> bool:
    """Whether `actor` may run `command` (for `unit`, when it acts for one)."""
    rule = table[command]
    if actor.has_any(rule.roles):
        return True
    return unit is not None and actor.unit == unit and any(role in actor.roles for role in rule.own_unit)


def check_may(actor: Principal, table: Mapping[str, Allowed], command: str, unit: str | None = None) -> None:
    """Raise ForbiddenError unless `actor` may run `command` (for `unit`, when it acts for one)."""
    if may(actor, table, command, unit):
        return
    rule = table[command]
    who = [ROLE_LABELS.get(role, role.value) for role in sorted(rule.roles)]
    if rule.own_unit:
        who.append("cán bộ TĐKT của chính đơn vị đó")
    raise ForbiddenError(f"Không có quyền {rule.label}: cần là {' hoặc '.join(who)}.")
