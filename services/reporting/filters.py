"""What a figure counts, as one filter: the same object builds the SQL of the count and the
query string of the list behind it, so a figure and its list cannot disagree.

Each filter knows its columns; `where()` gives the SQL condition with numbered parameters,
`params()` the non-empty fields as they are written in a list's URL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Literal, TypeVar
from urllib.parse import quote_plus
from uuid import UUID

from services.reporting.labels import NO_MOVEMENT

TaskOutcome = Literal["on_time", "late", "overdue", "open"]
# The priority groups of the Law (Điều 5): the condition of an award to each, and of one whose
# fact the unit did not declare (services/reporting/priority_groups.py).
PRIORITY_GROUPS = {
    "khong_lanh_dao": ("nominee_kind = 'ca_nhan' AND nominee_leadership = false",
                       "nominee_kind = 'ca_nhan' AND nominee_leadership IS NULL"),
    "truc_tiep_lao_dong": ("nominee_kind = 'ca_nhan' AND nominee_direct_labourer",
                           "nominee_kind = 'ca_nhan' AND nominee_direct_labourer IS NULL"),
    "nu": ("nominee_kind = 'ca_nhan' AND nominee_gender = 'nu'", "nominee_kind = 'ca_nhan' AND nominee_gender IS NULL"),
    "dan_toc_thieu_so": ("nominee_kind = 'ca_nhan' AND nominee_ethnic_minority",
                         "nominee_kind = 'ca_nhan' AND nominee_ethnic_minority IS NULL"),
    "vung_kho_khan": ("nominee_hard_to_reach", "nominee_hard_to_reach IS NULL"),
}
PriorityGroup = Literal["khong_lanh_dao", "truc_tiep_lao_dong", "nu", "dan_toc_thieu_so", "vung_kho_khan"]
F = TypeVar("F", bound="_Filter")


class _Filter:
    path: str = ""

    def conditions(self) -> list[tuple[str | None, Any]]:
        raise NotImplementedError

    def where(self, first: int = 1) -> tuple[str, list[Any]]:
        """`cond AND cond …` with `$first…` placeholders (`{}` marks where each value goes)."""
        parts, args = [], []
        for sql, value in self.conditions():
            if sql is None or value is None:
                continue
            if sql.count("{}"):
                args.append(value)
                sql = sql.replace("{}", f"${first + len(args) - 1}")
            parts.append(sql)
        return " AND ".join(parts) or "true", args

    def params(self) -> dict[str, str]:
        found = {}
        for name in names(type(self)):  # not asdict(): it deep-copies, once per figure of a report
            value = getattr(self, name)
            if value is None:
                continue
            found[name] = str(value).lower() if isinstance(value, bool) else str(value)
        return found

    def url(self) -> str:
        """`path?urlencode(params())`, without urlencode's work per plain code (names need none)."""
        return f"{self.path}?" + "&".join(f"{name}={_quoted(value)}" for name, value in self.params().items())

    def but(self: F, **changes: Any) -> F:
        return replace(self, **changes)  # type: ignore[type-var]

    def urls_by(self, name: str, values: list[Any]) -> list[str]:
        """`self.but(name=value).url()` for each value: thousands of a report's rows (its units)
        in one pass, when no field after `name` is set (the query string then only grows)."""
        order = names(type(self))
        if getattr(self, name) is not None or any(getattr(self, n) is not None for n in order[order.index(name):]):
            return [self.but(**{name: value}).url() for value in values]
        base = self.url()
        start = f"{base}{'&' if base[-1] != '?' else ''}{quote_plus(name)}="
        return [base if value is None else start + _quoted(str(value).lower() if isinstance(value, bool)
                                                           else str(value)) for value in values]


@functools.lru_cache(maxsize=1 << 16)  # the same codes (units, forms, years) in every report
def _quoted(text: str) -> str:
    """`quote_plus(text)`, without its work for a plain code (a unit's `DV0042`, a year)."""
    return text if text.isascii() and text.isalnum() else quote_plus(text)


@dataclass(frozen=True)
class AwardFilter(_Filter):
    """Dossiers with a decision (awarded: not revoked), by decision date and the award's attributes."""

    path = "/reports/dossiers"
    awarded: bool | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    forwarded_from: date | None = None
    forwarded_to: date | None = None
    revoked_from: date | None = None
    revoked_to: date | None = None
    award: str | None = None
    category: str | None = None
    level: str | None = None
    kind: str | None = None
    central: bool | None = None
    unit: str | None = None
    cluster: str | None = None
    year: int | None = None
    state: str | None = None
    late: bool | None = None
    at_level: str | None = None
    movement: str | None = None
    group: PriorityGroup | None = None
    undeclared: PriorityGroup | None = None

    def conditions(self) -> list[tuple[str | None, Any]]:
        awarded = None if self.awarded is None else (
            "decision_number IS NOT NULL AND NOT revoked" if self.awarded else
            "(decision_number IS NULL OR revoked)")
        return [
            (awarded, True if awarded else None),
            ("decided_on >= {}", self.decided_from), ("decided_on <= {}", self.decided_to),
            ("forwarded_on >= {}", self.forwarded_from), ("forwarded_on <= {}", self.forwarded_to),
            ("revoked_on >= {}", self.revoked_from), ("revoked_on <= {}", self.revoked_to),
            ("award_code = {}", self.award), ("award_category = {}", self.category),
            ("award_level = {}", self.level), ("nominee_kind = {}", self.kind), ("central = {}", self.central),
            ("unit_code = {}", self.unit), ("year = {}", self.year), ("state = {}", self.state),
            ("late = {}", self.late), ("at_level = {}", self.at_level), ("movement_id = {}::uuid", self.movement),
            (PRIORITY_GROUPS[self.group][0] if self.group else None, True if self.group else None),
            (PRIORITY_GROUPS[self.undeclared][1] if self.undeclared else None, True if self.undeclared else None),
            ("EXISTS (SELECT 1 FROM report_cluster_members m JOIN report_clusters c USING (cluster_id) "
             "WHERE c.code = {} AND m.unit_code = report_dossiers.unit_code "
             "AND m.year = extract(year FROM report_dossiers.decided_on))", self.cluster),
        ]


@dataclass(frozen=True)
class TaskFilter(_Filter):
    """Tasks of the plans by due date, quarter, outcome and the unit that leads them."""

    path = "/reports/tasks"
    due_from: date | None = None
    due_to: date | None = None
    year: int | None = None
    quarter: int | None = None
    outcome: TaskOutcome | None = None
    lead_unit: str | None = None
    status: str | None = None
    plan_id: UUID | None = None
    unit: str | None = None

    def conditions(self) -> list[tuple[str | None, Any]]:
        outcome = {"on_time": "t.status = 'completed' AND NOT t.late", "late": "t.status = 'completed' AND t.late",
                   "overdue": "t.status = 'overdue'", "open": "t.status = 'assigned'"}
        return [
            ("t.due_date >= {}", self.due_from), ("t.due_date <= {}", self.due_to), ("t.year = {}", self.year),
            ("t.quarter = {}", self.quarter),
            (outcome[self.outcome] if self.outcome else None, True if self.outcome else None),
            ("EXISTS (SELECT 1 FROM report_task_units x WHERE x.task_id = t.task_id AND x.role = 'lead' "
             "AND x.unit_code = {})", self.lead_unit),
            ("t.status = {}", self.status), ("t.plan_id = {}", self.plan_id),
            ("EXISTS (SELECT 1 FROM report_task_units x WHERE x.task_id = t.task_id AND x.unit_code = {})",
             self.unit),
        ]


@dataclass(frozen=True)
class MovementFilter(_Filter):
    """Movements by the day they were launched or concluded, kind, scope and launching level."""

    path = "/reports/movements"
    launched_from: date | None = None
    launched_to: date | None = None
    concluded_from: date | None = None
    concluded_to: date | None = None
    kind: str | None = None
    scope: str | None = None
    launcher_level: str | None = None

    def conditions(self) -> list[tuple[str | None, Any]]:
        return [
            ("launched_on >= {}", self.launched_from), ("launched_on <= {}", self.launched_to),
            ("concluded_on >= {}", self.concluded_from), ("concluded_on <= {}", self.concluded_to),
            ("kind = {}", self.kind), ("scope = {}", self.scope), ("launcher_level = {}", self.launcher_level),
        ]


_NAMES: dict[type[_Filter], tuple[str, ...]] = {}


def names(cls: type[_Filter]) -> tuple[str, ...]:
    """The filter's fields, in their order (read once per class)."""
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class ClusterResultFilter(_Filter):
    """Results of the clusters and blocks by the day of the fact, what it is, the cluster and the unit."""

    path = "/reports/cluster-results"
    on_from: date | None = None
    on_to: date | None = None
    fact: str | None = None
    cluster: str | None = None
    cluster_kind: str | None = None
    year: int | None = None
    unit: str | None = None

    def conditions(self) -> list[tuple[str | None, Any]]:
        return [
            ("on_date >= {}", self.on_from), ("on_date <= {}", self.on_to), ("fact = {}", self.fact),
            ("cluster_code = {}", self.cluster), ("cluster_kind = {}", self.cluster_kind), ("year = {}", self.year),
            ("unit_code = {}", self.unit),
        ]


@dataclass(frozen=True)
class ExemplaryFilter(_Filter):
    """What happened to the exemplary models, by day, fact, stage reached, field, movement and unit;
    `movement=khong` is the models found outside any movement."""

    path = "/reports/exemplary-models"
    on_from: date | None = None
    on_to: date | None = None
    fact: str | None = None
    reached: str | None = None
    field: str | None = None
    movement: str | None = None
    subject_kind: str | None = None
    unit: str | None = None

    def conditions(self) -> list[tuple[str | None, Any]]:
        none = self.movement == NO_MOVEMENT
        return [
            ("on_date >= {}", self.on_from), ("on_date <= {}", self.on_to), ("fact = {}", self.fact),
            ("fact IN ('recognised', 'advanced') AND stage = {}", self.reached), ("field = {}", self.field),
            ("movement_id IS NULL" if none else "movement_id = {}::uuid", True if none else self.movement),
            ("subject_kind = {}", self.subject_kind), ("unit_code = {}", self.unit),
        ]
