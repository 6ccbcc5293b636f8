"""What the nomination service tells the others: a dossier's domain events as public
contracts, each translated with the dossier's state at that version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import Application

from contracts import IntegrationEvent
from contracts import nomination as c
from services.nomination.dossiers import priority
from services.nomination.dossiers.domainmodel import REVOCATION_GROUNDS, Dossier

STEPS = {"Accepted": "accepted", "ConsultationRequested": "consultation_requested",
         "ConsultationFinished": "consultation_finished", "Resumed": "resumed", "NoticeClosed": "notice_closed",
         "SentForDecision": "sent_for_decision", "UnitCouncilRecorded": "unit_council_recorded"}


StepDue = Callable[[Dossier], date | None]
Published = IntegrationEvent | list[IntegrationEvent] | None


def translator(app: Application[UUID], step_due: StepDue | None = None) -> Callable[[Any, UUID], Published]:
    """Without `step_due` (the Review's), version 1 of every event only."""
    return lambda event, event_id: to_contracts(event, event_id, app, step_due)


def to_contract(event: Any, event_id: UUID, app: Application[UUID]) -> IntegrationEvent | None:
    """Version 1 of the public event of a stored one."""
    published = to_contracts(event, event_id, app, None)
    assert not isinstance(published, list)
    return published


def to_contracts(event: Any, event_id: UUID, app: Application[UUID], step_due: StepDue | None) -> Published:
    """Version 1, and version 2 where the event has one (`contracts.nomination.SECOND_VERSIONS`):
    with the due date of the step the dossier entered, or with the nominee's priority groups
    (yes/no facts; the ethnicity itself stays here) and, for an opened dossier, the movement it is
    for; then version 3 where the event has one (`THIRD_VERSIONS`): version 2 with the nominee's
    leadership tier and the award's basis. The same fact under its own event id, so that a reader
    of several versions sees each once."""
    name = type(event).__name__
    if not publishes(type(event)):
        return None  # documents, edits: not public
    dossier = _dossier_at(event, app)
    common = _common(dossier, event, event_id)
    v1 = c.NominationProgressed(**common, step=STEPS[name]) if name in STEPS else BUILDERS[name](common, event, dossier)
    newer = c.SECOND_VERSIONS.get(type(v1))
    if step_due is None or newer is None:
        return v1
    added: dict[str, Any] = ({"step_due_on": step_due(dossier)} if type(v1) in c.WITH_STEP_DUE else
                             {"nominee_groups": c.PriorityGroups(**priority.groups(dossier.nominee))})
    if isinstance(v1, c.NominationCreated):
        added["movement_id"] = getattr(dossier, "movement_id", None)
    v2 = newer.model_validate({**v1.model_dump(), "version": 2, "event_id": uuid5(event_id, "v2"), **added})
    third = c.THIRD_VERSIONS.get(type(v1))
    if third is None:
        return [v1, v2]
    return [v1, v2, third.model_validate({
        **v2.model_dump(), "version": 3, "event_id": uuid5(event_id, "v3"), "basis": dossier.basis,
        "nominee_groups": c.PriorityGroupsV3(**priority.groups(dossier.nominee))})]


def publishes(cls: type) -> bool:
    """Whether `to_contracts` gives a message for an event of this class (the relay passes the
    others by undecoded)."""
    return issubclass(cls, Dossier.Event) and (cls.__name__ in BUILDERS or cls.__name__ in STEPS)


def _dossier_at(event: Any, app: Application[UUID]) -> Dossier:
    """The dossier as `event` left it: an opened one made from its own event (no read of the
    store: a spreadsheet of thousands opens thousands), a later version read from the store."""
    if isinstance(event, Dossier.Created):
        opened = event.mutate(None)
        assert isinstance(opened, Dossier)
        return opened
    found: Dossier = app.repository.get(event.originator_id, version=event.originator_version)
    return found


def _common(dossier: Dossier, event: Any, event_id: UUID) -> dict[str, Any]:
    nominee = dossier.nominee
    return {"event_id": event_id, "occurred_at": getattr(event, "at", None) or event.created_at,
            "dossier_id": dossier.id, "dossier_version": dossier.version, "state": dossier.state.value,
            "unit_code": dossier.unit_code, "award_code": dossier.award_code, "award_name": dossier.award["name"],
            "year": dossier.year,
            "nominee": c.NomineeRef(kind=nominee["kind"], ref=str(nominee["ref"]), name=nominee["name"],
                                    unit_code=nominee["unit_code"], masked_id=nominee.get("masked_id"))}


def _appraised(common: dict[str, Any], e: Any, d: Dossier) -> c.NominationAppraised:
    verdicts = e.verdicts.get("verdicts", [])
    rules = [c.RuleOutcome(rule_id=v["rule_id"], outcome=v["outcome"], verified=v.get("verified", True))
             for v in verdicts]
    return c.NominationAppraised(**common, rules=rules, catalogue_version=e.verdicts.get("catalogue_version"))


def _decided(common: dict[str, Any], e: Any, d: Dossier, central: bool = False) -> c.AwardDecided:
    return c.AwardDecided(**common, award_category=d.award["category"],
                          award_level=d.award["level"], decision_number=e.number, decided_on=e.decided_on,
                          signed_by=getattr(e, "signed_by", None) or e.authority, central=central, cash_amount=e.cash)


BUILDERS: dict[str, Callable[[dict[str, Any], Any, Dossier], IntegrationEvent]] = {
    "Created": lambda common, e, d: c.NominationCreated(**common, basis=e.basis, simplified=e.simplified,
                                                        posthumous=e.posthumous, submission_id=e.submission_id),
    "Submitted": lambda common, e, d: c.NominationSubmitted(**common, times_submitted=len(d.returns) + 1),
    "Returned": lambda common, e, d: c.NominationReturned(**common, reasons=e.reasons, times_returned=len(d.returns)),
    "Appraised": _appraised,
    "NoticeStarted": lambda common, e, d: c.NominationDisclosed(**common, notice_from=e.notice_from,
                                                                notice_until=e.notice_until, summary=d.summary),
    "PutOnHold": lambda common, e, d: c.NominationPutOnHold(**common, ground=e.ground),
    "CouncilVoted": lambda common, e, d: c.CouncilVoted(**common, session_id=e.session_id, passed=e.passed,
                                                        **{k: e.tally[k] for k in ("yes", "no", "abstain", "base",
                                                                                   "threshold")}),
    "Decided": _decided,
    "CentralDecided": lambda common, e, d: _decided(common, e, d, central=True),
    "Rejected": lambda common, e, d: c.NominationRejected(**common, reason=e.reason, rejected_in=e.rejected_in),
    "Forwarded": lambda common, e, d: c.NominationForwarded(**common, submission_number=e.submission_number,
                                                            forwarded_on=e.forwarded_on),
    "Conferred": lambda common, e, d: c.AwardConferred(**common, conferred_on=e.conferred_on, cash_paid=e.cash_paid,
                                                       posthumous=d.posthumous),
    "Revoked": lambda common, e, d: c.AwardRevoked(**common, ground=e.ground, ground_text=REVOCATION_GROUNDS[e.ground],
                                                   decision_number=e.number, revoked_on=e.revoked_on),
    "SentToParent": lambda common, e, d: c.NominationSentToParent(
        **common, level=e.parent, route=e.route, times_submitted=len(d.returns) + 1),
    "ReturnedByParent": lambda common, e, d: c.NominationReturnedByParent(
        **common, returned_by=e.level, reasons=e.reasons, times_returned=len(d.returns)),
    "ForwardedUp": lambda common, e, d: c.NominationSentUp(
        **common, from_level=e.from_level, level=e.to_level, submission_id=e.submission_id,
        submission_number=e.number, submission_title=e.title,
        chain=[c.LevelStep(step=s["step"], from_level=s["from"], to_level=s["to"], submission_number=s.get("number"))
               for s in d.chain]),
    "BecameLate": lambda common, e, d: c.NominationLate(**common, in_state=e.in_state, due_date=e.due),
    # A public comment: the fact and the count, never who wrote it or what (it may name anyone).
    "NoticeCommented": lambda common, e, d: c.NominationNoticeCommented(
        **common, comments=len(d.outcome["notice"]["comments"]), notice_until=d.outcome["notice"]["until"]),
}
