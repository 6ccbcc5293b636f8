"""HTTP statuses of the dossier workflow's errors (one table, used by the composition root)."""

from __future__ import annotations

from services.nomination.calendar import YearNotConfiguredError
from services.nomination.council.application import SessionNotFoundError
from services.nomination.documents import DocumentMissingError, DocumentRejectedError
from services.nomination.dossiers.application import (
    ConfirmationRequiredError,
    DecideInsteadError,
    ForwardInsteadError,
    MixedLevelsError,
    NoLongerHeldError,
    NotEligibleError,
)
from services.nomination.dossiers.base import DossierNotFoundError, NotAllowedError, VersionMismatchError
from services.nomination.dossiers.bulk import SpreadsheetError, SubmissionNotFoundError
from services.nomination.dossiers.domainmodel import (
    DossierError,
    IllegalTransitionError,
    MissingDocumentsError,
    NoticeStillOpenError,
    NotUnderNoticeError,
    SubmissionNumberConflictError,
    UnitCouncilRequiredError,
)

ERRORS: dict[type[Exception], tuple[int, str]] = {
    DossierNotFoundError: (404, "dossier_not_found"),
    SubmissionNotFoundError: (404, "submission_not_found"),
    SessionNotFoundError: (404, "session_not_found"),
    NotUnderNoticeError: (404, "not_under_notice"),
    DocumentMissingError: (404, "document_missing"),
    NotAllowedError: (403, "forbidden"),
    IllegalTransitionError: (409, "illegal_transition"),
    VersionMismatchError: (409, "version_mismatch"),
    MissingDocumentsError: (409, "missing_documents"),
    UnitCouncilRequiredError: (409, "unit_council_required"),
    NoticeStillOpenError: (409, "notice_still_open"),
    NotEligibleError: (409, "not_eligible"),
    ConfirmationRequiredError: (409, "confirmation_required"),
    ForwardInsteadError: (409, "forward_instead"),
    DecideInsteadError: (409, "decide_instead"),
    MixedLevelsError: (409, "mixed_levels"),
    NoLongerHeldError: (409, "no_longer_held"),
    SubmissionNumberConflictError: (409, "submission_number_conflict"),
    DocumentRejectedError: (422, "document_rejected"),
    SpreadsheetError: (422, "invalid_spreadsheet"),
    YearNotConfiguredError: (503, "calendar_not_configured"),
    DossierError: (422, "dossier_rule_violated"),
}
