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

from servicekit import officialdoc as nd30

TEMPLATES = Path(__file__).parent / "templates"
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _lines(doc: Any, items: str, *, italic: bool = False) -> None:
    """A paragraph per line of `items`, as the body of an administrative document."""
    nd30.word_paragraph(doc, f"{{%p for line in {items} %}}")
    nd30.word_text(doc, "{{ line }}", italic=italic)
    nd30.word_paragraph(doc, "{%p endfor %}")


WIDTHS = {5: [1.6, 5.0, 5.0, 5.0, 8.1], 6: [1.6, 5.4, 4.3, 4.3, 5.0, 4.0]}  # cm, landscape A4


def _annex(doc: Any, columns: int, total: bool) -> None:
    section = doc.add_section(SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    nd30.word_paragraph(doc, "{{ a.title }}", bold=True, align=CENTER)
    nd30.word_paragraph(doc, "{{ a.subtitle }}", italic=True, size=13, align=CENTER)
    nd30.word_paragraph(doc, "", size=6)
    table = doc.add_table(rows=5 if total else 4, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    nd30.word_widths(table, WIDTHS[columns])
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
    doc = nd30.word_document()
    nd30.word_heading(doc)
    nd30.word_paragraph(doc, "")
    nd30.word_paragraph(doc, "{{ p.title }}", bold=True, align=CENTER)
    nd30.word_paragraph(doc, "{{ p.subject }}", bold=True, align=CENTER)
    if kind == "quyet_dinh":
        nd30.word_paragraph(doc, "")
        nd30.word_paragraph(doc, "{{ p.authority }}", bold=True, align=CENTER)
    else:
        nd30.word_paragraph(doc, "")
        nd30.word_paragraph(doc, "Kính gửi: {{ p.addressee }}", align=CENTER)
    nd30.word_paragraph(doc, "")
    _lines(doc, "p.preamble", italic=kind == "quyet_dinh")
    if kind == "quyet_dinh":
        nd30.word_paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    _lines(doc, "p.body")
    nd30.word_signature(doc)
    if columns:
        _annex(doc, columns, total=kind == "quyet_dinh")
    path = TEMPLATES / f"{kind.replace('_', '-')}.v1.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    for name, width in (("to_trinh", 5), ("quyet_dinh", 6), ("thong_bao_khong_khen", None)):
        print(build(name, width))
