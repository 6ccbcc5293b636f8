"""Writes the first version of the papers' Word templates (`templates/<paper>.v1.docx`).

The province edits a written file in Word (layout, fonts, fixed text): the tags in double braces
are the paper's parts (docxtpl / Jinja2) — `p.title`, `p.subject`, the paragraphs of
`p.preamble` and `p.body`, the heading `h`, the annex `a` whose `{%tr for … %}` row repeats. A
changed template is saved as the next version (`.v2.docx`); this script only makes v1.
Run: `python -m services.nomination.papers.make_templates`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.section import WD_SECTION_START as SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from servicekit.officialdoc import word_document, word_heading, word_paragraph, word_signature

TEMPLATES = Path(__file__).parent / "templates"
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def _lines(doc: Any, items: str, *, italic: bool = False) -> None:
    """A paragraph per line of `items`, indented as the body of an administrative document."""
    word_paragraph(doc, f"{{%p for line in {items} %}}")
    word_paragraph(doc, "{{ line }}", italic=italic, align=JUSTIFY)
    doc.paragraphs[-1].paragraph_format.first_line_indent = Cm(1)
    word_paragraph(doc, "{%p endfor %}")


WIDTHS = {5: [1.6, 5.0, 5.0, 5.0, 8.1], 6: [1.6, 5.4, 4.3, 4.3, 5.0, 4.0]}  # cm, landscape A4


def _annex(doc: Any, columns: int, total: bool) -> None:
    section = doc.add_section(SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    word_paragraph(doc, "{{ a.title }}", bold=True, align=CENTER)
    word_paragraph(doc, "{{ a.subtitle }}", italic=True, size=13, align=CENTER)
    word_paragraph(doc, "", size=6)
    table = doc.add_table(rows=5 if total else 4, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS[columns], strict=True):
        column.width = Cm(width)  # the grid LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS[columns], strict=True):
            cell.width = Cm(width)
    for index, cell in enumerate(table.rows[0].cells):
        cell.paragraphs[0].add_run(f"{{{{ a.headers[{index}] }}}}").bold = True
        cell.paragraphs[0].alignment = CENTER
    table.rows[1].cells[0].paragraphs[0].text = "{%tr for r in a.rows %}"
    for index, cell in enumerate(table.rows[2].cells):
        cell.paragraphs[0].text = f"{{{{ r[{index}] }}}}"
        if index == 0 or (total and index == columns - 1):  # STT centred, amounts to the right
            cell.paragraphs[0].alignment = CENTER if index == 0 else WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    for index, cell in enumerate(table.rows[4].cells if total else []):  # the total row (Tổng cộng)
        cell.paragraphs[0].add_run(f"{{{{ a.total[{index}] }}}}").bold = True
        if index == columns - 1:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def build(kind: str, columns: int | None) -> Path:
    doc = word_document()
    word_heading(doc)
    word_paragraph(doc, "")
    word_paragraph(doc, "{{ p.title }}", bold=True, align=CENTER)
    word_paragraph(doc, "{{ p.subject }}", bold=True, align=CENTER)
    if kind == "quyet_dinh":
        word_paragraph(doc, "")
        word_paragraph(doc, "{{ p.authority }}", bold=True, align=CENTER)
    else:
        word_paragraph(doc, "")
        word_paragraph(doc, "Kính gửi: {{ p.addressee }}", align=CENTER)
    word_paragraph(doc, "")
    _lines(doc, "p.preamble", italic=kind == "quyet_dinh")
    if kind == "quyet_dinh":
        word_paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    _lines(doc, "p.body")
    word_signature(doc)
    if columns:
        _annex(doc, columns, total=kind == "quyet_dinh")
    path = TEMPLATES / f"{kind.replace('_', '-')}.v1.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    for name, width in (("to_trinh", 5), ("quyet_dinh", 6), ("thong_bao_khong_khen", None)):
        print(build(name, width))
