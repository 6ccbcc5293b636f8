"""In-memory Application for the history's pure domain and application tests."""

from __future__ import annotations

import pytest

from servicekit.eventstore import memory_env
from services.nomination.application import Nominations
from services.nomination.history.application import History
from services.nomination.history.config import history_config
from services.nomination.history.pid import PidRules


@pytest.fixture
def app() -> Nominations:
    return Nominations(env=memory_env())


@pytest.fixture
def history(app: Nominations) -> History:
    return History(app)


@pytest.fixture
def rules() -> PidRules:
    return history_config().pid
