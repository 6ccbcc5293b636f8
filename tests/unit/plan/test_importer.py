"""Reading plan documents: the sample plan, its Word version, and documents that are wrong."""

from __future__ import annotations

from datetime import date

import pytest

from services.plan.importer import PlanDocumentError, read_document, split_units
from tests.support import SAMPLE_PLAN
from tests.unit.plan.docx_fixture import plan_docx

TEXT = SAMPLE_PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan():
    return read_document(SAMPLE_PLAN.read_bytes(), "157.txt")


def test_reads_the_header_of_the_document(plan) -> None:
    assert (plan.number, plan.year, plan.issued_on) == ("157/KH-UBND", 2026, date(2026, 1, 22))
    assert plan.title == "Công tác thi đua, khen thưởng năm 2026"
    assert plan.issuer == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert plan.signed_by == "Hoàng Văn Thạch"


def test_reads_every_task_of_the_four_quarters(plan) -> None:
    assert [(q.quarter, q.announced, len(q.tasks)) for q in plan.quarters] == [
        (1, 14, 14), (2, 10, 10), (3, 4, 5), (4, 4, 5)]
    assert all([t.number for t in q.tasks] == list(range(1, len(q.tasks) + 1)) for q in plan.quarters)


def test_warns_where_the_documents_own_count_disagrees_with_its_list(plan) -> None:
    assert len(plan.warnings) == 2
    assert plan.warnings[0].startswith("Quý III: văn bản ghi 04 nhiệm vụ nhưng liệt kê 5")
    assert plan.warnings[1].startswith("Quý IV: văn bản ghi 04 nhiệm vụ nhưng liệt kê 5")


def test_joins_a_row_continued_over_a_page_break(plan) -> None:
    task = plan.quarters[1].tasks[7]
    assert task.title.endswith("quản lý, duy trì trang “Zalo TĐKT”.")
    assert "theo dõi, tổng hợp điển hình tiên tiến" in task.title
    assert task.coordinating_units == ("Văn phòng UBND tỉnh", "các đơn vị tham gia khối, cụm thi đua thuộc tỉnh")


def test_removes_stray_markup(plan) -> None:
    task = plan.quarters[2].tasks[4]
    assert "<i>" not in task.title and "</i>" not in task.title
    assert "“Vi sự nghiệp xây dựng và phát triển tỉnh Cao Bằng”" in task.title


@pytest.mark.parametrize(("cell", "lead", "coordinating"), [
    ("- Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp.", ["Sở Nội vụ"], ["Văn phòng UBND tỉnh"]),
    ("- Công an tỉnh. - Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp.",
     ["Công an tỉnh", "Sở Nội vụ"], ["Văn phòng UBND tỉnh"]),
    ("- Sở Nội vụ. - Văn phòng UBND tỉnh - Cơ quan, đơn vị liên quan phối hợp.",
     ["Sở Nội vụ"], ["Văn phòng UBND tỉnh", "Cơ quan, đơn vị liên quan"]),
    ("- Sở Nội vụ. - Văn phòng UBND tỉnh; các cơ quan, đơn vị liên quan phối hợp.",
     ["Sở Nội vụ"], ["Văn phòng UBND tỉnh", "các cơ quan, đơn vị liên quan"]),
    ("- Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp; UBND các xã, phường.",
     ["Sở Nội vụ"], ["Văn phòng UBND tỉnh", "UBND các xã, phường"]),
    ("- Hội đồng TĐKT tỉnh. - Sở Nội vụ.", ["Hội đồng TĐKT tỉnh", "Sở Nội vụ"], []),
    ("- Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp", ["Sở Nội vụ"], ["Văn phòng UBND tỉnh"]),
    ("- Hội đồng Thi đua - Khen thưởng tỉnh. - Sở Nội vụ phối hợp.",
     ["Hội đồng Thi đua - Khen thưởng tỉnh"], ["Sở Nội vụ"]),
])
def test_splits_lead_and_coordinating_units(cell: str, lead: list[str], coordinating: list[str]) -> None:
    assert split_units(cell) == (tuple(lead), tuple(coordinating))


def test_a_word_document_of_the_same_plan_reads_the_same(plan) -> None:
    from_word = read_document(plan_docx(TEXT), "157.docx")
    def content(tasks):
        return [(t.quarter, t.number, t.title, t.lead_units, t.coordinating_units) for t in tasks]

    assert content(from_word.tasks) == content(plan.tasks)
    assert from_word.checksum() == plan.checksum()
    assert from_word.warnings == plan.warnings


@pytest.mark.parametrize(("data", "message"), [
    (b"", "rỗng"),
    (b"   \n\n", "rỗng"),
    (b"\xff\xd8\xff\xe0 not text \x00\x01", "UTF-8"),
    ("Báo cáo tình hình\nkhông có số".encode(), "Không tìm thấy số văn bản"),
    (TEXT.replace("/KH-UBND", "/BC-UBND").encode(), "không phải Kế hoạch"),
    (TEXT.replace("KẾ HOẠCH\n", "").encode(), "KẾ HOẠCH"),
    (b"PK\x03\x04 broken zip", ".docx"),
])
def test_refuses_what_is_not_a_readable_plan(data: bytes, message: str) -> None:
    with pytest.raises(PlanDocumentError, match=message):
        read_document(data)


def test_refuses_a_plan_without_its_table() -> None:
    head = TEXT[: TEXT.index("STT\t")]
    with pytest.raises(PlanDocumentError, match="bảng nhiệm vụ"):
        read_document(head.encode())


def test_lists_every_broken_row_with_its_line_number() -> None:
    row = "Kế hoạch công tác của Hội đồng TĐKT tỉnh năm 2026"
    broken = TEXT.replace(f"3\t{row}\t- Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp.", f"2\t{row}\t")
    with pytest.raises(PlanDocumentError) as error:
        read_document(broken.encode())
    details = " | ".join(error.value.details)
    assert "hai nhiệm vụ số 2" in details
    assert "không ghi đơn vị" in details
    assert "Dòng 34" in details  # the line of that row in the file


def test_same_plan_twice_gives_the_same_checksum_and_a_changed_one_does_not(plan) -> None:
    assert read_document(SAMPLE_PLAN.read_bytes()).checksum() == plan.checksum()
    changed = read_document(TEXT.replace("Tập huấn nghiệp vụ", "Bồi dưỡng nghiệp vụ").encode())
    assert changed.checksum() != plan.checksum()


def test_refuses_control_characters_naming_each_line() -> None:
    lines = TEXT.splitlines()
    lines[2] = lines[2] + "\x00"
    lines[4] = "\x1b[31m" + lines[4]
    with pytest.raises(PlanDocumentError, match="ký tự điều khiển") as error:
        read_document("\n".join(lines).encode())
    assert [d.split(":")[0] for d in error.value.details] == ["dòng 3", "dòng 5"]
    assert "U+0000" in error.value.details[0] and "U+001B" in error.value.details[1]
