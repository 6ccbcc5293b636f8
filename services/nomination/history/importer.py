"""The province's existing lists of ratings, titles and awards, as an XLSX file: the template,
and the reading of a filled-in file into checked rows, each error with its row and column.

A file that is not a readable XLSX, or whose header row is wrong, is refused as a whole
(`ImportFileError`). Otherwise every row is checked on its own; the loader saves the valid
rows (see `loader.py` for why).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from services.nomination.history import columns as col
from services.nomination.history.columns import ImportRow, RowError
from services.nomination.history.config import HistoryConfig

__all__ = ["ImportFileError", "ImportRow", "RowError", "Sheet", "read_sheet"]

MAX_ROWS = 200_000


@dataclass
class Sheet:
    filename: str
    checksum: str
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len({e.row for e in self.errors})


def read_sheet(data: bytes, filename: str, config: HistoryConfig, today: date) -> Sheet:
    """Check every row of the file; ImportFileError when the file itself cannot be used."""
    sheet = Sheet(filename=filename or "tep.xlsx", checksum=hashlib.sha256(data).hexdigest())
    workbook = _open(data)
    try:
        cells = _worksheet(workbook).iter_rows(values_only=True)
        header = _header(next(cells, None))
        parser = col.RowParser(config, today)
        for number, values in enumerate(cells, start=2):
            if number > MAX_ROWS + 1:
                raise ImportFileError(f"Tệp có quá {MAX_ROWS} dòng; hãy chia thành nhiều tệp.")
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            row, errors = parser.parse(number, dict(zip(header, values, strict=False)))
            sheet.errors.extend(errors)
            if row is not None:
                sheet.rows.append(row)
    finally:
        workbook.close()
    return sheet


def _open(data: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError("Tệp không phải bảng tính Excel (.xlsx) đọc được.",
                              [f"{type(error).__name__}"]) from None


def _worksheet(workbook: Any) -> Any:
    if col.SHEET in workbook.sheetnames:
        return workbook[col.SHEET]
    return workbook.worksheets[0]


def _header(values: tuple[Any, ...] | None) -> list[str | None]:
    """The field of each column, from the header row; ImportFileError naming what is wrong."""
    if values is None:
        raise ImportFileError("Tệp rỗng: không có dòng tiêu đề.")
    by_label = {col.header_key(label): name for name, label in col.LABELS.items()}
    by_label |= {col.header_key(label.split("(")[0]): name for name, label in col.LABELS.items()}
    fields: list[str | None] = []
    unknown = []
    for value in values:
        text = str(value).strip() if value is not None else ""
        name = by_label.get(col.header_key(text)) if text else None
        if text and name is None:
            unknown.append(text)
        fields.append(name)
    missing = [col.LABELS[n] for n in col.REQUIRED if n not in fields]
    missing += [" hoặc ".join(col.LABELS[n] for n in group) for group in col.ONE_OF
                if not any(n in fields for n in group)]
    duplicated = sorted({col.LABELS[n] for n in fields if n and fields.count(n) > 1})
    problems = ([f"thiếu cột: {', '.join(missing)}"] if missing else []) + \
               ([f"cột không có trong mẫu: {', '.join(unknown)}"] if unknown else []) + \
               ([f"cột bị lặp: {', '.join(duplicated)}"] if duplicated else [])
    if problems:
        raise ImportFileError("Dòng tiêu đề không đúng mẫu: " + "; ".join(problems) + ".", problems)
    return fields


class ImportFileError(Exception):
    """Raised when a file cannot be imported at all (not an XLSX, wrong header): nothing is saved."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.details = details or []
        super().__init__(message)
