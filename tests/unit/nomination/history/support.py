"""What the history tests share: the moment they run at, and XLSX files built in memory."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook

from services.nomination.history.columns import LABELS

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TODAY = date(2026, 3, 2)
HEADER = list(LABELS.values())


def row(**values: Any) -> list[Any]:
    """A row in template order; unnamed columns are empty."""
    return [values.get(name) for name in LABELS]


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách"
    sheet.append(header if header is not None else HEADER)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
