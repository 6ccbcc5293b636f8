"""A period report as a document: sơ kết (6 months), tổng kết (year), or the report of a quarter
or a range, in DOCX, XLSX or PDF, the same figures in each."""

from __future__ import annotations

from typing import Any, Literal

from services.reporting.documents import pdf, word, xlsx
from services.reporting.documents.heading import Heading
from services.reporting.documents.tables import tables
from services.reporting.documents.word import number

DocumentFormat = Literal["docx", "xlsx", "pdf"]
MEDIA_TYPES = {
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Which tables the Word template lays out, by the name its rows loop over.
WORD_TABLES = {"tasks_by_quarter": 0, "movements": 2, "awards_by_form": 3, "awards_by_subject": 6,
               "awards_by_deciding_level": 7, "awards_by_unit": 8, "awards_by_cluster": 9, "awards_by_movement": 11,
               "cluster_results": 12, "clusters": 13, "exemplary": 14, "exemplary_by_field": 15,
               "exemplary_by_movement": 16}


def title_of(report: dict[str, Any]) -> tuple[str, str]:
    period = report["period"]
    what = {"half": "Sơ kết", "year": "Tổng kết"}.get(period["kind"], "Kết quả")
    return "BÁO CÁO", f"{what} công tác thi đua, khen thưởng {period['label']}"


def summary(report: dict[str, Any], position: int) -> list[str]:
    t, m, a, e = report["tasks"], report["movements"], report["awards"], report["exemplary"]
    facts = {f["key"]: f["count"] for f in report["clusters"]["by_fact"]}
    return [
        f"Nhiệm vụ có hạn trong kỳ: {number(t['total']['count'])}; "
        f"hoàn thành đúng hạn {number(t['on_time']['count'])}, "
        f"hoàn thành chậm {number(t['late']['count'])}, quá hạn {number(t['overdue']['count'])}, "
        f"đang thực hiện {number(t['open']['count'])}.",
        f"Phong trào thi đua phát động trong kỳ: {number(m['launched']['count'])}; "
        f"tổng kết: {number(m['concluded']['count'])}.",
        f"Khen thưởng (theo ngày ký quyết định): {number(a['total']['count'])}; "
        f"tổng tiền thưởng {number(a['total']['cash_total'])} đồng.",
        f"Cụm, khối thi đua: {number(facts['scored'])} lượt thành viên được chấm điểm, "
        f"{number(facts['leader_elected'])} đơn vị dẫn đầu được bình bầu, {number(facts['government_flag'])} "
        f"đơn vị được đề nghị Cờ thi đua của Chính phủ.",
        f"Điển hình tiên tiến phát hiện trong kỳ: {number(e['found']['count'])}; "
        f"tin, bài trên báo chí: {number(e['covered']['count'])}.",
        f"Số liệu đầy đủ đến sự kiện số {position} của luồng sự kiện.",
    ]


def render(report: dict[str, Any], head: Heading, fmt: DocumentFormat) -> bytes:
    title, subtitle = title_of(report)
    position = report["position"]["complete_through"]
    all_tables = tables(report)
    if fmt == "xlsx":
        return xlsx.workbook(f"{head.issuer} — {title.capitalize()} {subtitle[0].lower()}{subtitle[1:]}",
                             report["period"]["label"], all_tables)
    if fmt == "pdf":
        return pdf.render(head, title, subtitle, summary(report, position), all_tables)
    return word.render(head, title, subtitle, report, {k: all_tables[i] for k, i in WORD_TABLES.items()}, position)
