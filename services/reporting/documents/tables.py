"""The tables of a period report, as plain rows: the same tables go into the DOCX, the XLSX
(one sheet each) and the PDF, so the three carry the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]
TASK_HEADERS = ["Tổng số", "Hoàn thành đúng hạn", "Hoàn thành chậm", "Quá hạn", "Đang thực hiện"]
TASK_KEYS = ["total", "on_time", "late", "overdue", "open"]


@dataclass(frozen=True)
class Table:
    sheet: str  # at most 31 characters (Excel)
    title: str
    headers: list[str]
    rows: list[list[Any]]  # first cell text, then numbers

    def total(self, column: int) -> int:
        return sum(int(r[column] or 0) for r in self.rows)


def _tasks(rows: list[Row], first: str) -> list[list[Any]]:
    return [[r["label"], *[r[k]["count"] for k in TASK_KEYS]] for r in rows]


def _awards(rows: list[Row]) -> list[list[Any]]:
    return [[r["label"], r["count"], r.get("cash_total") or 0] for r in rows]


def _counts(rows: list[Row]) -> list[list[Any]]:
    return [[r["label"], r["count"]] for r in rows]


def _wider(report: Row) -> list[Table]:
    """Awards per movement, the clusters' results and the exemplary models: after the tables the Word
    template names."""
    c, e = report["clusters"], report["exemplary"]
    count = ["Số lượng"]
    return [
        Table("Khen thưởng theo phong trào", "Khen thưởng theo chuyên đề, đột xuất theo phong trào thi đua",
              ["Phong trào thi đua", "Số lượng", "Tiền thưởng (đồng)"], _awards(report["awards"]["by_movement"])),
        Table("Kết quả cụm, khối", "Kết quả thi đua của cụm, khối", ["Chỉ tiêu", *count], _counts(c["by_fact"])),
        Table("Kết quả theo cụm, khối", "Kết quả thi đua theo từng cụm, khối", ["Cụm, khối", *count],
              _counts(c["by_cluster"])),
        Table("Điển hình tiên tiến", "Điển hình tiên tiến", ["Chỉ tiêu", *count],
              [[e["found"]["label"], e["found"]["count"]], *[[f"- {f['label']}", f["count"]] for f in e["by_subject"]],
               *_counts(e["by_stage"]), *_counts([e["covered"], e["published"], e["unpublished"]])]),
        Table("Điển hình theo lĩnh vực", "Điển hình tiên tiến phát hiện theo lĩnh vực", ["Lĩnh vực", *count],
              _counts(e["by_field"])),
        Table("Điển hình theo phong trào", "Điển hình tiên tiến phát hiện theo phong trào thi đua",
              ["Phong trào thi đua", *count], _counts(e["by_movement"])),
    ]


def tables(report: Row) -> list[Table]:
    t, m, a = report["tasks"], report["movements"], report["awards"]
    money = ["Số lượng", "Tiền thưởng (đồng)"]
    movement_rows = [[m["launched"]["label"], m["launched"]["count"]],
                     *[[f"- {f['label']}", f["count"]] for f in (*m["by_kind"], *m["by_scope"], *m["by_launcher"])],
                     [m["concluded"]["label"], m["concluded"]["count"]]]
    forwarded = a["forwarded"]
    return [
        Table("Nhiệm vụ theo quý", "Kết quả thực hiện nhiệm vụ theo quý", ["Quý", *TASK_HEADERS],
              _tasks(t["by_quarter"], "Quý")),
        Table("Nhiệm vụ theo đơn vị", "Kết quả thực hiện nhiệm vụ theo đơn vị chủ trì", ["Đơn vị", *TASK_HEADERS],
              _tasks(t["by_unit"], "Đơn vị")),
        Table("Phong trào thi đua", "Phong trào thi đua", ["Chỉ tiêu", "Số lượng"], movement_rows),
        Table("Khen thưởng theo hình thức", "Khen thưởng theo hình thức", ["Hình thức khen thưởng", *money],
              _awards(a["by_form"])),
        Table("Khen thưởng theo loại", "Khen thưởng theo loại hình thức", ["Loại", *money], _awards(a["by_category"])),
        Table("Khen thưởng theo cấp", "Khen thưởng theo cấp khen thưởng", ["Cấp", *money], _awards(a["by_level"])),
        Table("Khen thưởng theo đối tượng", "Khen thưởng theo đối tượng", ["Đối tượng", *money],
              _awards(a["by_subject"])),
        Table("Khen thưởng theo cấp quyết định", "Khen thưởng theo cấp quyết định", ["Cấp quyết định", *money],
              _awards(a["by_deciding_level"])
              + [[forwarded["total"]["label"], forwarded["total"]["count"], 0]]
              + [[f"- {f['label']}", f["count"], 0] for f in forwarded["by_result"]]),
        Table("Khen thưởng theo đơn vị", "Khen thưởng theo đơn vị đề nghị", ["Đơn vị", *money], _awards(a["by_unit"])),
        Table("Khen thưởng theo cụm, khối", "Khen thưởng theo cụm, khối thi đua", ["Cụm, khối", *money],
              _awards(a["by_cluster"])),
        Table("Khen thưởng theo năm thành tích", "Khen thưởng theo năm thành tích", ["Năm thành tích", *money],
              _awards(a["by_achievement_year"])),
        *_wider(report),
    ]
