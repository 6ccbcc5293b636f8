"""Clusters and blocks on the Application with the in-memory recorder: a block of eight agencies
through its year, and every refusal leaving the block as it was."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

import pytest

from servicekit.auth import ForbiddenError
from services.plan.application import Plans
from services.plan.clusters.application import ClusterNotFoundError, Clusters
from services.plan.clusters.domainmodel import Cluster, Kind
from services.plan.clusters.rules import (
    AlreadyVotedError,
    CandidateNotInClusterError,
    ClusterStepError,
    PointsAboveMaximumError,
    QuorumNotReachedError,
    ranking,
)
from tests.unit.plan.support import AGENCIES, NOW, PLANNER, clerk, new_plans

EIGHT = [code for code, _ in AGENCIES[:8]]
CRITERIA = [{"code": "TC1", "title": "Thực hiện nhiệm vụ chính trị", "max_points": Decimal(60)},
            {"code": "TC2", "title": "Công tác thi đua, khen thưởng", "max_points": Decimal(40)}]


@pytest.fixture
def plans() -> Plans:
    return new_plans()


@pytest.fixture
def clusters(plans: Plans) -> Clusters:
    return Clusters(plans)


def points(tc1: float, tc2: float) -> dict[str, Decimal]:
    return {"TC1": Decimal(str(tc1)), "TC2": Decimal(str(tc2))}


def formed(clusters: Clusters) -> UUID:
    cluster_id, created = clusters.form(
        PLANNER, code="KHOI-TH", name="Khối các cơ quan tổng hợp", kind=Kind.KHOI, year=2026,
        members=[{"code": c} for c in EIGHT], leader="STC", deputy="STP", own_member=None,
        decision_ref="35/QĐ-UBND", formed_on=date(2026, 3, 20), now=NOW)
    assert created
    return cluster_id


def scored(clusters: Clusters) -> UUID:
    cluster_id = formed(clusters)
    clusters.sign_covenant(PLANNER, cluster_id, criteria=CRITERIA, signatories=None, signed_on=date(2026, 3, 25),
                           document_ref=None, now=NOW)
    for n, code in enumerate(EIGHT):
        clusters.score(PLANNER, cluster_id, unit_code=code, points=points(55 - n, 38), now=NOW)
    clusters.close_scoring(PLANNER, cluster_id, now=NOW)
    return cluster_id


def voting(clusters: Clusters) -> UUID:
    cluster_id = scored(clusters)
    clusters.open_vote(PLANNER, cluster_id, quorum=Fraction(2, 3), threshold=Fraction(1, 2), strictly_more=True,
                       now=NOW)
    return cluster_id


def test_the_block_signs_its_covenant_assesses_itself_and_is_ranked(clusters: Clusters) -> None:
    cluster_id = formed(clusters)
    assert clusters.sign_covenant(PLANNER, cluster_id, criteria=CRITERIA, signatories=None,
                                  signed_on=date(2026, 3, 25), document_ref=None, now=NOW)[1] is True
    assert clusters.sign_covenant(PLANNER, cluster_id, criteria=CRITERIA, signatories=["STC"],
                                  signed_on=date(2026, 3, 26), document_ref=None, now=NOW)[1] is False
    clusters.self_assess(clerk("STC"), cluster_id, unit_code="STC", points=points(57.5, 38), now=NOW)
    with pytest.raises(ForbiddenError):
        clusters.self_assess(clerk("STP"), cluster_id, unit_code="STC", points=points(60, 40), now=NOW)
    for code in EIGHT:
        clusters.score(PLANNER, cluster_id, unit_code=code, points=points(55, 37 if code == "STP" else 36), now=NOW)
    clusters.score(PLANNER, cluster_id, unit_code="STC", points=points(56, 38), now=NOW)  # a correction
    clusters.close_scoring(PLANNER, cluster_id, now=NOW)
    results = clusters.get(cluster_id)["results"]
    assert [(r["code"], r["total"], r["rank"]) for r in results[:3]] == [
        ("STC", Decimal(94), 1), ("STP", Decimal(92), 2), ("SCT", Decimal(91), 3)]
    assert {r["rank"] for r in results[2:]} == {3}  # six agencies share the third place
    with pytest.raises(ClusterStepError, match="đã công bố kết quả"):
        clusters.score(PLANNER, cluster_id, unit_code="STC", points=points(1, 1), now=NOW)


def test_scores_above_a_criterions_maximum_change_nothing(clusters: Clusters) -> None:
    cluster_id = formed(clusters)
    clusters.sign_covenant(PLANNER, cluster_id, criteria=CRITERIA, signatories=None, signed_on=date(2026, 3, 25),
                           document_ref=None, now=NOW)
    version = clusters.get(cluster_id)["version"]
    with pytest.raises(PointsAboveMaximumError, match=r"TC2 \(40.5\) vượt quá điểm tối đa 40"):
        clusters.score(PLANNER, cluster_id, unit_code="STC", points=points(60, 40.5), now=NOW)
    with pytest.raises(ClusterStepError, match="Chưa chấm điểm"):
        clusters.close_scoring(PLANNER, cluster_id, now=NOW)
    assert clusters.get(cluster_id)["version"] == version


def test_the_members_vote_names_the_leading_unit_once_each(clusters: Clusters) -> None:
    cluster_id = voting(clusters)
    with pytest.raises(CandidateNotInClusterError, match="THUE"):
        clusters.cast(clerk("SKHCN"), cluster_id, voter="SKHCN", candidate="THUE")
    with pytest.raises(ForbiddenError):
        clusters.cast(PLANNER, cluster_id, voter="SKHCN", candidate="STC")
    choices = {"SNV": "STC", "STC": "STP", "STP": "STC", "SYT": "STC", "SXD": "STC", "SCT": None, "SKHCN": "STC"}
    for voter, candidate in choices.items():
        clusters.cast(clerk(voter), cluster_id, voter=voter, candidate=candidate)
    with pytest.raises(AlreadyVotedError, match="chỉ có một phiếu"):
        clusters.cast(clerk("STC"), cluster_id, voter="STC", candidate="STC")
    assert clusters.close_vote(PLANNER, cluster_id, now=NOW)[1] == "STC"
    details = clusters.get(cluster_id)
    tally = dict.fromkeys(sorted(EIGHT), 0) | {"STC": 5, "STP": 1}
    assert details["elected"] == "STC"
    assert details["vote_results"] == [{"round": 1, "tally": tally, "blank": 1, "ballots": 7, "voters": 8,
                                        "votes_needed": 5, "elected": "STC"}]


def test_a_vote_without_a_quorum_is_not_counted(clusters: Clusters) -> None:
    cluster_id = voting(clusters)
    for voter in EIGHT[:5]:  # quorum: 2/3 of 8 = 6 ballots
        clusters.cast(clerk(voter), cluster_id, voter=voter, candidate="STC")
    version = clusters.get(cluster_id)["version"]
    with pytest.raises(QuorumNotReachedError, match="5/8 đơn vị, cần ít nhất 6"):
        clusters.close_vote(PLANNER, cluster_id, now=NOW)
    assert clusters.get(cluster_id)["version"] == version
    assert clusters.get(cluster_id)["vote"]["voted"] == sorted(EIGHT[:5])


def test_an_even_split_is_inconclusive_and_another_round_opens(clusters: Clusters) -> None:
    cluster_id = voting(clusters)
    for n, voter in enumerate(EIGHT):
        clusters.cast(clerk(voter), cluster_id, voter=voter, candidate="STC" if n % 2 else "STP")
    assert clusters.close_vote(PLANNER, cluster_id, now=NOW)[1] is None
    with pytest.raises(ClusterStepError, match="chưa bầu được"):
        clusters.propose_government_flag(PLANNER, cluster_id, basis="Biên bản họp", now=NOW)
    clusters.open_vote(PLANNER, cluster_id, quorum=Fraction(2, 3), threshold=Fraction(1, 2), strictly_more=True,
                       now=NOW)
    for voter in EIGHT:
        clusters.cast(clerk(voter), cluster_id, voter=voter, candidate="STC")
    assert clusters.close_vote(PLANNER, cluster_id, now=NOW)[1] == "STC"
    assert clusters.propose_government_flag(PLANNER, cluster_id, basis="Biên bản họp Hội đồng TĐKT tỉnh",
                                            now=NOW)[1] is True
    assert clusters.get(cluster_id)["government_flag"] == "STC"


def test_the_composition_keeps_its_history(clusters: Clusters, plans: Plans) -> None:
    cluster_id = formed(clusters)
    clusters.admit(PLANNER, cluster_id, member={"code": "THUE"}, on=date(2026, 7, 1), reason="QĐ 80/QĐ-UBND",
                   now=NOW)
    clusters.release(PLANNER, cluster_id, code="SKHCN", on=date(2026, 9, 1), reason="Sáp nhập", now=NOW)
    with pytest.raises(ClusterStepError, match="cụm trưởng"):
        clusters.release(PLANNER, cluster_id, code="STC", on=date(2026, 9, 1), reason="x", now=NOW)
    cluster = plans.load(Cluster, cluster_id, ClusterNotFoundError)
    assert "THUE" not in cluster.members_on(date(2026, 6, 30)) and "THUE" in cluster.members_on(date(2026, 7, 1))
    assert "SKHCN" in cluster.members_on(date(2026, 8, 31)) and "SKHCN" not in cluster.members_on(date(2026, 9, 1))
    assert len(clusters.get(cluster_id)["memberships"]) == 9


def test_the_provinces_own_result_in_the_seven_province_cluster(clusters: Clusters) -> None:
    provinces = [("T.CAOBANG", "Tỉnh Cao Bằng"), ("T.LANGSON", "Tỉnh Lạng Sơn"), ("T.LAOCAI", "Tỉnh Lào Cai"),
                 ("T.DIENBIEN", "Tỉnh Điện Biên"), ("T.LAICHAU", "Tỉnh Lai Châu"), ("T.SONLA", "Tỉnh Sơn La"),
                 ("T.TUYENQUANG", "Tỉnh Tuyên Quang")]
    cluster_id, _ = clusters.form(
        PLANNER, code="CUM-7T", name="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc", kind=Kind.CUM, year=2025,
        members=[{"code": c, "name": n} for c, n in provinces], leader="T.CAOBANG", deputy="T.SONLA",
        own_member="T.CAOBANG", decision_ref=None, formed_on=date(2025, 1, 15), now=NOW)
    clusters.sign_covenant(PLANNER, cluster_id, criteria=CRITERIA, signatories=None, signed_on=date(2025, 3, 1),
                           document_ref=None, now=NOW)
    with pytest.raises(ClusterStepError, match="Cụm liên tỉnh"):
        clusters.score(PLANNER, cluster_id, unit_code="T.CAOBANG", points=points(50, 40), now=NOW)
    result = {"points": points(52, 39), "total": None, "rank": 1, "ranked_members": 7,
              "leading_member": "T.CAOBANG", "title": "Cờ thi đua của Chính phủ", "document_ref": "12/BC-CTĐ",
              "recorded_on": date(2026, 1, 20)}
    assert clusters.record_own_result(PLANNER, cluster_id, result=result, now=NOW)[1] is True
    assert clusters.get(cluster_id)["own_result"]["total"] == Decimal(91)
    with pytest.raises(PointsAboveMaximumError):
        clusters.record_own_result(PLANNER, cluster_id, result={**result, "points": points(61, 39)}, now=NOW)


def test_equal_totals_share_a_rank() -> None:
    ranks = ranking({"A": Decimal(90), "B": Decimal(95), "C": Decimal(90), "D": Decimal(80)})
    assert [(r["code"], r["rank"]) for r in ranks] == [("B", 1), ("A", 2), ("C", 2), ("D", 4)]
