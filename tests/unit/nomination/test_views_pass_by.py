"""The nomination service's views leave undecoded only the events they would only track: every
class a view's `process_event` registers, or treats in its default, is decoded."""

from __future__ import annotations

from typing import Any

from services.nomination.dossiers.domainmodel import Dossier, Submission
from services.nomination.dossiers.views import DossierProjection
from services.nomination.history.domainmodel import Collective, Person, PersonAlias, Record
from services.nomination.history.views import HistoryProjection


def _event(aggregate: type, name: str) -> Any:
    return getattr(aggregate, name)  # event classes made by @event


def test_the_history_view_decodes_the_records_events_and_passes_by_the_dossiers() -> None:
    for decoded in (_event(Person, "Registered"), _event(Collective, "Registered"), Person.DetailsCompleted,
                    Person.RatingRecorded, Record.AwardRecorded, Collective.Absorbed, Person.MergedInto):
        assert not HistoryProjection.only_tracked(decoded), decoded
    for passed in (_event(Dossier, "Created"), _event(Submission, "Opened"), _event(PersonAlias, "Created")):
        assert HistoryProjection.only_tracked(passed), passed


def test_the_dossier_view_decodes_every_dossier_event_and_passes_by_the_records() -> None:
    for decoded in (_event(Dossier, "Created"), _event(Dossier, "DocumentAttached"), _event(Dossier, "Submitted")):
        assert not DossierProjection.only_tracked(decoded), decoded
    for passed in (_event(Person, "Registered"), Person.RatingRecorded, _event(Submission, "Opened")):
        assert DossierProjection.only_tracked(passed), passed
