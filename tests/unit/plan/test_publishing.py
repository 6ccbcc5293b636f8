"""Every stored event of movements, clusters and exemplary models translates to its contract (or
to nothing, when internal), and what is published validates against the committed JSON Schema."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from fractions import Fraction
from uuid import uuid4

import jsonschema

from contracts.generate import SCHEMAS, schema_name
from contracts.plan_clusters import ClusterLeaderElected
from services.plan.clusters.application import Clusters
from services.plan.exemplary.application import ExemplaryModels
from services.plan.exemplary.domainmodel import Stage
from services.plan.messaging import translator
from services.plan.movements.application import Movements
from tests.unit.plan import test_clusters as block
from tests.unit.plan.support import NOW, PLANNER, clerk, launching_task, new_plans
from tests.unit.plan.test_movements import launched


def test_every_published_event_validates_and_ballots_stay_inside() -> None:
    plans = new_plans()
    movements, clusters, models = Movements(plans), Clusters(plans), ExemplaryModels(plans)
    # a movement launched from its plan task, joined, reviewed, concluded
    movement_id = launched(movements, task_id=launching_task(plans))
    movements.register(clerk("STC"), movement_id, unit_code="STC",
                       targets=[{"criterion_code": "TC1", "target": "Vượt thu 5%"}], today=date(2026, 3, 1), now=NOW)
    movements.review(PLANNER, movement_id, document_ref="120/BC-UBND", reviewed_on=date(2026, 7, 10),
                     summary="Sơ kết", complete_tasks=True, now=NOW)
    movements.conclude(PLANNER, movement_id, document_ref="25/BC-UBND", concluded_on=date(2026, 12, 20),
                       summary="Tổng kết", proposed_awards=[{"award": "Bằng khen của Chủ tịch UBND tỉnh",
                                                             "recipient_kind": "tap_the",
                                                             "recipient": "Sở Tài chính", "unit": "STC"}],
                       complete_tasks=True, now=NOW)
    # a block scored, voting its leader, proposed for the Government's flag
    cluster_id = block.scored(clusters)
    clusters.open_vote(PLANNER, cluster_id, quorum=Fraction(2, 3), threshold=Fraction(1, 2), strictly_more=True,
                       now=NOW)
    for voter in block.EIGHT:
        clusters.cast(clerk(voter), cluster_id, voter=voter, candidate="STC")
    clusters.close_vote(PLANNER, cluster_id, now=NOW)
    clusters.propose_government_flag(PLANNER, cluster_id, basis="Biên bản họp Hội đồng TĐKT tỉnh", now=NOW)
    # an exemplary model found through the movement, advanced, covered, published
    model_id, _ = models.recognise(PLANNER, name="Nông Văn Bình", subject_kind="ca_nhan", unit_code="STC",
                                   field="tài chính", movement_id=movement_id, achievement="Số hóa hồ sơ thu.",
                                   found_by_unit="SNV", found_on=date(2026, 4, 1), contact="0912 000 111", now=NOW)
    models.advance(PLANNER, model_id, to=Stage.BOI_DUONG, on=date(2026, 5, 1), note="", now=NOW)
    models.record_coverage(PLANNER, model_id, outlet="Báo Cao Bằng", title="Người số hóa", url=None,
                           published_on=date(2026, 5, 2), now=NOW)
    models.publish(PLANNER, model_id, public_summary="Số hóa hồ sơ thu ngân sách.", now=NOW)

    translate = translator(plans)
    notifications = plans.recorder.select_notifications(start=1, limit=10_000)
    published = [translate(plans.mapper.to_domain_event(n), uuid4()) for n in notifications]
    events = [e for e in published if e is not None]
    for event in events:
        schema = json.loads((SCHEMAS / schema_name(type(event))).read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(event.model_dump_json()), schema)
        assert "0912" not in event.model_dump_json()  # the model's private contact never leaves
    assert Counter(type(e).__name__ for e in events if e.event_name.startswith(("Movement", "Unit"))) == {
        "MovementTaskLinked": 1, "MovementLaunched": 1, "MovementRegistrationOpened": 1,
        "UnitRegisteredForMovement": 1, "MovementReviewed": 1, "MovementRegistrationClosed": 1,
        "MovementConcluded": 1}
    cluster_types = Counter(type(e).__name__ for e in events if type(e).__module__.endswith("plan_clusters"))
    assert cluster_types == {"ClusterFormed": 1, "CovenantSigned": 1, "ClusterScored": 1, "ClusterVoteOpened": 1,
                             "ClusterLeaderElected": 1, "GovernmentFlagProposed": 1}
    elected = next(e for e in events if isinstance(e, ClusterLeaderElected))
    assert (elected.leader.code, elected.votes, elected.ballots) == ("STC", 8, 8)
    # eight ballots and eight registers of voting were stored, none published
    stored = Counter(type(plans.mapper.to_domain_event(n)).__qualname__ for n in notifications)
    assert (stored["Cluster.BallotCast"], stored["BallotBox.Deposited"]) == (8, 8)
