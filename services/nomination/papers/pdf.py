"""A paper as PDF (A4, fonts embedded, diacritics intact): heading, title and subject, Kính gửi,
preamble, body, nơi nhận and signature block, then its annex on a page of its own."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from servicekit.officialdoc import pdf_heading, pdf_signature
from services.nomination.papers.content import Annex, Paper, font

FAMILY = "TdktSerif"
BOLD = FontFace(emphasis="BOLD")


def document(title: str, orientation: str = "portrait", page: tuple[float, float] | str = "A4") -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format=page)
    pdf.set_margins(20, 20, 15)  # as the reporting service's documents
    pdf.set_auto_page_break(True, 20)
    for style, name in (("", "regular"), ("B", "bold"), ("I", "italic"), ("BI", "bold_italic")):
        pdf.add_font(FAMILY, style, str(font(name)))
    pdf.set_title(title)
    pdf.set_creator("TĐKT — nomination")
    return pdf


def render(paper: Paper) -> bytes:
    pdf = document(f"{paper.title} {paper.subject}")
    pdf.add_page()
    pdf_heading(pdf, paper.heading, FAMILY)
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 7, paper.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 6, paper.subject, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if paper.authority:
        pdf.ln(3)
        pdf.multi_cell(0, 6, paper.authority, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    if paper.addressee:
        pdf.set_font(FAMILY, "", 13)
        pdf.multi_cell(0, 6, f"Kính gửi: {paper.addressee}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.set_font(FAMILY, "I" if paper.decides else "", 13)
    _paragraphs(pdf, paper.preamble)
    if paper.decides:
        pdf.ln(2)
        pdf.set_font(FAMILY, "B", 13)
        pdf.cell(0, 7, "QUYẾT ĐỊNH:", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 13)
    _paragraphs(pdf, paper.body)
    pdf_signature(pdf, paper.heading, FAMILY)
    if paper.annex:
        _annex(pdf, paper.annex)
    return bytes(pdf.output())


def _paragraphs(pdf: FPDF, lines: list[str]) -> None:
    """Justified paragraphs, the first line indented 1 cm (NĐ 30/2020), in the current font."""
    if not lines:
        return
    with pdf.text_columns(text_align="JUSTIFY", line_height=1.3) as columns:
        for line in lines:
            with columns.paragraph(first_line_indent=10, bottom_margin=1.5) as paragraph:
                paragraph.write(line)
    pdf.set_x(pdf.l_margin)


def _annex(pdf: FPDF, annex: Annex) -> None:
    pdf.add_page(orientation="landscape")
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 7, annex.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "I", 12)
    pdf.multi_cell(0, 6, annex.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    ratios = [0.06, 0.24, 0.2, 0.16, 0.2, 0.14] if len(annex.headers) == 6 else [0.06, 0.22, 0.2, 0.2, 0.32]
    widths = tuple(width * r for r in ratios)
    pdf.set_font(FAMILY, "", 11)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5,
                   headings_style=BOLD, repeat_headings=1) as table:
        table.row(annex.headers)
        for values in annex.rows:
            table.row(values)
        if annex.total:
            table.row(annex.total, style=BOLD)
