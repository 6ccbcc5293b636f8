"""A filled form as a document: XLSX (one sheet), PDF (landscape A4) or DOCX, with its header
(đơn vị báo cáo, đơn vị nhận báo cáo) and signature block."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Literal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from servicekit.officialdoc import word_widths as _widths
from services.reporting.documents import pdf, xlsx
from services.reporting.documents.heading import heading
from services.reporting.documents.tables import Table

FormFormat = Literal["xlsx", "pdf", "docx"]


def year_line(form: dict[str, Any]) -> str:
    """"Năm 2026 (từ ngày 01/12/2025 đến ngày 30/11/2026)": the year and the days the form counts."""
    first, last = (date.fromisoformat(str(form[k])) for k in ("period_start", "period_end"))
    return f"Năm {form['year']} (từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y})"


def table(form: dict[str, Any]) -> Table:
    return Table(sheet=f"Biểu {form['code']}", title="",
                 headers=["Chỉ tiêu", "Mã số", *[f"{c['label']} ({c['code']})" for c in form["columns"]]],
                 rows=[[r["label"], r["code"], *r["values"]] for r in form["rows"]])


def _docx(form: dict[str, Any], grid: Table, place_date: str) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name, doc.styles["Normal"].font.size = "Times New Roman", Pt(11)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)
    head = form["header"]
    top = doc.add_table(rows=1, cols=3)
    left, middle, right = top.rows[0].cells
    left.text = f"Biểu số: {form['symbol']}\nBan hành kèm theo {form['basis']}\nNgày nhận báo cáo: {form['due']}"
    middle.paragraphs[0].add_run(form["title"]).bold = True
    middle.add_paragraph().add_run(year_line(form)).italic = True
    for paragraph in middle.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.text = (f"Đơn vị báo cáo: {head['reporting_unit']}\nĐơn vị nhận báo cáo: {head['receiving_unit']}\n"
                  f"Đơn vị tính: {form['unit_of_measure']}")
    _widths(top, [8.0, 10.7, 8.0])
    doc.add_paragraph()
    body = doc.add_table(rows=1 + len(grid.rows), cols=len(grid.headers))
    body.style = "Table Grid"
    for cell, text in zip(body.rows[0].cells, grid.headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row, values in zip(body.rows[1:], grid.rows, strict=True):
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.text = f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT if index > 1 else (
                WD_ALIGN_PARAGRAPH.CENTER if index == 1 else WD_ALIGN_PARAGRAPH.LEFT)
    rest = len(grid.headers) - 2
    _widths(body, [6.5, 1.4, *([(26.7 - 7.9) / rest] * rest)])
    doc.add_paragraph()
    sign = doc.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].text = f"\n{head['preparer']}\n{head['preparer_note']}"
    sign.rows[0].cells[1].text = f"{place_date}\n{head['head']}\n{head['head_note']}"
    for cell in sign.rows[0].cells:
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(form: dict[str, Any], fmt: FormFormat, signed_on: date) -> bytes:
    grid = table(form)
    place_date = heading(signed_on).place_date
    if fmt == "xlsx":
        head = form["header"]
        return xlsx.workbook(f"Biểu {form['symbol']} — {form['title']}", year_line(form), [grid],
                             notes=[f"Đơn vị báo cáo: {head['reporting_unit']}",
                                    f"Đơn vị nhận báo cáo: {head['receiving_unit']}",
                                    f"Đơn vị tính: {form['unit_of_measure']}"])
    if fmt == "pdf":
        return pdf.statistical_form(form, grid, place_date, year_line(form))
    return _docx(form, grid, place_date)
