"""The nomination service's unit tests run with the suite's record key (set at start-up by
the running service, `history.identity.use_record_key`)."""

from __future__ import annotations

from services.nomination.history.identity import use_record_key
from tests.support import TEST_RECORD_KEY

use_record_key(TEST_RECORD_KEY)
