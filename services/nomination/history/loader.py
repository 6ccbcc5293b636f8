"""Saving the checked rows of an imported list, in batches of records.

Policy: a file that cannot be read, or whose header is wrong, saves nothing (the importer
refuses it). Otherwise the valid rows are saved and every invalid row is reported with its row
number and column; because each fact is keyed by its content, importing the corrected file
again adds only what was missing, so saving the valid rows never leaves a duplicate behind.
`strict=True` saves nothing unless every row is valid; `dry_run=True` saves nothing and
reports what would happen.

Rows are applied `batch_size` at a time, each batch in one transaction (one `save` of all the
records it touched). A batch that meets a concurrent change is re-applied from fresh records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from services.nomination.history import factkinds as kinds
from services.nomination.history.columns import LABELS, ImportRow, RowError
from services.nomination.history.domainmodel import Record
from services.nomination.history.identity import HistoryError, candidate_ids
from services.nomination.history.importer import Sheet
from services.nomination.history.pid import PersonalNumberError
from services.nomination.history.privacy import history_logger
from services.nomination.history.session import Session

if TYPE_CHECKING:
    from services.nomination.history.application import History

log = history_logger(__name__)
Progress = Callable[["ImportReport"], None]
ATTEMPTS = 3


@dataclass
class ImportReport:
    file: str
    checksum: str
    rows: int
    valid_rows: int = 0
    facts_added: int = 0
    facts_unchanged: int = 0
    people_created: int = 0
    collectives_created: int = 0
    rows_done: int = 0
    batches: int = 0
    saved: bool = False
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Batch:
    added: int = 0
    unchanged: int = 0
    people: int = 0
    collectives: int = 0
    valid: int = 0
    errors: list[RowError] = field(default_factory=list)


class SheetLoader:
    def __init__(self, history: History) -> None:
        self.history = history

    def run(self, sheet: Sheet, *, by: str, now: datetime, batch_size: int = 500, dry_run: bool = False,
            strict: bool = False, progress: Progress | None = None) -> ImportReport:
        if strict and not dry_run:
            trial = self.run(sheet, by=by, now=now, batch_size=batch_size, dry_run=True)
            if trial.errors:
                return trial
        report = ImportReport(file=sheet.filename, checksum=sheet.checksum, rows=sheet.total,
                              errors=list(sheet.errors))
        session = self._session() if dry_run else None
        for start in range(0, len(sheet.rows), batch_size):
            rows = sheet.rows[start:start + batch_size]
            batch = self._apply(rows, sheet, by, now, session)
            self._count(report, batch, len(rows))
            log.info("nhập lịch sử %s: %d/%d dòng", sheet.checksum[:12], report.rows_done, len(sheet.rows))
            if progress is not None:
                progress(report)
        report.saved = not dry_run
        report.errors.sort(key=lambda e: e.row)
        return report

    def _apply(self, rows: list[ImportRow], sheet: Sheet, by: str, now: datetime, session: Session | None) -> _Batch:
        for attempt in range(1, ATTEMPTS + 1):
            current = session or self._session()
            current.prefetch(i for row in rows for i in _ids(row))
            batch = _Batch()
            for row in rows:
                self._row(current, row, sheet, by, now, batch)
            if session is not None:
                return batch
            try:
                current.save()
                return batch
            except RecordConflictError:
                if attempt == ATTEMPTS:
                    raise
                log.warning("nhập lịch sử %s: dữ liệu vừa thay đổi, áp dụng lại lô", sheet.checksum[:12])
        raise AssertionError("unreachable")

    def _row(self, session: Session, row: ImportRow, sheet: Sheet, by: str, now: datetime, batch: _Batch) -> None:
        try:
            record, created = self._record(session, row, by, now)
        except (HistoryError, PersonalNumberError) as error:
            column = getattr(error, "field", None) or ("personal_number" if row.personal_number else "full_name")
            batch.errors.append(RowError(row.row, LABELS[column], str(error)))
            return
        facts = self._facts(row)
        conflicts = [RowError(row.row, LABELS["rating" if f["kind"] == "rating" else "award"], _conflict(record, f))
                     for f in facts if record.outcome(f)[1] == "conflict"]
        if conflicts:
            batch.errors.extend(conflicts)
            return
        source = kinds.import_source(sheet.filename, sheet.checksum, row.row)
        changed = sum(record.record(f, source=source, by=by, at=now) for f in facts)
        batch.added += changed
        batch.unchanged += len(facts) - changed
        batch.valid += 1
        if created:
            batch.people += row.subject == "ca_nhan"
            batch.collectives += row.subject != "ca_nhan"

    def _record(self, session: Session, row: ImportRow, by: str, now: datetime) -> tuple[Record, bool]:
        if row.subject == "ca_nhan":
            return self.history.person(session, personal_number=row.personal_number, full_name=row.full_name,
                                       born_on=row.born_on, sex=row.sex, unit_code=row.unit_code, by=by, now=now)
        return self.history.collective(session, unit_code=row.unit_code, name=row.full_name, by=by, now=now)

    def _facts(self, row: ImportRow) -> list[kinds.Fact]:
        facts = [kinds.rating(row.year, row.rating)] if row.rating else []
        if row.award_code:
            movement = (None, row.movement) if row.movement else None
            facts.append(self.history.decided_fact(row.award_code, row.year, row.decision_ref, row.decided_on,
                                                   row.basis, movement))
        return facts

    def _session(self) -> Session:
        return Session(self.history.app)

    @staticmethod
    def _count(report: ImportReport, batch: _Batch, rows: int) -> None:
        report.facts_added += batch.added
        report.facts_unchanged += batch.unchanged
        report.people_created += batch.people
        report.collectives_created += batch.collectives
        report.valid_rows += batch.valid
        report.errors.extend(batch.errors)
        report.rows_done += rows
        report.batches += 1


def _ids(row: ImportRow) -> list[UUID]:
    """The records a row may touch, to read them ahead."""
    return candidate_ids(row.subject, row.personal_number, row.full_name, row.born_on, row.unit_code)


def _conflict(record: Record, fact: kinds.Fact) -> str:
    key, _ = record.outcome(fact)
    old = record.facts[str(key)]
    return (f"Hồ sơ đã ghi {_describe(old)} (nguồn: {_source(old)}), khác với dòng này; "
            "sửa dòng cho đúng, hoặc sửa hồ sơ (có lý do) rồi nhập lại.")


def _describe(fact: kinds.Fact) -> str:
    if fact["kind"] == "rating":
        return f"xếp loại {fact['rating']} năm {fact['year']}"
    return f"{fact.get('code', fact['kind'])} năm {fact.get('year')} theo quyết định {fact.get('decision_ref') or '—'}"


def _source(fact: kinds.Fact) -> str:
    source: dict[str, Any] = fact.get("source") or {}
    if source.get("kind") == "import":
        return f"tệp {source.get('file')} dòng {source.get('row')}"
    if source.get("kind") == "decision":
        return f"quyết định {source.get('decision_ref')}"
    return "nhập tay"
