"""The ballot box of one round of a cluster's vote: choices without voters.

Secrecy: the cluster records *that* a member unit voted; the choice goes here under a random
ballot id, with no unit and no time of its own, and only the tally leaves the service.
Pure domain: `eventsourcing.domain` and the standard library.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from services.plan.clusters.rules import ClusterStepError


class BallotBox(Aggregate):
    @staticmethod
    def create_id(cluster_id: UUID, round: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"/clusters/{cluster_id}/votes/{round}/ballots")

    @event("Placed")
    def __init__(self, *, cluster_id: UUID, round: int) -> None:
        self.ballots: dict[str, str | None] = {}
        self.sealed = False

    def deposit(self, candidate: str | None) -> None:
        """One ballot: a candidate's code, or None for a blank ballot."""
        if self.sealed:
            raise ClusterStepError("Vòng bỏ phiếu đã kết thúc.")
        self._deposited(ballot_id=uuid4().hex, candidate=candidate)

    @event("Deposited")
    def _deposited(self, ballot_id: str, candidate: str | None) -> None:
        self.ballots[ballot_id] = candidate

    def tally(self) -> tuple[dict[str, int], int]:
        """Votes per candidate, and the number of blank ballots."""
        counts: dict[str, int] = {}
        for candidate in self.ballots.values():
            if candidate is not None:
                counts[candidate] = counts.get(candidate, 0) + 1
        return counts, sum(1 for c in self.ballots.values() if c is None)

    def seal(self) -> None:
        if not self.sealed:
            self._sealed()

    @event("Sealed")
    def _sealed(self) -> None:
        self.sealed = True
