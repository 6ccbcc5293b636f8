"""The period report's documents from a report's figures: the Word template's section on the
priority groups and the year-on-year awards carry the JSON's numbers, the PDF carries the same
figures and every chart as an embedded image, and the year-on-year chart stacks each year's forms."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from services.reporting.documents import charts, word
from services.reporting.documents import report as documents
from services.reporting.documents.heading import heading
from services.reporting.documents.tables import tables
from services.reporting.models import PeriodReport

FORMS = [("BKT", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"), ("CSTDT", "Chiến sĩ thi đua cấp tỉnh"),
         ("GK", "Giấy khen"), ("LDTT", "Lao động tiên tiến"), ("TTLDXS", "Tập thể lao động xuất sắc"),
         ("CTDT", "Cờ thi đua của Ủy ban nhân dân tỉnh"), ("HCLD3", "Huân chương Lao động hạng Ba")]
GROUPS = {"khong_lanh_dao": 41, "truc_tiep_lao_dong": 17, "nu": 29, "dan_toc_thieu_so": 23, "vung_kho_khan": 12}


def fig(label: str, count: int, key: str | None = None, cash: int | None = None) -> dict[str, Any]:
    row = {"key": key, "label": label, "count": count, "list_url": "/reports/dossiers"}
    return row if cash is None else {**row, "cash_total": cash}


def tasks(label: str, n: int) -> dict[str, Any]:
    return {"total": fig(label, n), **{k: fig(k, v) for k, v in
                                       zip(("on_time", "late", "overdue", "open"), (n - 3, 1, 1, 1), strict=True)}}


def report() -> dict[str, Any]:
    years = [{"year": y, "total": fig(f"Khen thưởng năm {y}", sum(10 * (y - 2020) + i for i in range(len(FORMS)))),
              "by_form": [fig(name, 10 * (y - 2020) + i, code) for i, (code, name) in enumerate(FORMS)]}
             for y in range(2022, 2027)]
    shares = [{"year": y, "individuals": fig(f"năm {y}", 60 + y - 2022),
               "without_leadership": fig(f"không năm {y}", 40 + y - 2022, "khong_lanh_dao"), "with_leadership": 15,
               "undeclared": 5, "share_percent": round(100 * (40 + y - 2022) / (60 + y - 2022), 1)}
              for y in range(2022, 2027)]
    body = {
        "period": {"code": "2026", "kind": "year", "label": "năm 2026", "start": date(2026, 1, 1),
                   "end": date(2026, 12, 31)},
        "position": {"complete_through": 812, "stream_last": 812, "consumers": {"reporting": 812}},
        "tasks": {"basis": "due_date", "basis_label": "", **tasks("Tổng số", 16),
                  "by_quarter": [{"year": 2026, "quarter": q, "label": f"Quý {q}/2026", **tasks(f"Quý {q}", 4)}
                                 for q in range(1, 5)],
                  "by_unit": [{"unit": "SNV", "label": "Sở Nội vụ", **tasks("Sở Nội vụ", 16)}]},
        "movements": {"launched": fig("Phát động", 3), "by_kind": [], "by_scope": [], "by_launcher": [],
                      "concluded": fig("Tổng kết", 1)},
        "awards": {"basis": "decided_on", "basis_label": "", "total": fig("Tổng số", 80, cash=300_000_000),
                   **{k: [fig(name, 10 * 6 + i, code, 1_000_000) for i, (code, name) in enumerate(FORMS)]
                      for k in ("by_form", "by_unit")},
                   **{k: [] for k in ("by_category", "by_level", "by_subject", "by_deciding_level", "by_cluster",
                                      "by_movement", "by_achievement_year")},
                   "by_form_by_year": years,
                   "forwarded": {"total": fig("Trình", 2), "by_result": []}, "revoked": fig("Hủy", 0, cash=0)},
        "clusters": {"basis": "on_date", "basis_label": "",
                     "by_fact": [fig(k, 1, k) for k in ("scored", "leader_elected", "government_flag")],
                     "by_cluster": []},
        "exemplary": {"basis": "on_date", "basis_label": "", "found": fig("Phát hiện", 4), "by_subject": [],
                      "by_field": [], "by_movement": [], "by_stage": [], "covered": fig("Tin", 3),
                      "published": fig("Công khai", 2), "unpublished": fig("Rút", 1)},
        "priority_groups": {"basis_label": "", "individuals": fig("Khen thưởng cá nhân", 64, cash=190_000_000),
                            "groups": [fig(f"Nhóm {k}", n, k, n * 1_000_000) for k, n in GROUPS.items()],
                            "undeclared": [fig(f"Chưa khai {k}", 3, k) for k in GROUPS],
                            "without_leadership_by_year": shares},
    }
    return PeriodReport.model_validate(body).model_dump()  # the shape the route answers


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_the_year_on_year_chart_stacks_the_most_awarded_forms_and_the_others_together() -> None:
    body = report()
    chart = charts.forms_by_year(body["awards"]["by_form_by_year"])
    assert [label for label, _ in chart.bars] == ["2022", "2023", "2024", "2025", "2026"]
    assert [sum(values) for _, values in chart.bars] == [y["total"]["count"] for y in body["awards"]["by_form_by_year"]]
    # Seven forms: the five most awarded over the years by name, the other two as one.
    assert chart.series == [name for _, name in FORMS[::-1][:5]] + ["Hình thức khác"]
    assert chart.bars[-1][1] == [66, 65, 64, 63, 62, 60 + 61]
    svg = charts.svg(chart)
    assert all(f">{name}</text>" in svg for name in chart.series)
    assert chart.name in {c.name for c in charts.charts(body)}


def test_the_word_report_has_the_priority_groups_and_the_years_with_the_jsons_numbers() -> None:
    body = report()
    doc = Document(io.BytesIO(documents.render(body, heading(date(2027, 2, 5)), "docx")))
    assert word.template()[0].name == "bao-cao-tdkt.v3.docx"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "8. Khen thưởng các đối tượng được ưu tiên" in text
    groups = body["priority_groups"]
    assert (f"đã khen thưởng {groups['individuals']['count']} cá nhân; trong đó {GROUPS['khong_lanh_dao']} cá nhân "
            f"không giữ chức vụ lãnh đạo, quản lý, {GROUPS['truc_tiep_lao_dong']} công nhân") in text
    assert f"{GROUPS['nu']} nữ, {GROUPS['dan_toc_thieu_so']} người dân tộc thiểu số" in text
    assert "trong năm: 68,8%." in text  # 44 of 64 in 2026
    rows = {t.rows[0].cells[0].text: [[c.text for c in r.cells] for r in t.rows[1:]] for t in doc.tables}
    assert rows["Đối tượng"][0] == ["Khen thưởng cá nhân", "64", number(190_000_000)]
    assert rows["Đối tượng"][1:6] == [[f"- Nhóm {k}", str(n), number(n * 1_000_000)] for k, n in GROUPS.items()]
    assert rows["Năm"] == [[str(y["year"]), str(y["individuals"]["count"]), str(y["without_leadership"]["count"]),
                            "15", "5"] for y in groups["without_leadership_by_year"]]
    [years] = [t for t in doc.tables if t.rows[0].cells[0].text == "Hình thức khen thưởng" and len(t.columns) == 6]
    assert [c.text for c in years.rows[0].cells][1:] == ["2022", "2023", "2024", "2025", "2026"]
    by_year = {r.cells[0].text: [int(c.text.replace(".", "")) for c in r.cells[1:]] for r in years.rows[1:]}
    for y, column in zip(body["awards"]["by_form_by_year"], range(5), strict=True):
        assert {f["label"]: f["count"] for f in y["by_form"]} == {k: v[column] for k, v in by_year.items()
                                                                  if k != "Tổng số"}
        assert by_year["Tổng số"][column] == y["total"]["count"]
    assert len(doc.inline_shapes) == len(word.CHARTS) == 5


@pytest.mark.parametrize("version", [1, 2])
def test_the_earlier_templates_still_render(version: int, monkeypatch: pytest.MonkeyPatch) -> None:
    path = word.TEMPLATES / f"bao-cao-tdkt.v{version}.docx"
    monkeypatch.setattr(word, "template", lambda: (path, version))
    doc = Document(io.BytesIO(documents.render(report(), heading(date(2027, 2, 5)), "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "III. CÔNG TÁC KHEN THƯỞNG" in text and "{{" not in text
    assert "đối tượng được ưu tiên" not in text


def test_the_pdf_report_carries_the_charts_as_images_and_the_new_figures() -> None:
    body = report()
    data = documents.render(body, heading(date(2027, 2, 5)), "pdf")
    reader = PdfReader(io.BytesIO(data))
    content = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert "Khen thưởng các đối tượng được ưu tiên" in content
    # the summary's sentence on the priority groups, from the figures section 8 of the DOCX names
    groups = body["priority_groups"]
    assert (f"Trong kỳ đã khen thưởng {groups['individuals']['count']} cá nhân; trong đó {GROUPS['khong_lanh_dao']} "
            f"cá nhân không giữ chức vụ lãnh đạo, quản lý, {GROUPS['truc_tiep_lao_dong']} công nhân, nông dân, chiến "
            f"sĩ, người trực tiếp lao động, sản xuất, công tác, {GROUPS['nu']} nữ, {GROUPS['dan_toc_thieu_so']} người "
            f"dân tộc thiểu số; {GROUPS['vung_kho_khan']} cá nhân, tập thể ở vùng sâu, vùng xa, vùng đặc biệt khó "
            "khăn. Tỷ lệ khen thưởng cá nhân không giữ chức vụ lãnh đạo, quản lý trong năm: 68,8%.") in content
    assert "Khen thưởng theo hình thức qua các năm" in content
    for k, n in GROUPS.items():
        assert f"- Nhóm {k} {n} {number(n * 1_000_000)}" in content.replace("\n", " ")
    assert f"Tổng số {' '.join(str(y['total']['count']) for y in body['awards']['by_form_by_year'])}" in content
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == len(charts.charts(body)) == 5
    assert all(image.image is not None and image.image.width == charts.WIDTH for image in images)


def test_every_table_has_its_own_key_the_template_names() -> None:
    made = tables(report())
    keys = [t.key for t in made]
    assert all(keys) and len(set(keys)) == len(keys)
    assert {"priority_groups", "without_leadership_by_year", "awards_by_form_by_year", "tasks_by_quarter"} <= set(keys)
