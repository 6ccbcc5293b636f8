"""The history module's logs never hold a full personal number or date of birth."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from services.nomination.history.application import History
from services.nomination.history.config import history_config
from services.nomination.history.importer import read_sheet
from services.nomination.history.privacy import history_logger
from tests.unit.nomination.history.support import NOW, TODAY, row, xlsx

NUMBER, BORN = "004085000123", date(1985, 3, 5)
FORBIDDEN = (NUMBER, "05/03/1985", "1985-03-05", "20/11/1990", "1990-11-20")


def test_a_whole_working_session_logs_no_personal_data(history: History, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # a clerk creates a person, an import adds another and a decision is recorded
    person, _ = history.find_or_create_person(personal_number=NUMBER, full_name="Nguyễn Văn A", born_on=BORN,
                                              sex="nam", unit_code="SNV", by="clerk", now=NOW)
    data = xlsx([row(personal_number="004190000321", full_name="Hoàng Thị Bích", born_on="20/11/1990",
                     unit_code="SNV", year=2024, rating="HTTNV")])
    history.import_sheet(read_sheet(data, "ds.xlsx", history_config(), TODAY), by="appraiser", now=NOW)
    history.record_decided_award(person, "BKT", 2024, "163/QĐ-UBND", date(2025, 1, 15), at=NOW)
    assert "004******123" in caplog.text  # the module does log, masked
    assert not [text for text in FORBIDDEN if text in caplog.text]


def test_a_careless_log_line_of_the_module_is_masked_anyway(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    history_logger("services.nomination.history.careless").info("số %s sinh %s", NUMBER, "05/03/1985")
    assert caplog.messages == ["số 004******123 sinh **/**/1985"]
