"""What every dossier use case shares: loading a dossier for a command, checking who may give
it, and saving it with anything else the command changed in one transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from servicekit.auth import Principal, Role
from services.nomination.dossiers.domainmodel import Dossier, DossierError
from services.nomination.dossiers.states import APPRAISER, CHAIR, COMMANDS, PARENT, PROVINCE, SECRETARY, UNIT

# The dossier's command table (states.COMMANDS: the states and whose step it is), in roles.
ACTOR_ROLES = {UNIT: Role.UNIT_CLERK, PARENT: Role.UNIT_CLERK, APPRAISER: Role.APPRAISER,
               SECRETARY: Role.COUNCIL_SECRETARY, CHAIR: Role.CHAIR}
ACTOR_LABELS = {UNIT: "cán bộ TĐKT của đơn vị đề nghị",
                PARENT: "cán bộ TĐKT của đơn vị cấp trên đang giữ hồ sơ",
                APPRAISER: "chuyên viên thẩm định (Sở Nội vụ)",
                SECRETARY: "thư ký Hội đồng TĐKT", CHAIR: "Chủ tịch (người có thẩm quyền quyết định)"}
# Who reads every unit's dossiers (a unit's clerk reads the unit's own).
READERS = frozenset({Role.APPRAISER, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.CHAIR, Role.AUDITOR})


class DossierUseCases:
    def __init__(self, app: Application[UUID]) -> None:
        self.app = app

    def load(self, dossier_id: UUID) -> Dossier:
        try:
            found: object = self.app.repository.get(dossier_id)
        except AggregateNotFoundError:
            raise DossierNotFoundError(dossier_id) from None
        if not isinstance(found, Dossier):
            raise DossierNotFoundError(dossier_id)
        return found

    def for_command(self, dossier_id: UUID, expected_version: int | None, actor: Principal, command: str) -> Dossier:
        dossier = self.load(dossier_id)
        authorize(actor, command, dossier.unit_code, dossier.level)
        if expected_version is not None and expected_version != dossier.version:
            raise VersionMismatchError(dossier.version, expected_version)
        dossier.check(command)
        return dossier

    def for_reading(self, dossier_id: UUID, actor: Principal) -> Dossier:
        dossier = self.load(dossier_id)
        check_can_read(actor, dossier.unit_code, levels_of(dossier))
        return dossier

    def save(self, dossier: Dossier, *others: Aggregate) -> int:
        self.app.save(dossier, *others)
        return dossier.version


def roles_for(command: str) -> tuple[frozenset[Role], bool]:
    """The roles that give `command`, and whether a unit's clerk gives it for the own unit (or,
    at a parent unit, for the dossiers it holds) only."""
    actors = COMMANDS[command].actors
    return frozenset(ACTOR_ROLES[who] for who in actors), bool(actors & {UNIT, PARENT})


def authorize(actor: Principal, command: str, unit_code: str, level: str | None = None) -> None:
    """The unit's clerk acts on the unit's dossiers; a parent unit's clerk on those it holds
    (`level`: the dossiers its units sent it); the other roles on every unit's."""
    if Role.ADMIN in actor.roles:
        return
    scope = {UNIT: unit_code, PARENT: level}
    for who in COMMANDS[command].actors:
        if ACTOR_ROLES[who] in actor.roles and (who not in scope or (actor.unit and actor.unit == scope[who])):
            return
    names = ", ".join(ACTOR_LABELS[a] for a in sorted(COMMANDS[command].actors))
    raise NotAllowedError(f"Chỉ {names} được {COMMANDS[command].label}.")


def check_can_read(actor: Principal, unit_code: str, levels: frozenset[str] = frozenset()) -> None:
    """Every unit's dossiers for READERS; for a unit's clerk, the unit's own and those of its
    units that passed through it (`levels`: the parent units that held the dossier)."""
    if actor.has_any(READERS) or (Role.UNIT_CLERK in actor.roles and actor.unit in {unit_code, *levels}):
        return
    raise NotAllowedError("Đơn vị chỉ xem được hồ sơ của chính mình và của đơn vị trực thuộc đã gửi lên.")


def levels_of(dossier: Dossier) -> frozenset[str]:
    """The parent units that held the dossier (or hold it now)."""
    return frozenset({dossier.level} | {step["to"] for step in dossier.chain}) - {PROVINCE, dossier.unit_code}


def visible_unit(actor: Principal, unit: str | None, level: str | None = None) -> str | None:
    """The unit whose dossiers a list shows: a unit's clerk sees only the unit's own, or, asking
    for the dossiers at its own level, those its units sent it."""
    if actor.has_any(READERS) or Role.UNIT_CLERK not in actor.roles or (level and level == actor.unit):
        return unit
    return actor.unit


def details(dossier: Dossier, **extra: Any) -> dict[str, Any]:
    return {"dossier_id": dossier.id, "version": dossier.version, "state": dossier.state.value,
            "state_since": dossier.state_since, "unit_code": dossier.unit_code, "award_code": dossier.award_code,
            "year": dossier.year, "basis": dossier.basis, "nominee": _public_nominee(dossier.nominee),
            "summary": dossier.summary, "simplified": dossier.simplified, "posthumous": dossier.posthumous,
            "submission_id": dossier.submission_id, "movement_id": getattr(dossier, "movement_id", None),
            "documents": list(dossier.documents.values()),
            "returns": dossier.returns, "outcome": dossier.outcome, "late_in": dossier.late_in,
            "level": dossier.level, "route": dossier.route, "chain": dossier.chain, **extra}


def _public_nominee(nominee: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in nominee.items() if k in {"kind", "ref", "name", "unit_code", "masked_id",
                                                     "position", "deceased"}}


class DossierNotFoundError(DossierError):
    def __init__(self, dossier_id: UUID) -> None:
        super().__init__(f"Không tìm thấy hồ sơ {dossier_id}.")


class NotAllowedError(DossierError):
    """Raised when the person's role or unit may not give this command (HTTP 403)."""


class VersionMismatchError(DossierError):
    def __init__(self, actual: int, expected: int) -> None:
        self.details = {"current_version": actual, "expected_version": expected}
        super().__init__(f"Hồ sơ đã được người khác cập nhật (phiên bản {actual}, bạn sửa từ phiên bản "
                         f"{expected}); hãy tải lại rồi thực hiện lại.")
