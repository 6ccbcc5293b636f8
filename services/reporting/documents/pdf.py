"""A report or a form as PDF (A4, fonts embedded, Vietnamese intact): heading in NĐ 30/2020
layout, title, summary lines, the tables (each chart under the table it draws), recipients and
the signature block."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from PIL import Image

from servicekit.officialdoc import pdf_heading, pdf_signature
from services.reporting.documents.heading import Heading, font
from services.reporting.documents.tables import Table

FAMILY = "TdktSerif"


def _document(title: str, orientation: str = "portrait") -> FPDF:
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_margins(20, 20, 15)
    pdf.set_auto_page_break(True, 20)
    pdf.add_font(FAMILY, "", str(font("regular")))
    pdf.add_font(FAMILY, "B", str(font("bold")))
    pdf.add_font(FAMILY, "I", str(font("italic")))
    pdf.set_title(title)
    pdf.set_creator("TĐKT — reporting")
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, head: Heading) -> None:
    pdf_heading(pdf, head, FAMILY)


LINE_MM = 5.5  # a table row's line height
TITLE_MM = 7.0  # a table title's line height


def _table(pdf: FPDF, table: Table, width: float = 175) -> None:
    """A grid drawn cell by cell (fpdf2's table() lays out every cell as a paragraph: ten times
    slower for a table of 500 units); the header repeats on each page."""
    first = max(width - 26 * (len(table.headers) - 1), 50)
    widths = [first, *([26.0] * (len(table.headers) - 1))]
    header = _Header(pdf, table.headers, widths)
    if pdf.get_y() + (TITLE_MM if table.title else 0) + header.height + LINE_MM > pdf.page_break_trigger:
        pdf.add_page()  # the title, the header and a first row together: a header split cell by cell over pages else
    if table.title:
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, TITLE_MM, table.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    header.draw()
    pdf.set_font(FAMILY, "", 10)
    measure = _Widths(pdf)
    for values in table.rows:
        texts = [f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v) for v in values]
        lines = 1 if measure(texts[0]) < widths[0] - 2 * pdf.c_margin else _lines(pdf, widths[0], texts[0])
        height = LINE_MM * max(lines, 1)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            header.draw()
            pdf.set_font(FAMILY, "", 10)
        x, y = pdf.l_margin, pdf.get_y()
        for index, (text, w) in enumerate(zip(texts, widths, strict=True)):
            pdf.rect(x, y, w, height)
            if index == 0 and lines > 1:
                pdf.set_xy(x, y)
                pdf.multi_cell(w, LINE_MM, text, border=0, align="L")
            else:  # text() is cheaper than cell(): a 500-row table is drawn in a fraction of the time
                left = x + pdf.c_margin if index == 0 else x + w - pdf.c_margin - measure(text)
                pdf.text(left, y + height / 2 + 1.2, text)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(4)


class _Widths:
    """Text widths in the table's font, added up from cached character widths (fpdf2's
    get_string_width() prepares bidirectional text on every call)."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf, self.chars = pdf, dict[str, float]()

    def __call__(self, text: str) -> float:
        total = 0.0
        for char in text:
            if char not in self.chars:
                self.chars[char] = self.pdf.get_string_width(char)
            total += self.chars[char]
        return total


def _lines(pdf: FPDF, width: float, text: str) -> int:
    """How many lines `text` takes in a cell `width` wide, in the current font."""
    lines = pdf.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
    return len(lines) if isinstance(lines, list) else 1


class _Header:
    """A table's header row, measured once and drawn at the top of every page the table spans."""

    def __init__(self, pdf: FPDF, headers: Sequence[str], widths: Sequence[float]) -> None:
        pdf.set_font(FAMILY, "B", 10)
        self.pdf, self.headers, self.widths = pdf, headers, widths
        self.lines = [_lines(pdf, w, h) for h, w in zip(headers, widths, strict=True)]
        self.height = 5.0 * max(self.lines)

    def draw(self) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "B", 10)
        x, y, height = pdf.l_margin, pdf.get_y(), self.height
        for text, w, lines in zip(self.headers, self.widths, self.lines, strict=True):
            pdf.rect(x, y, w, height)
            pdf.set_xy(x, y + (height - 5.0 * lines) / 2)
            pdf.multi_cell(w, 5, text, align="C")
            x += w
        pdf.set_xy(pdf.l_margin, y + height)


def _signature(pdf: FPDF, head: Heading) -> None:
    pdf_signature(pdf, head, FAMILY)


def _chart(pdf: FPDF, png: bytes, width: float = 170) -> None:
    """A chart (PNG) centred under the table it draws, on the next page when it does not fit."""
    with Image.open(io.BytesIO(png)) as image:
        height = width * image.height / image.width
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 4)


def render(head: Heading, title: str, subtitle: str, lines: Sequence[str], tables: Sequence[Table],
           charts: Mapping[str, Sequence[bytes]] | None = None) -> bytes:
    """`charts`: PNG images by the key of the table each follows."""
    pdf = _document(f"{title} {subtitle}")
    _heading(pdf, head)
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 8, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(0, 6, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 12)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for table in tables:
        _table(pdf, table)
        for png in (charts or {}).get(table.key, ()):
            _chart(pdf, png)
    _signature(pdf, head)
    return bytes(pdf.output())


def statistical_form(form: dict[str, Any], table: Table, place_date: str, year_line: str) -> bytes:
    """A statistical form: its symbol and circular at the left, title and year (`year_line`, with the
    days counted) in the middle, the reporting and receiving units at the right, the table, then
    preparer and head of the unit."""
    pdf = _document(f"Biểu {form['symbol']} năm {form['year']}", "landscape")
    y, head = pdf.get_y(), form["header"]
    pdf.set_font(FAMILY, "", 10)
    for line in (f"Biểu số: {form['symbol']}", f"Ban hành kèm theo {form['basis']}",
                 f"Ngày nhận báo cáo: {form['due']}"):
        pdf.multi_cell(80, 5, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # wrapped within its column
    left_end = pdf.get_y()
    pdf.set_xy(100, y)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(97, 6, form["title"], align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "I", 10)
    pdf.multi_cell(97, 5, year_line, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    middle_end = pdf.get_y()
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(200, y)
    for line in (f"Đơn vị báo cáo: {head['reporting_unit']}", f"Đơn vị nhận báo cáo: {head['receiving_unit']}",
                 f"Đơn vị tính: {form['unit_of_measure']}"):
        pdf.multi_cell(80, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), left_end, middle_end, y + 20) + 4)
    _table(pdf, table, width=255)
    y = pdf.get_y() + 4
    pdf.set_xy(20, y + 6)
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(100, 6, head["preparer"], align="C")
    pdf.set_xy(160, y)
    pdf.set_font(FAMILY, "I", 11)
    pdf.cell(110, 6, place_date, align="C")
    pdf.set_xy(160, y + 6)
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(110, 6, head["head"], align="C")
    pdf.set_font(FAMILY, "I", 10)
    pdf.set_xy(20, y + 12)
    pdf.cell(100, 6, head["preparer_note"], align="C")
    pdf.set_xy(160, y + 12)
    pdf.cell(110, 6, head["head_note"], align="C")
    return bytes(pdf.output())
