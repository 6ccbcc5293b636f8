"""What each cluster and exemplary-model event gives the reports: its rows, their keys and days,
and the filters the figures and their lists share."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from contracts import IntegrationEvent
from contracts import plan_clusters as cl
from contracts import plan_exemplary as ex
from services.reporting.documents.tables import tables
from services.reporting.filters import ClusterResultFilter, ExemplaryFilter
from services.reporting.outcomes import CLUSTER_RESULTS, NO_UNIT, OutcomeProjection, cluster_rows, exemplary_row

FIXTURES = Path(__file__).resolve().parents[2] / "contracts" / "fixtures"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def event(cls: type[IntegrationEvent], **changes: Any) -> Any:
    data = json.loads((FIXTURES / f"plan.{cls.__name__}.v1.json").read_text(encoding="utf-8"))
    return cls.model_validate({**data, **changes})


def test_a_ranking_gives_one_row_per_member_with_its_rank_and_the_size_of_the_ranking() -> None:
    scored = event(cl.ClusterScored)
    rows = cluster_rows(scored, ZONE)
    assert [(r["fact"], r["unit_code"], r["rank"], r["ranked"], r["round"]) for r in rows] == [
        ("scored", m.unit.code, m.rank, len(scored.results), 0) for m in scored.results]
    assert {r["max_total"] for r in rows} == {scored.max_total}
    assert {r["version"] for r in rows} == {scored.cluster_version}


def test_a_day_the_event_does_not_state_is_its_day_in_the_province() -> None:
    late_evening = event(cl.ClusterSelfAssessed, occurred_at="2026-03-31T18:30:00Z")  # 01:30 on 1 April there
    [row] = cluster_rows(late_evening, ZONE)
    assert (row["fact"], row["on_date"]) == ("self_assessed", date(2026, 4, 1))
    recorded = event(cl.ClusterResultRecorded, recorded_on="2026-01-20", occurred_at="2026-02-01T03:00:00Z")
    [own] = cluster_rows(recorded, ZONE)
    assert (own["fact"], own["on_date"], own["unit_code"]) == ("own_result", date(2026, 1, 20), recorded.member.code)


def test_votes_are_keyed_by_round_and_a_vote_without_a_winner_by_no_unit() -> None:
    [elected] = cluster_rows(event(cl.ClusterLeaderElected, round=2), ZONE)
    [none] = cluster_rows(event(cl.ClusterVoteInconclusive), ZONE)
    assert (elected["fact"], elected["round"]) == ("leader_elected", 2)
    inconclusive = event(cl.ClusterVoteInconclusive)
    assert (none["unit_code"], none["votes"]) == (NO_UNIT, max(t.votes for t in inconclusive.tally))
    proposal = event(cl.GovernmentFlagProposed)
    [flag] = cluster_rows(proposal, ZONE)
    assert (flag["fact"], flag["unit_code"], flag["award"]) == ("government_flag", proposal.unit.code, proposal.award)


@pytest.mark.parametrize("cls", [c for c in cl.EVENTS if c not in CLUSTER_RESULTS])
def test_cluster_events_that_are_not_results_give_no_row(cls: type[IntegrationEvent]) -> None:
    assert cluster_rows(event(cls), ZONE) == []


def test_only_results_and_models_are_consumed() -> None:
    handled = set(OutcomeProjection(ZONE).handlers)
    assert handled == {*CLUSTER_RESULTS, *ex.EVENTS}


@pytest.mark.parametrize(("cls", "fact", "day"), [
    (ex.ExemplaryModelRecognised, "recognised", "found_on"), (ex.ExemplaryModelAdvanced, "advanced", "advanced_on"),
    (ex.ExemplaryModelCovered, "covered", "published_on"), (ex.ExemplaryModelPublished, "published", None),
    (ex.ExemplaryModelUnpublished, "unpublished", None)])
def test_each_model_event_is_one_fact_keyed_by_the_models_version(cls: type[IntegrationEvent], fact: str,
                                                                  day: str | None) -> None:
    e = event(cls)
    row = exemplary_row(e, ZONE)
    assert (row["fact"], row["model_id"], row["version"], row["stage"], row["field"]) == (
        fact, e.model_id, e.model_version, e.stage, e.field)
    assert row["on_date"] == (getattr(e, day) if day else e.occurred_at.astimezone(ZONE).date())


def test_the_filters_write_the_same_conditions_as_the_lists_query_strings() -> None:
    movement = str(uuid4())
    flt = ExemplaryFilter(on_from=date(2026, 1, 1), on_to=date(2026, 6, 30), reached="boi_duong", movement=movement)
    where, args = flt.where()
    assert where == ("on_date >= $1 AND on_date <= $2 AND fact IN ('recognised', 'advanced') AND stage = $3 "
                     "AND movement_id = $4::uuid")
    assert args == [date(2026, 1, 1), date(2026, 6, 30), "boi_duong", movement]
    assert flt.url() == (f"/reports/exemplary-models?on_from=2026-01-01&on_to=2026-06-30&reached=boi_duong"
                         f"&movement={movement}")
    outside = ExemplaryFilter(movement="khong").where()
    assert outside == ("movement_id IS NULL", [])
    results = ClusterResultFilter(fact="own_result", cluster="CUM-7T")
    assert results.where() == ("fact = $1 AND cluster_code = $2", ["own_result", "CUM-7T"])
    assert results.url() == "/reports/cluster-results?fact=own_result&cluster=CUM-7T"


def test_the_documents_carry_the_clusters_and_the_models_after_the_named_tables() -> None:
    def fig(label: str, count: int, key: str | None = None) -> dict[str, Any]:
        return {"key": key, "label": label, "count": count, "list_url": "/x"}

    report = {
        "tasks": {"by_quarter": [], "by_unit": []},
        "movements": {k: fig(k, 0) for k in ("launched", "concluded")} | {"by_kind": [], "by_scope": [],
                                                                          "by_launcher": []},
        "awards": {k: [] for k in ("by_form", "by_category", "by_level", "by_subject", "by_deciding_level",
                                   "by_unit", "by_cluster", "by_achievement_year", "by_movement", "by_form_by_year")}
        | {"forwarded": {"total": fig("f", 0), "by_result": []}},
        "priority_groups": {"individuals": fig("Cá nhân", 0) | {"cash_total": 0}, "groups": [], "undeclared": [],
                            "without_leadership_by_year": []},
        "clusters": {"by_fact": [fig("Tự chấm", 8, "self_assessed")], "by_cluster": [fig("Khối", 9, "KHOI-TH")]},
        "exemplary": {"found": fig("Phát hiện", 4), "by_subject": [fig("cá nhân", 2, "ca_nhan")],
                      "by_stage": [fig("phát hiện", 4, "phat_hien")], "covered": fig("Tin", 3),
                      "published": fig("Công khai", 2), "unpublished": fig("Rút", 1),
                      "by_field": [fig("y tế", 1, "y tế")], "by_movement": [fig("Phong trào", 3, "x")]},
    }
    made = tables(report)
    assert [t.sheet for t in made[-7:-2]] == ["Kết quả cụm, khối", "Kết quả theo cụm, khối", "Điển hình tiên tiến",
                                            "Điển hình theo lĩnh vực", "Điển hình theo phong trào"]
    assert made[-5].rows == [["Phát hiện", 4], ["- cá nhân", 2], ["phát hiện", 4], ["Tin", 3], ["Công khai", 2],
                             ["Rút", 1]]
    assert all(len(t.sheet) <= 31 for t in made)
