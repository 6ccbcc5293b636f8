"""The papers' layout without the service: amounts in words, the NĐ 30/2020 date line, every
configured blank's fields measured on the PDF (within 1 mm), the calibration page, a text too long
for its box, and templates that render every part of a paper."""

from __future__ import annotations

import io
from datetime import date

import pdfplumber
import pytest
from docx import Document
from pypdf import PdfReader

from services.nomination.papers import certificates, content, word
from services.nomination.papers.content import Entry

MM = 25.4 / 72
VALUES = {"name": "Nông Thị Hoa", "unit": "Giáo viên, Trường THPT Cao Bình, Sở Giáo dục và Đào tạo",
          "achievement": "Đã có thành tích xuất sắc trong công tác giảng dạy năm học 2024-2025, góp phần vào sự "
                         "nghiệp giáo dục của tỉnh",
          "decision": "Quyết định số 125/QĐ-UBND ngày 20/07/2026",
          "place_date": "Cao Bằng, ngày 20 tháng 7 năm 2026", "signer": "Hoàng Xuân Ánh"}


@pytest.mark.parametrize(("amount", "text"), [
    (0, "Không"), (5, "Năm"), (15, "Mười lăm"), (21, "Hai mươi mốt"), (105, "Một trăm linh năm"),
    (1_518_000, "Một triệu năm trăm mười tám nghìn"), (7_600_000, "Bảy triệu sáu trăm nghìn"),
    (4_049_000, "Bốn triệu không trăm bốn mươi chín nghìn"), (2_000_000_000, "Hai tỷ"),
    (24_000, "Hai mươi tư nghìn"),
])
def test_amounts_in_words(amount: int, text: str) -> None:
    assert content.words(amount) == text


def test_the_date_line_takes_leading_zeros_for_days_below_10_and_months_1_and_2() -> None:
    assert content.place_date_of(date(2027, 2, 5)) == "Cao Bằng, ngày 05 tháng 02 năm 2027"
    assert content.place_date_of(date(2026, 7, 20)) == "Cao Bằng, ngày 20 tháng 7 năm 2026"


def lines_of(data: bytes) -> tuple[dict[float, list[dict]], tuple[float, float]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        lines: dict[float, list[dict]] = {}
        for char in page.chars:
            lines.setdefault(round((page.height - char["matrix"][5]) * MM, 2), []).append(char)
        return lines, (page.width * MM, page.height * MM)


@pytest.mark.parametrize("code", sorted(certificates.blanks()))
def test_each_field_lands_within_1_mm_of_its_configured_position(code: str) -> None:
    blank = certificates.blank(code)
    data, placed = certificates.render(code, VALUES)
    lines, (width, height) = lines_of(data)
    assert abs(width - blank.page.width) < 0.5 and abs(height - blank.page.height) < 0.5
    for field, box in blank.fields.items():
        baseline = min(lines, key=lambda y: abs(y - box.y))
        chars = sorted((c for c in lines[baseline]  # the field's own room: two fields may share a baseline
                        if c["x0"] * MM >= box.left - 1 and c["x1"] * MM <= box.left + box.width + 1),
                       key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars)
        first = next(p for p in placed if p.field == field)
        assert text.replace(" ", "") == first.text.replace(" ", ""), (field, text)
        left, right = chars[0]["x0"] * MM, chars[-1]["x1"] * MM
        x = {"left": left, "center": (left + right) / 2, "right": right}[box.align]
        assert abs(x - box.x) <= 1.0 and abs(baseline - box.y) <= 1.0, (code, field, x, baseline, box)
        assert right - left <= box.width + 0.5, (field, right - left, box.width)


def test_a_long_text_wraps_within_its_lines_and_shrinks_before_overflowing() -> None:
    long = {**VALUES, "achievement": " ".join(["thành tích xuất sắc"] * 30), "name": "Tập thể " + "rất dài " * 12}
    data, placed = certificates.render("bang-khen-tinh", long)
    box = certificates.blank("bang-khen-tinh").fields["achievement"]
    achievement = [p for p in placed if p.field == "achievement"]
    assert len(achievement) == box.lines
    assert [round(p.y - box.y, 3) for p in achievement] == [round(i * box.leading, 3) for i in range(box.lines)]
    name = next(p for p in placed if p.field == "name")
    assert name.size < certificates.blank("bang-khen-tinh").fields["name"].size
    assert "thành tích xuất sắc" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_the_calibration_page_has_the_grid_every_field_and_the_ruler() -> None:
    data = certificates.calibration("giay-chung-nhan")
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Trang căn chỉnh phôi: Giấy chứng nhận" in text and "100 mm" in text
    for field in certificates.blank("giay-chung-nhan").fields:
        assert f"({field}): x=" in text, field
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[0].lines) > 80 and len(pdf.pages[0].rects) >= 6


def test_an_unknown_blank_names_the_known_ones() -> None:
    with pytest.raises(certificates.UnknownBlankError, match="bang-khen-tinh"):
        certificates.blank("phoi-khong-co")


def test_every_template_renders_every_part_of_its_paper() -> None:
    entries = [Entry("1", "Nông Thị Hoa", "ca_nhan", "Giáo viên", "SGDDT", "BKT", "Bằng khen tỉnh", 2025,
                     "Dạy giỏi", 3_800_000),
               Entry("2", "Trường THPT A & B <Cao Bình>", "tap_the", "", "SGDDT", "BKT", "Bằng khen tỉnh", 2025, "",
                     None)]
    rejected = Entry("3", "Lục Thị Mến", "ca_nhan", "", "SGDDT", "BKT", "Bằng khen tỉnh", 2025,
                     reason="Chưa đủ điều kiện")
    papers = [content.to_trinh(unit_code="SGDDT", year=2025, title="Đợt 1", entries=entries,
                               signed_on=date(2027, 2, 5)),
              content.decision(entries=entries, signed_on=date(2027, 2, 5), number="12/QĐ-UBND"),
              content.non_award(entry=rejected, signed_on=date(2027, 2, 5))]
    for paper in papers:
        doc = Document(io.BytesIO(word.render(paper)))
        text = "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for row in t.rows for c in row.cells])
        assert "{{" not in text and "{%" not in text, paper.kind
        for part in (paper.title, paper.subject, paper.heading.place_date, *paper.preamble, *paper.body,
                     *paper.heading.recipients):
            assert part in text, (paper.kind, part)
        if paper.annex:
            assert paper.annex.title in text and all(row[1] in text for row in paper.annex.rows)
    assert "1. Bằng khen tỉnh: 2 trường hợp (1 cá nhân, 1 tập thể)." in papers[0].body
    decision = papers[1]
    assert decision.annex is not None and decision.annex.total[-1] == "3.800.000"
    assert decision.annex.rows[1][-1] == "—"  # no multiplier known: shown, left out of the total
