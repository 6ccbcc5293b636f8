"""HTTP API of dossiers: Sở Nội vụ's steps, the decision and after, and the public notices."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from servicekit.auth import PUBLIC, SIGNED_IN, Principal, PrincipalDep, Role, require
from servicekit.http import VersionDep
from services.nomination.dossiers import schemas as s
from services.nomination.dossiers.api import versioned
from services.nomination.dossiers.application import Review
from services.nomination.routing import ReviewDep, RuntimeDep, dossier_policy
from services.nomination.runtime import NominationRuntime

router = APIRouter(prefix="/dossiers", tags=["dossiers: review"])
public = APIRouter(prefix="/public", tags=["public notice"])
admin = APIRouter(prefix="/admin", tags=["admin"])
rules = APIRouter(tags=["eligibility"])


async def _step(review: Review, runtime: NominationRuntime, dossier_id: UUID, version: int | None, actor: Principal,
                command: str, response: Response, **arguments: Any) -> s.Versioned:
    new_version = await runtime.call(review.step, dossier_id, version, actor, command, runtime.now(),
                                     **arguments)
    return versioned(response, new_version)


@router.post("/{dossier_id}/return", dependencies=dossier_policy("return"))
async def return_for_supplement(dossier_id: UUID, body: s.Reasons, review: ReviewDep, runtime: RuntimeDep,
                                actor: PrincipalDep, version: VersionDep, response: Response) -> s.Versioned:
    """Return to the unit for supplement, with the reasons (the processing clock stops)."""
    return await _step(review, runtime, dossier_id, version, actor, "return", response, reasons=body.reasons)


@router.post("/{dossier_id}/accept", dependencies=dossier_policy("accept"))
async def accept(dossier_id: UUID, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep, version: VersionDep,
                 response: Response) -> s.Versioned:
    """Accept a complete dossier for appraisal."""
    return await _step(review, runtime, dossier_id, version, actor, "accept", response)


@router.post("/{dossier_id}/consultation", dependencies=dossier_policy("request_consultation"))
async def consult(dossier_id: UUID, body: s.Consultation, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                  version: VersionDep, response: Response) -> s.Versioned:
    """Ask other agencies for their opinion (hiệp y)."""
    return await _step(review, runtime, dossier_id, version, actor, "request_consultation", response,
                       agencies=body.agencies)


@router.post("/{dossier_id}/consultation/opinions", dependencies=dossier_policy("record_consultation"))
async def opinion(dossier_id: UUID, body: s.Opinion, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                  version: VersionDep, response: Response) -> s.Versioned:
    """Record an agency's opinion."""
    return await _step(review, runtime, dossier_id, version, actor, "record_consultation", response, agency=body.agency,
                       agrees=body.agrees, opinion=body.opinion)


@router.post("/{dossier_id}/consultation/finish", dependencies=dossier_policy("finish_consultation"))
async def finish_consultation(dossier_id: UUID, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                              version: VersionDep, response: Response) -> s.Versioned:
    """Back to appraisal with the opinions received."""
    return await _step(review, runtime, dossier_id, version, actor, "finish_consultation", response)


@router.post("/{dossier_id}/hold", dependencies=dossier_policy("put_on_hold"))
async def hold(dossier_id: UUID, body: s.Hold, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
               version: VersionDep, response: Response) -> s.Versioned:
    """Pause: discipline, investigation or complaint pending (guard G1)."""
    return await _step(review, runtime, dossier_id, version, actor, "put_on_hold", response, ground=body.ground,
                       note=body.note)


@router.post("/{dossier_id}/resume", dependencies=dossier_policy("resume"))
async def resume(dossier_id: UUID, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep, version: VersionDep,
                 response: Response) -> s.Versioned:
    """Resume appraisal after a hold."""
    return await _step(review, runtime, dossier_id, version, actor, "resume", response)


@router.post("/{dossier_id}/appraise", dependencies=dossier_policy("appraise"))
async def appraise(dossier_id: UUID, body: s.Appraisal, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                   version: VersionDep, response: Response) -> s.Versioned:
    """Conclude the appraisal with the rules of the day (public notice or the council comes next)."""
    facts = {**body.dossier_facts, "attestations": body.attestations}
    return versioned(response, await runtime.call(
        review.appraise, dossier_id, version, actor, dossier_facts=facts,
        confirmed_unknown=body.confirmed_unknown, today=runtime.today(), now=runtime.now()))


@router.post("/{dossier_id}/notice/comments", dependencies=dossier_policy("record_notice_comment"))
async def notice_comment(dossier_id: UUID, body: s.Comment, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                         response: Response) -> s.Versioned:
    """Record a comment received during the public notice (by post, e-mail, the portal)."""
    return await _step(review, runtime, dossier_id, None, actor, "record_notice_comment", response,
                       author=body.author, content=body.content)


@router.post("/{dossier_id}/notice/close", dependencies=dossier_policy("close_notice"))
async def close_notice(dossier_id: UUID, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                       version: VersionDep, response: Response) -> s.Versioned:
    """End the public notice (only once its working days have passed) and go to the council."""
    return versioned(response, await runtime.call(review.close_notice, dossier_id, version, actor,
                                                  runtime.today(), runtime.now()))


@router.post("/{dossier_id}/send-for-decision", dependencies=dossier_policy("send_for_decision"))
async def send_for_decision(dossier_id: UUID, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                            version: VersionDep, response: Response) -> s.Versioned:
    """Put the council's positive result before the deciding authority."""
    return await _step(review, runtime, dossier_id, version, actor, "send_for_decision", response)


@router.post("/{dossier_id}/decide", dependencies=dossier_policy("decide"))
async def decide(dossier_id: UUID, body: s.Decision, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                 version: VersionDep, response: Response) -> s.Versioned:
    """Record the province's decision (e.g. 163/QĐ-UBND): the award enters the nominee's history."""
    return versioned(response, await runtime.call(
        review.decide, dossier_id, version, actor, number=body.number, decided_on=body.decided_on,
        signed_by=body.signed_by, now=runtime.now()))


@router.post("/{dossier_id}/forward", dependencies=dossier_policy("forward"))
async def forward(dossier_id: UUID, body: s.Forwarding, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                  version: VersionDep, response: Response) -> s.Versioned:
    """Record the Chairman's submission to the central level (e.g. 45/TTr-UBND)."""
    return versioned(response, await runtime.call(
        review.forward, dossier_id, version, actor, submission_number=body.submission_number,
        forwarded_on=body.forwarded_on, now=runtime.now()))


@router.post("/{dossier_id}/central-decision", dependencies=dossier_policy("record_central_decision"))
async def central_decision(dossier_id: UUID, body: s.CentralDecision, review: ReviewDep, runtime: RuntimeDep,
                           actor: PrincipalDep, version: VersionDep, response: Response) -> s.Versioned:
    """Record the decision of the Prime Minister or the President."""
    return versioned(response, await runtime.call(
        review.record_central_decision, dossier_id, version, actor, number=body.number,
        decided_on=body.decided_on, authority=body.authority, now=runtime.now()))


@router.post("/{dossier_id}/reject", dependencies=dossier_policy("reject"))
async def reject(dossier_id: UUID, body: s.Reason, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                 version: VersionDep, response: Response) -> s.Versioned:
    """Not awarded: the unit receives this written reason."""
    return await _step(review, runtime, dossier_id, version, actor, "reject", response, reason=body.reason)


@router.post("/{dossier_id}/confer", dependencies=dossier_policy("confer"))
async def confer(dossier_id: UUID, body: s.Conferral, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                 version: VersionDep, response: Response) -> s.Versioned:
    """Record the handing over of the certificate or medal and the cash paid."""
    return versioned(response, await runtime.call(
        review.confer, dossier_id, version, actor, conferred_on=body.conferred_on,
        received_by=body.received_by, cash_paid=body.cash_paid, now=runtime.now()))


@router.post("/{dossier_id}/revoke", dependencies=dossier_policy("revoke"))
async def revoke(dossier_id: UUID, body: s.Revocation, review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep,
                 version: VersionDep, response: Response) -> s.Versioned:
    """Annul the award on one of the four legal grounds, by the revoking decision."""
    return versioned(response, await runtime.call(
        review.revoke, dossier_id, version, actor, ground=body.ground, number=body.number,
        revoked_on=body.revoked_on, note=body.note, now=runtime.now()))


@public.get("/notices", dependencies=[PUBLIC])
async def notices(runtime: RuntimeDep) -> list[dict[str, Any]]:
    """Dossiers under public notice: what may be published, never identification numbers,
    dates of birth or addresses."""
    rows = await runtime.call(runtime.view("dossierview").dossiers, state="public_notice", limit=1000)
    return [await runtime.call(runtime.public_notice, row["dossier_id"]) for row in rows]


@public.get("/notices/{dossier_id}", dependencies=[PUBLIC])
async def notice(dossier_id: UUID, runtime: RuntimeDep) -> dict[str, Any]:
    """One dossier under public notice."""
    return await runtime.call(runtime.public_notice, dossier_id)


@admin.post("/check-lateness")
async def check_lateness(runtime: RuntimeDep,
                         _: Annotated[Principal, Depends(require(Role.ADMIN))]) -> dict[str, int]:
    """Mark every dossier whose current step passed its time limit (also runs on a timer)."""
    return {"marked_late": await runtime.check_lateness()}



@rules.get("/eligibility/rules", dependencies=SIGNED_IN)
async def rule_status(runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    """The rule set in force; when its file was edited into something broken, where it is
    broken (the last good set keeps being used)."""
    return await runtime.call(runtime.eligibility.status)


@rules.get("/quotas", dependencies=SIGNED_IN)
async def quotas(review: ReviewDep, runtime: RuntimeDep, actor: PrincipalDep, unit: str, year: int, award: str
                 ) -> dict[str, Any]:
    """Whether proposing one more of `award` keeps the unit within its quotas for the year."""
    counts = await runtime.call(runtime.view("dossierview").award_counts, unit, year)
    problems = await runtime.call(review.catalogue.quota_problems, award, unit, year, counts)
    return {"unit": unit, "year": year, "counts": counts, "problems": problems}
