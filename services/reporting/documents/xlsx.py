"""Tables as an XLSX workbook: one sheet per table, Vietnamese headers, numbers as numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.reporting.documents.tables import Table


def workbook(title: str, subtitle: str, tables: list[Table], notes: Sequence[str] = ()) -> bytes:
    """`notes` are lines under the title (a form's reporting and receiving units)."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([title])
        sheet.append([f"{table.title} — {subtitle}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A2"].font = Font(italic=True)
        for note in notes:
            sheet.append([note])
        sheet.append([])
        sheet.append(table.headers)
        first = 5 + len(notes)
        for cell in sheet[first - 1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        for row in table.rows:
            sheet.append(row)
        for index in range(1, len(table.headers)):
            for r in range(first, first + len(table.rows)):
                sheet.cell(row=r, column=index + 1).number_format = "#,##0"
        sheet.column_dimensions["A"].width = 48
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
