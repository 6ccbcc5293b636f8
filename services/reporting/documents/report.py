"""A period report as a document: sơ kết (6 months), tổng kết (year), or the report of a quarter
or a range, in DOCX, XLSX or PDF, the same figures in each."""

from __future__ import annotations

from typing import Any, Literal

from services.reporting.documents import charts, pdf, word, xlsx
from services.reporting.documents.heading import Heading
from services.reporting.documents.tables import tables
from services.reporting.documents.word import PRIORITY_SENTENCE, number, priority

DocumentFormat = Literal["docx", "xlsx", "pdf"]
MEDIA_TYPES = {
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Where each chart goes in the PDF: after the table it draws.
CHART_AFTER = {"nhiem-vu-theo-quy": "tasks_by_quarter", "khen-thuong-theo-hinh-thuc": "awards_by_form",
               "khen-thuong-hinh-thuc-qua-cac-nam": "awards_by_form_by_year",
               "khen-thuong-theo-don-vi": "awards_by_unit",
               "khen-thuong-khong-giu-chuc-vu": "without_leadership_by_year"}


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
        PRIORITY_SENTENCE.format_map(priority(report["priority_groups"])),  # the template's section 8 says the same
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
    images = {c.name: charts.png(c) for c in charts.charts(report)}
    if fmt == "pdf":
        after: dict[str, list[bytes]] = {}
        for name, key in CHART_AFTER.items():
            after.setdefault(key, []).append(images[name])
        return pdf.render(head, title, subtitle, summary(report, position), all_tables, after)
    return word.render(head, title, subtitle, report, {t.key: t for t in all_tables}, position, images)
