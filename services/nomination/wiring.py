"""The nomination service's modules put together: the catalogue, the eligibility rules and the
history adapted to the dossier workflow's ports, and the use cases built on them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from pydantic import BaseModel, Field

from services.nomination.calendar import WorkingCalendar
from services.nomination.catalogue.quotas import UnitYearCounts
from services.nomination.catalogue.service import CatalogueService
from services.nomination.council.application import Council
from services.nomination.documents import FileStore
from services.nomination.dossiers.application import Drafting, Levels, Review
from services.nomination.dossiers.bulk import BulkSubmissions
from services.nomination.dossiers.domainmodel import NotUnderNoticeError
from services.nomination.dossiers.ports import AwardCounts, AwardInfo, Evaluation, Movements, TimeLimits
from services.nomination.eligibility import RuleLoader, evaluate, summarize
from services.nomination.eligibility.facts import NomineeFacts, SubjectKind
from services.nomination.history.port import DossierHistory
from services.nomination.settings import NominationSettings
from services.nomination.units import Hierarchy, UnitTree
from services.nomination.yamlconfig import load


class CatalogueAdapter:
    """The catalogue version in force, as the dossier workflow reads it."""

    def __init__(self, service: CatalogueService) -> None:
        self.service = service

    @property
    def version(self) -> str:
        current = self.service.current()
        return f"{current.number}:{current.label}"

    def award(self, code: str) -> AwardInfo:
        catalogue = self.service.current().catalogue
        award, council = catalogue.award(code), catalogue.council(code)
        return AwardInfo(
            code=award.code, name=award.name, category=award.category, level=award.level,
            subjects=frozenset(award.subjects), province_decides=catalogue.province_decides(code),
            notice_working_days=catalogue.notice_working_days(code), council_required=council is not None,
            council_threshold=float(council.threshold) if council else 0.5,
            council_comparison=council.comparison if council else "at_least",
            council_base=council.base if council else "all_members",
            written_votes_allowed=council.written_votes if council else False, posthumous_allowed=award.posthumous,
            bases=tuple(award.bases),
        )

    def required_documents(self, code: str, kind: str) -> dict[str, str]:
        return {d.code: d.name for d in self.service.current().catalogue.required_documents(code, kind)}

    def cash(self, code: str, subject: SubjectKind, on: date) -> int | None:
        amount = self.service.current().catalogue.cash_if_known(code, on, subject)
        return int(amount) if amount is not None else None

    def quota_problems(self, code: str, unit: str, year: int, counts: dict[str, int]) -> list[str]:
        catalogue = self.service.current().catalogue
        results = [catalogue.check_quota(q.code, UnitYearCounts(unit, year, counts))
                   for q in catalogue.quotas_of(code) if q.scope != "tinh" and counts.get(q.base)]
        return [result.explanation for result in results if not result.ok]


class EligibilityAdapter:
    """The rule set in force (reloaded when its file changes; a broken file keeps the last good
    one) applied to the facts of the nominee's history and the dossier."""

    def __init__(self, loader: RuleLoader, history: DossierHistory) -> None:
        self.loader = loader
        self.history = history
        self.counted: Callable[[str, str], None] = lambda award, outcome: None  # metrics (runtime)

    def evaluate(self, award_code: str, year: int, basis: str, nominee: dict[str, Any],
                 dossier_facts: dict[str, Any], on: date) -> Evaluation:
        self.loader.refresh()  # a broken file keeps the last good set; `status()` says what is wrong
        attestations = [str(a) for a in dossier_facts.get("attestations", [])]
        flags = {k: bool(v) for k, v in dossier_facts.items() if isinstance(v, bool)}
        facts = self.history.facts(nominee, attestations, flags) or NomineeFacts(
            subject_kind=nominee["kind"], attestations=frozenset(attestations), dossier=flags)
        rule_set = self.loader.current
        verdicts = evaluate(rule_set, award_code, year, facts, on, basis=basis)
        summary = summarize(verdicts)
        self.counted(award_code, str(getattr(summary.outcome, "value", summary.outcome)))
        return Evaluation(tuple(verdicts), summary.outcome, rule_set.version, text=summary.text,
                          deciding=summary.deciding, unverified=summary.unverified)


    def status(self) -> dict[str, Any]:
        self.loader.refresh()
        error = self.loader.last_error
        return {"version": self.loader.current.version, "file": str(self.loader.path),
                "problems": error.details if error else []}


class TimeLimitFile(BaseModel):
    verified: bool
    source: str
    days: dict[str, int] = Field(default_factory=dict)


def time_limits(path: Path) -> TimeLimits:
    return TimeLimits(load(path.read_text(encoding="utf-8"), TimeLimitFile, path.name).days)


@dataclass
class UseCases:
    drafting: Drafting
    review: Review
    council: Council
    bulk: BulkSubmissions
    levels: Levels
    hierarchy: Hierarchy
    store: FileStore
    calendar: WorkingCalendar
    history: DossierHistory
    eligibility: EligibilityAdapter


def build(app: Application[UUID], catalogue: CatalogueService, settings: NominationSettings,
          clock: Callable[[], datetime], counts: AwardCounts | None = None,
          movements: Movements | None = None) -> UseCases:
    store = FileStore(settings.documents_dir)
    calendar = WorkingCalendar.from_file(settings.holidays_file, settings.timezone)
    history = DossierHistory(app, clock)
    adapted = CatalogueAdapter(catalogue)
    eligibility = EligibilityAdapter(RuleLoader(settings.rules_file), history)
    hierarchy = Hierarchy(app, UnitTree.from_file(settings.units_file))
    hierarchy.load()  # an admin's replacement, when newer than the file (looked at again on each use)
    drafting = Drafting(app, adapted, history, store, hierarchy, movements)
    review = Review(app, adapted, eligibility, history, calendar, time_limits(settings.time_limits_file),
                    settings.simplified_skips_council, counts, movements)
    return UseCases(drafting, review, Council(app, adapted, review), BulkSubmissions(app, drafting),
                    Levels(app, hierarchy), hierarchy, store, calendar, history, eligibility)


def public_notice(review: Review, dossier_id: UUID) -> dict[str, Any]:
    """What may be published of a dossier under notice: never identification numbers, dates of
    birth or addresses."""
    dossier = review.load(dossier_id)
    if dossier.state.value != "public_notice":
        raise NotUnderNoticeError()
    notice = dossier.outcome["notice"]
    return {"dossier_id": dossier.id, "name": dossier.nominee["name"], "unit_code": dossier.nominee["unit_code"],
            "award": dossier.award["name"], "year": dossier.year, "summary": dossier.summary,
            "notice_from": notice["from"], "notice_until": notice["until"], "comments": len(notice["comments"])}
