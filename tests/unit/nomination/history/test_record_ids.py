"""People's record ids are keyed hashes: stable under one key, different under another, and
not the plain uuid5 of the personal number that anyone could recompute."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, uuid5

import pytest
from pydantic import ValidationError

from services.nomination.history.identity import RecordIds, key_id, number_id
from services.nomination.settings import NominationSettings
from tests.support import TEST_RECORD_KEY, TEST_SECRET

NUMBER = "004085000123"
KEY, OTHER = "k" * 32, "another-record-key-of-32-bytes!!"


def test_the_same_number_gives_the_same_id_under_the_same_key_only() -> None:
    ids, again, other = RecordIds(KEY), RecordIds(KEY.encode()), RecordIds(OTHER)
    assert ids.number_id(NUMBER) == again.number_id(NUMBER)
    assert ids.number_id(NUMBER) != other.number_id(NUMBER)
    assert ids.number_id(NUMBER) != ids.number_id("004085000124")
    assert ids.number_id(NUMBER) not in (uuid5(NAMESPACE_URL, f"/people/{NUMBER}"), uuid5(NAMESPACE_URL, NUMBER))
    born = date(1990, 11, 20)
    assert ids.key_id("Hoàng Thị Bích", born, "SNV") == again.key_id("Hoang thi bich", born, "SNV")
    assert ids.key_id("Hoàng Thị Bích", born, "SNV") != other.key_id("Hoàng Thị Bích", born, "SNV")
    assert ids.key_id("Hoàng Thị Bích", born, "SNV") != uuid5(NAMESPACE_URL, f"/people/hoang thi bich/{born}/SNV")


def test_the_process_uses_the_configured_key() -> None:
    assert number_id(NUMBER) == RecordIds(TEST_RECORD_KEY).number_id(NUMBER)  # tests/unit/nomination/conftest.py
    assert key_id("A", date(1990, 1, 1), "SNV") == RecordIds(TEST_RECORD_KEY).key_id("A", date(1990, 1, 1), "SNV")


def test_a_short_or_missing_record_key_is_refused_saying_why(monkeypatch) -> None:
    monkeypatch.delenv("TDKT_NOMINATION_RECORD_KEY", raising=False)
    with pytest.raises(ValueError, match="ít nhất 32 byte"):
        RecordIds("short")
    with pytest.raises(ValidationError, match="TDKT_NOMINATION_RECORD_KEY phải dài ít nhất 32 byte"):
        NominationSettings.model_validate({"jwt_secret": TEST_SECRET, "record_key": "x" * 31})
    with pytest.raises(ValidationError, match="đặt TDKT_NOMINATION_RECORD_KEY"):
        NominationSettings.model_validate({"jwt_secret": TEST_SECRET})
    assert NominationSettings.model_validate({"jwt_secret": TEST_SECRET, "record_key": "x" * 32}).record_key is not None
