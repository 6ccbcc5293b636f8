"""How fast the plan service turns its movement and cluster events into contracts, beside the raw
limit measured in the same run: decoding the stored events alone.

    .venv/bin/python -m bench.plan_translation [--units 300]

A movement joined by N units and a block of N members that assess themselves, are scored and
vote are built on the in-memory recorder; then every stored event is translated (1) the way the
relay does, each aggregate's copy advanced event by event, and (2) rebuilding each aggregate
from its first event for every event (what a translation costs without that copy). Only
figures are printed: nothing passes or fails.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import uuid4

from servicekit.auth import Principal, Role
from servicekit.eventstore import memory_env
from services.plan.application import Plans
from services.plan.clusters.application import Clusters
from services.plan.clusters.domainmodel import Kind as ClusterKind
from services.plan.messaging import translator
from services.plan.movements.application import Movements
from services.plan.movements.rules import Kind, Scope
from services.plan.translate import to_contract

NOW = datetime(2026, 2, 10, 3, tzinfo=UTC)
PLANNER = Principal(subject="bench", roles=frozenset({Role.PLANNER, Role.UNIT_CLERK, Role.ADMIN}))


def build(units: int) -> Plans:
    plans = Plans(env=memory_env())
    codes = [f"U{n}" for n in range(units)]
    for code in codes:
        plans.register_unit(code, f"Đơn vị {code}", "co_quan", [], "bench")
    movements, clusters = Movements(plans), Clusters(plans)
    movement_id, _ = movements.draft(PLANNER, name="Phong trào", kind=Kind.THUONG_XUYEN, scope=Scope.TINH,
                                     scope_ref=None, launcher_level="tinh", starts_on=date(2026, 1, 1),
                                     ends_on=date(2026, 12, 31), criteria=[], launching_task_id=None, now=NOW)
    movements.launch(PLANNER, movement_id, decision={"number": "1/CT-UBND", "signed_on": date(2026, 2, 1),
                                                     "authority": "UBND tỉnh"},
                     launched_on=date(2026, 2, 1), complete_tasks=False, now=NOW)
    movements.open_registration(PLANNER, movement_id, deadline=date(2026, 3, 1), today=date(2026, 2, 1), now=NOW)
    cluster_id, _ = clusters.form(PLANNER, code="K", name="Khối", kind=ClusterKind.KHOI, year=2026,
                                  members=[{"code": c} for c in codes], leader=codes[0], deputy=codes[1],
                                  own_member=None, decision_ref=None, formed_on=date(2026, 3, 1), now=NOW)
    clusters.sign_covenant(PLANNER, cluster_id, criteria=[{"code": "TC1", "title": "x", "max_points": Decimal(100)}],
                           signatories=None, signed_on=date(2026, 3, 2), document_ref=None, now=NOW)
    for code in codes:
        movements.register(PLANNER, movement_id, unit_code=code, targets=[], today=date(2026, 2, 2), now=NOW)
        clusters.self_assess(PLANNER, cluster_id, unit_code=code, points={"TC1": Decimal(90)}, now=NOW)
        clusters.score(PLANNER, cluster_id, unit_code=code, points={"TC1": Decimal(80)}, now=NOW)
    clusters.close_scoring(PLANNER, cluster_id, now=NOW)
    clusters.open_vote(PLANNER, cluster_id, quorum=Fraction(2, 3), threshold=Fraction(1, 2), strictly_more=True,
                       now=NOW)
    for code in codes:
        clusters.cast(PLANNER, cluster_id, voter=code, candidate=codes[0])
    clusters.close_vote(PLANNER, cluster_id, now=NOW)
    return plans


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} events/s ({seconds:.2f} s)"


def measure(plans: Plans) -> list[tuple[str, str]]:
    notifications = plans.recorder.select_notifications(start=1, limit=1_000_000)
    started = time.perf_counter()
    events = [plans.mapper.to_domain_event(n) for n in notifications]
    decoded = time.perf_counter() - started
    translate = translator(plans)
    started = time.perf_counter()
    published = [translate(e, uuid4()) for e in events]
    followed = time.perf_counter() - started
    started = time.perf_counter()
    for event in events:
        to_contract(event, uuid4(), _Rebuilding(plans))  # type: ignore[arg-type]  # a new one: no copies kept
    rebuilt = time.perf_counter() - started
    return [("stored events", f"{len(events):,} ({sum(p is not None for p in published):,} published)"),
            ("raw: decode every stored event once", rate(len(events), decoded)),
            ("translate, copies advanced event by event (the relay)", rate(len(events), followed)),
            ("translate, each aggregate rebuilt for every event", rate(len(events), rebuilt))]


class _Rebuilding:
    """The Application as a translation sees it, without the copies the relay keeps."""

    def __init__(self, plans: Plans) -> None:
        self.repository = plans.repository


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300)
    args = parser.parse_args(argv)
    rows: list[Any] = measure(build(args.units))
    print(f"| {args.units} units | figure |\n|---|---|")
    for name, figure in rows:
        print(f"| {name} | {figure} |")


if __name__ == "__main__":
    main()
