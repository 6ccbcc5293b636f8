"""Writes the first version of the period report's Word template (`templates/bao-cao-tdkt.v1.docx`).

The province edits the written file in Word (wording, fonts, order of sections): the tags in
double braces are the figures (docxtpl / Jinja2), `{%tr for … %}` rows repeat a table's row.
A changed template is saved as the next version (`.v2.docx`); this script only makes v1.
Run: `python -m services.reporting.documents.make_template`.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

OUT = Path(__file__).parent / "templates" / "bao-cao-tdkt.v1.docx"


def _paragraph(cell_or_doc, text: str = "", *, bold: bool = False, italic: bool = False, size: int = 14,
               align: int | None = None) -> None:
    """A paragraph at the end of a document or a cell (a new cell's first, empty paragraph is used)."""
    first = cell_or_doc.paragraphs
    fresh = hasattr(cell_or_doc, "vertical_alignment") and len(first) == 1 and not first[0].runs
    p = first[0] if fresh else cell_or_doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def _widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths in cm (Word and LibreOffice read them from every cell)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _text(doc, text: str) -> None:
    """A paragraph of the body: justified, first line indented 1 cm, 6 pt after (NĐ 30/2020)."""
    _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    doc.paragraphs[-1].paragraph_format.first_line_indent = Cm(1)
    doc.paragraphs[-1].paragraph_format.space_after = Pt(6)


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _heading(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [6.8, 9.5])
    left, right = table.rows[0].cells
    for text, bold, size in (("{{ h.issuer_parent }}", False, 12), ("{{ h.issuer }}", True, 12), ("", False, 12),
                             ("Số: {{ h.number }}", False, 13)):
        _paragraph(left, text, bold=bold, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text, bold, italic, size in (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 12),
                                     ("Độc lập - Tự do - Hạnh phúc", True, False, 13), ("", False, False, 12),
                                     ("{{ h.place_date }}", False, True, 13)):
        _paragraph(right, text, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)


def _data_table(doc, headers: list[str], rows: str) -> None:
    """A table whose body row repeats for each item of `rows` (a list of lists of cell texts)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.rows[1].cells[0].paragraphs[0].text = f"{{%tr for r in {rows} %}}"
    for index, cell in enumerate(table.rows[2].cells):
        cell.paragraphs[0].text = f"{{{{ r[{index}] }}}}"
        if index:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    rest = len(headers) - 1
    _widths(table, [16.0 - 2.4 * rest if rest > 2 else 8.0, *([2.4] * rest if rest > 2 else [4.0] * rest)])
    _paragraph(doc, "", size=6)


def _body(doc) -> None:
    _paragraph(doc, "")
    _paragraph(doc, "{{ title }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "{{ subtitle }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "")
    _paragraph(doc, "I. KẾT QUẢ THỰC HIỆN KẾ HOẠCH CÔNG TÁC THI ĐUA, KHEN THƯỞNG", bold=True)
    _text(doc, "Trong {{ period_label }}, các cơ quan, đơn vị được giao {{ t.total }} nhiệm vụ có hạn hoàn thành "
                    "trong kỳ; đã hoàn thành đúng hạn {{ t.on_time }} nhiệm vụ, hoàn thành chậm {{ t.late }} nhiệm vụ, "
                    "quá hạn chưa hoàn thành {{ t.overdue }} nhiệm vụ, đang thực hiện {{ t.open }} nhiệm vụ.")
    _data_table(doc, ["Quý", "Tổng số", "Đúng hạn", "Chậm", "Quá hạn", "Đang thực hiện"], "tasks_by_quarter")
    _paragraph(doc, "{{ chart_tasks }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "II. PHONG TRÀO THI ĐUA", bold=True)
    _text(doc, "Trong kỳ đã phát động {{ m.launched }} phong trào thi đua và tổng kết "
                    "{{ m.concluded }} phong trào.")
    _data_table(doc, ["Chỉ tiêu", "Số lượng"], "movements")
    _paragraph(doc, "III. CÔNG TÁC KHEN THƯỞNG", bold=True)
    _text(doc, "Trong kỳ đã có quyết định khen thưởng cho {{ a.total }} tập thể, cá nhân, hộ gia đình, doanh "
                    "nghiệp (tính theo ngày ký quyết định), tổng tiền thưởng {{ a.cash }} đồng; trình cấp Nhà nước "
                    "{{ a.forwarded }} trường hợp.")
    for title, rows, first in (("1. Theo hình thức khen thưởng", "awards_by_form", "Hình thức"),
                               ("2. Theo đối tượng", "awards_by_subject", "Đối tượng"),
                               ("3. Theo cấp quyết định", "awards_by_deciding_level", "Cấp quyết định"),
                               ("4. Theo đơn vị đề nghị", "awards_by_unit", "Đơn vị"),
                               ("5. Theo cụm, khối thi đua", "awards_by_cluster", "Cụm, khối")):
        _paragraph(doc, title, italic=True)
        _data_table(doc, [first, "Số lượng", "Tiền thưởng (đồng)"], rows)
    _paragraph(doc, "{{ chart_awards_form }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "{{ chart_awards_unit }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True)
    _paragraph(doc, "(Đơn vị soạn thảo bổ sung.)", italic=True)
    _paragraph(doc, "Số liệu của báo cáo đầy đủ đến sự kiện số {{ complete_through }} của luồng sự kiện.",
               italic=True, size=11)


def _signature(doc) -> None:
    _paragraph(doc, "")
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.0])
    left, right = table.rows[0].cells
    _paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12)
    _paragraph(left, "{%p for r in h.recipients %}", size=11)
    _paragraph(left, "- {{ r }}", size=11)
    _paragraph(left, "{%p endfor %}", size=11)
    for text in ("{{ h.signer_authority }}", "{{ h.signer_title }}", "", "", "", "{{ h.signer_name }}"):
        _paragraph(right, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    _heading(doc)
    _body(doc)
    _signature(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
