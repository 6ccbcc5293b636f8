"""Writes the current version of the period report's Word template (`templates/bao-cao-tdkt.v3.docx`;
version 2 added awards by movement, the clusters' results and the exemplary models to version 1;
version 3 adds awards per form year on year and the awards to the groups the Law asks to favour).

The province edits the written file in Word (wording, fonts, order of sections): the tags in
double braces are the figures (docxtpl / Jinja2), `{%tr for … %}` rows repeat a table's row.
A changed template is saved as the next version (`.v4.docx`); this script only makes v3, and
earlier versions stay as they were. The tables' names are the keys of `documents/tables.py`.
Run: `python -m services.reporting.documents.make_template`.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from servicekit.officialdoc import (
    word_document,
    word_heading,
    word_paragraph,
    word_signature,
    word_text,
    word_widths,
)
from services.reporting.documents.word import PRIORITY_SENTENCE
from services.reporting.periods import YEARS_SHOWN

OUT = Path(__file__).parent / "templates" / "bao-cao-tdkt.v3.docx"


_paragraph, _widths, _text = word_paragraph, word_widths, word_text


def _data_table(doc, headers: list[str], rows: str, number_width: float = 2.4) -> None:
    """A table whose body row repeats for each item of `rows` (a list of lists of cell texts);
    beyond two, the columns of numbers are `number_width` cm wide."""
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
    _widths(table, [16.0 - number_width * rest if rest > 2 else 8.0,
                    *([number_width] * rest if rest > 2 else [4.0] * rest)])
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
                               ("5. Theo cụm, khối thi đua", "awards_by_cluster", "Cụm, khối"),
                               ("6. Khen thưởng theo chuyên đề, đột xuất theo phong trào thi đua", "awards_by_movement",
                                "Phong trào thi đua")):
        _paragraph(doc, title, italic=True)
        _data_table(doc, [first, "Số lượng", "Tiền thưởng (đồng)"], rows)
    _paragraph(doc, "{{ chart_awards_form }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "{{ chart_awards_unit }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "7. Khen thưởng theo hình thức qua các năm (theo ngày ký quyết định)", italic=True)
    _data_table(doc, ["Hình thức khen thưởng", *[f"{{{{ years_shown[{i}] }}}}" for i in range(YEARS_SHOWN)]],
                "awards_by_form_by_year", number_width=1.8)
    _paragraph(doc, "{{ chart_awards_years }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "8. Khen thưởng các đối tượng được ưu tiên", italic=True)
    _text(doc, PRIORITY_SENTENCE.format_map(_Tags("p")))
    _data_table(doc, ["Đối tượng", "Số lượng", "Tiền thưởng (đồng)"], "priority_groups")
    _data_table(doc, ["Năm", "Khen thưởng cá nhân", "Không giữ chức vụ lãnh đạo, quản lý",
                      "Giữ chức vụ lãnh đạo, quản lý", "Chưa khai"], "without_leadership_by_year")
    _paragraph(doc, "{{ chart_priority }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "IV. HOẠT ĐỘNG CỦA CÁC CỤM, KHỐI THI ĐUA", bold=True)
    _text(doc, "Trong kỳ có {{ c.scored }} lượt thành viên được cụm, khối chấm điểm, xếp hạng; các cụm, khối đã "
               "bình bầu {{ c.leader_elected }} đơn vị dẫn đầu đề nghị tặng Cờ thi đua của UBND tỉnh và đề nghị "
               "{{ c.government_flag }} đơn vị tặng Cờ thi đua của Chính phủ.")
    _data_table(doc, ["Chỉ tiêu", "Số lượng"], "cluster_results")
    _data_table(doc, ["Cụm, khối", "Số lượng"], "clusters")
    _paragraph(doc, "V. PHÁT HIỆN, BỒI DƯỠNG, NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN", bold=True)
    _text(doc, "Trong kỳ đã phát hiện {{ e.found }} điển hình tiên tiến; có {{ e.covered }} tin, bài tuyên truyền "
               "điển hình trên báo chí và {{ e.published }} điển hình được đưa lên trang tin công khai.")
    _data_table(doc, ["Chỉ tiêu", "Số lượng"], "exemplary")
    _data_table(doc, ["Lĩnh vực", "Số lượng"], "exemplary_by_field")
    _data_table(doc, ["Phong trào thi đua", "Số lượng"], "exemplary_by_movement")
    _paragraph(doc, "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True)
    _paragraph(doc, "(Đơn vị soạn thảo bổ sung.)", italic=True)
    _paragraph(doc, "Số liệu của báo cáo đầy đủ đến sự kiện số {{ complete_through }} của luồng sự kiện.",
               italic=True, size=11)


class _Tags(dict[str, str]):
    """`{field}` of a sentence shared with the code as the template's tag `{{ prefix.field }}`."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, field: str) -> str:
        return f"{{{{ {self.prefix}.{field} }}}}"


def build(path: Path = OUT) -> Path:
    doc = word_document()
    word_heading(doc)
    _body(doc)
    word_signature(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
