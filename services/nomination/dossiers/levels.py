"""A parent unit's side of its units' dossiers (a school's at Sở Giáo dục và Đào tạo, a
company's at its group): return one to the unit with the reasons, or send several upward as
one submission under the parent's own tờ trình, to the next parent or to Sở Nội vụ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from servicekit.auth import Principal
from services.nomination.dossiers.base import DossierUseCases, levels_of
from services.nomination.dossiers.bulk import Submission
from services.nomination.dossiers.domainmodel import Dossier, DossierError
from services.nomination.dossiers.ports import Units


@dataclass(frozen=True)
class SentUp:
    submission_id: UUID
    number: str
    from_level: str
    to_level: str
    dossiers: list[UUID]


class Levels(DossierUseCases):
    def __init__(self, app: Application[UUID], units: Units) -> None:
        super().__init__(app)
        self.units = units

    def return_to_unit(self, dossier_id: UUID, version: int | None, actor: Principal, reasons: list[str],
                       now: datetime) -> int:
        """Return a dossier the parent unit holds to the unit that sent it, with the reasons."""
        dossier = self._held(dossier_id, version, actor, "return_to_unit")
        dossier.return_to_unit(reasons=reasons, by=actor.subject, at=now)
        return self.save(dossier)

    def send_up(self, actor: Principal, *, title: str, number: str, year: int, dossier_ids: list[UUID],
                now: datetime) -> SentUp:
        """Send the dossiers the actor's unit holds upward as one submission of that unit (its
        id from the unit, year and title; its tờ trình `number`), all or none: they must all be
        at the same level and go to the same next one."""
        unique = list(dict.fromkeys(dossier_ids))
        dossiers = [self._held(d, None, actor, "forward_up") for d in unique]
        levels = {d.level for d in dossiers}
        if len(levels) > 1:
            raise MixedLevelsError(sorted(levels))
        targets = {d.next_level() for d in dossiers}
        if len(targets) > 1:
            raise MixedLevelsError(sorted(targets), going=True)
        from_level = levels.pop()
        submission = self._submission(from_level, year, title, actor, now)
        to_level = targets.pop()
        submission.send_up(number=number, to_level=to_level, dossier_ids=unique, by=actor.subject, at=now)
        for dossier in dossiers:
            dossier.forward_up(submission_id=submission.id, number=number, title=submission.title,
                               by=actor.subject, at=now)
        self.app.save(submission, *dossiers)
        return SentUp(submission.id, number, from_level, to_level, unique)

    def _held(self, dossier_id: UUID, version: int | None, actor: Principal, command: str) -> Dossier:
        """The dossier for a parent unit's `command`; a unit that held it and sent it on (or
        returned it) is told where it is now."""
        dossier = self.load(dossier_id)
        if actor.unit and actor.unit != dossier.level and actor.unit in levels_of(dossier):
            raise NoLongerHeldError(self.units.name(dossier.level), dossier.level)
        return self.for_command(dossier_id, version, actor, command)

    def _submission(self, unit: str, year: int, title: str, actor: Principal, now: datetime) -> Submission:
        submission_id = Submission.create_id(unit, year, title)
        try:
            found: object = self.app.repository.get(submission_id)
        except AggregateNotFoundError:
            return Submission(unit_code=unit, year=year, title=" ".join(title.split()), opened_by=actor.subject,
                              opened_at=now)
        if not isinstance(found, Submission):
            raise DossierError(f"Không mở được đợt đề nghị '{title}'.")
        return found

    def where(self, dossier: Dossier) -> dict[str, object]:
        """The dossier's level and route in words (the units' names from the province's file)."""
        return {"level_name": self.units.name(dossier.level),
                "route_names": [self.units.name(code) for code in dossier.route]}


class MixedLevelsError(DossierError):
    def __init__(self, levels: list[str], going: bool = False) -> None:
        self.details = {"levels": levels}
        where = "đi tới các cấp khác nhau" if going else "đang ở các cấp khác nhau"
        super().__init__(f"Các hồ sơ trong một tờ trình phải cùng một cấp: những hồ sơ này {where} "
                         f"({', '.join(levels)}). Trình riêng từng nhóm.")


class NoLongerHeldError(DossierError):
    def __init__(self, name: str, level: str) -> None:
        self.details = {"level": level}
        super().__init__(f"Hồ sơ không còn ở đơn vị (đã trình tiếp hoặc trả lại); hiện ở: {name}.")
