"""The layout every administrative document shares (NĐ 30/2020/NĐ-CP, Phụ lục I): the issuer and
its number at the left, quốc hiệu and tiêu ngữ with the place and date at the right, then, after
the body, the recipients (nơi nhận) beside the signature block.

One piece of code for the services that print documents: the heading's data (`Heading`), the
Vietnamese date line, finding an installed TrueType font, drawing the heading and signature on
an fpdf2 page, and writing them into a Word template (python-docx) that docxtpl fills in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


class FontMissingError(RuntimeError):
    """Raised when none of the configured TrueType fonts is installed."""


def place_date(place: str, day: date) -> str:
    """"Cao Bằng, ngày 05 tháng 02 năm 2027": days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class Heading:
    issuer_parent: str  # empty for an issuer with no superior named (e.g. "ỦY BAN NHÂN DÂN TỈNH …")
    issuer: str
    issuer_code: str
    place: str
    number: str  # "Số: …" as printed, e.g. "      /QĐ-UBND" for a draft
    signed_on: date
    signer_authority: str  # TM., KT., Q., TL., TUQ. … or empty
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)

    @property
    def place_date(self) -> str:
        return place_date(self.place, self.signed_on)

    def but(self, **changes: Any) -> Heading:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def first_font(candidates: Iterable[str], style: str) -> Path:
    """The first of `candidates` installed here."""
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissingError(f"Không tìm thấy phông chữ {style} (cần fonts-liberation2 hoặc fonts-dejavu-core).")


# -- PDF (fpdf2) -----------------------------------------------------------------------------------
def pdf_heading(pdf: Any, head: Heading, family: str, left_margin: float = 20.0) -> None:
    """The two-column heading at the current position of an fpdf2 page (A4 portrait)."""
    from fpdf.enums import XPos, YPos

    left, right, y = 78.0, 97.0, pdf.get_y()
    lines = [(head.issuer_parent.upper(), ""), (head.issuer.upper(), "B")]
    for text, style in lines:
        pdf.set_font(family, style, 11)
        pdf.cell(left, 6, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 11)
    pdf.cell(left, 8, f"Số: {head.number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(left_margin + left, y)
    pdf.set_font(family, "B", 11)
    pdf.cell(right, 6, QUOC_HIEU, align="C")
    pdf.set_xy(left_margin + left, y + 6)
    pdf.cell(right, 6, TIEU_NGU, align="C")
    pdf.set_xy(left_margin + left, y + 14)
    pdf.set_font(family, "I", 11)
    pdf.cell(right, 6, head.place_date, align="C")
    pdf.set_y(y + 26)


def pdf_signature(pdf: Any, head: Heading, family: str) -> None:
    """Nơi nhận at the left, the signature block at the right, from the current position."""
    from fpdf.enums import XPos, YPos

    pdf.ln(4)
    y = pdf.get_y()
    pdf.set_font(family, "B", 11)
    pdf.cell(85, 6, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    for recipient in head.recipients:
        pdf.cell(85, 5, f"- {recipient}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(105, y)
    pdf.set_font(family, "B", 12)
    for line in (head.signer_authority, head.signer_title):
        if line:
            pdf.cell(90, 6, line, align="C")
            pdf.set_xy(105, pdf.get_y() + 6)
    pdf.set_xy(105, pdf.get_y() + 24)
    pdf.cell(90, 6, head.signer_name, align="C")
    pdf.set_y(max(bottom, pdf.get_y() + 6))


# -- Word templates (python-docx; the tags are filled by docxtpl) ------------------------------------
def word_document() -> Any:
    """An empty A4 document with the margins and font of NĐ 30/2020 (Times New Roman 14)."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    return doc


def word_paragraph(cell_or_doc: Any, text: str = "", *, bold: bool = False, italic: bool = False, size: int = 14,
                   align: int | None = None) -> None:
    """A paragraph at the end of a document or a cell (a new cell's first, empty paragraph is used)."""
    from docx.shared import Pt

    first = cell_or_doc.paragraphs
    fresh = hasattr(cell_or_doc, "vertical_alignment") and len(first) == 1 and not first[0].runs
    p = first[0] if fresh else cell_or_doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def word_no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def word_widths(table: Any, widths: list[float]) -> None:
    """Fixed column widths in cm (Word and LibreOffice read them from the grid and every cell)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def word_text(doc: Any, text: str, *, italic: bool = False) -> None:
    """A paragraph of the body: justified, first line indented 1 cm, 6 pt after (NĐ 30/2020)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    word_paragraph(doc, text, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    doc.paragraphs[-1].paragraph_format.first_line_indent = Cm(1)
    doc.paragraphs[-1].paragraph_format.space_after = Pt(6)


def word_heading(doc: Any, tag: str = "h") -> None:
    """The heading's two columns, with the tags of a `Heading` called `tag` in the template's context;
    quốc hiệu at 12 pt (NĐ 30/2020 allows 12–13) keeps to one line of its 9.5 cm."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1, cols=2)
    word_no_borders(table)
    word_widths(table, [6.8, 9.5])
    left, right = table.rows[0].cells
    for text, bold, size in ((f"{{{{ {tag}.issuer_parent }}}}", False, 12), (f"{{{{ {tag}.issuer }}}}", True, 12),
                             ("", False, 12), (f"Số: {{{{ {tag}.number }}}}", False, 13)):
        word_paragraph(left, text, bold=bold, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text, bold, italic, size in ((QUOC_HIEU, True, False, 12), (TIEU_NGU, True, False, 13), ("", False, False, 12),
                                     (f"{{{{ {tag}.place_date }}}}", False, True, 13)):
        word_paragraph(right, text, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)


def word_signature(doc: Any, tag: str = "h") -> None:
    """Nơi nhận (a paragraph per recipient) beside the signature block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word_paragraph(doc, "")
    table = doc.add_table(rows=1, cols=2)
    word_no_borders(table)
    word_widths(table, [8.0, 8.0])
    left, right = table.rows[0].cells
    word_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12)
    word_paragraph(left, f"{{%p for r in {tag}.recipients %}}", size=11)
    word_paragraph(left, "- {{ r }}", size=11)
    word_paragraph(left, "{%p endfor %}", size=11)
    for text in (f"{{{{ {tag}.signer_authority }}}}", f"{{{{ {tag}.signer_title }}}}", "", "", "",
                 f"{{{{ {tag}.signer_name }}}}"):
        word_paragraph(right, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
