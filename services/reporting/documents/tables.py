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
    key: str = ""  # the name the Word template's rows loop over (stable when tables are added)

    def total(self, column: int) -> int:
        return sum(int(r[column] or 0) for r in self.rows)


def _tasks(rows: list[Row], first: str) -> list[list[Any]]:
    return [[r["label"], *[r[k]["count"] for k in TASK_KEYS]] for r in rows]


def _awards(rows: list[Row]) -> list[list[Any]]:
    return [[r["label"], r["count"], r.get("cash_total") or 0] for r in rows]


def _counts(rows: list[Row]) -> list[list[Any]]:
    return [[r["label"], r["count"]] for r in rows]


def _wider(report: Row) -> list[Table]:
    """Awards per movement, the clusters' results and the exemplary models."""
    c, e = report["clusters"], report["exemplary"]
    count = ["Số lượng"]
    return [
        Table("Khen thưởng theo phong trào", "Khen thưởng theo chuyên đề, đột xuất theo phong trào thi đua",
              ["Phong trào thi đua", "Số lượng", "Tiền thưởng (đồng)"], _awards(report["awards"]["by_movement"]),
              "awards_by_movement"),
        Table("Kết quả cụm, khối", "Kết quả thi đua của cụm, khối", ["Chỉ tiêu", *count], _counts(c["by_fact"]),
              "cluster_results"),
        Table("Kết quả theo cụm, khối", "Kết quả thi đua theo từng cụm, khối", ["Cụm, khối", *count],
              _counts(c["by_cluster"]), "clusters"),
        Table("Điển hình tiên tiến", "Điển hình tiên tiến", ["Chỉ tiêu", *count],
              [[e["found"]["label"], e["found"]["count"]], *[[f"- {f['label']}", f["count"]] for f in e["by_subject"]],
               *_counts(e["by_stage"]), *_counts([e["covered"], e["published"], e["unpublished"]])], "exemplary"),
        Table("Điển hình theo lĩnh vực", "Điển hình tiên tiến phát hiện theo lĩnh vực", ["Lĩnh vực", *count],
              _counts(e["by_field"]), "exemplary_by_field"),
        Table("Điển hình theo phong trào", "Điển hình tiên tiến phát hiện theo phong trào thi đua",
              ["Phong trào thi đua", *count], _counts(e["by_movement"]), "exemplary_by_movement"),
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
              _tasks(t["by_quarter"], "Quý"), "tasks_by_quarter"),
        Table("Nhiệm vụ theo đơn vị", "Kết quả thực hiện nhiệm vụ theo đơn vị chủ trì", ["Đơn vị", *TASK_HEADERS],
              _tasks(t["by_unit"], "Đơn vị"), "tasks_by_unit"),
        Table("Phong trào thi đua", "Phong trào thi đua", ["Chỉ tiêu", "Số lượng"], movement_rows, "movements"),
        Table("Khen thưởng theo hình thức", "Khen thưởng theo hình thức", ["Hình thức khen thưởng", *money],
              _awards(a["by_form"]), "awards_by_form"),
        _forms_by_year(a["by_form_by_year"]),
        Table("Khen thưởng theo loại", "Khen thưởng theo loại hình thức", ["Loại", *money], _awards(a["by_category"]),
              "awards_by_category"),
        Table("Khen thưởng theo cấp", "Khen thưởng theo cấp khen thưởng", ["Cấp", *money], _awards(a["by_level"]),
              "awards_by_level"),
        Table("Khen thưởng theo đối tượng", "Khen thưởng theo đối tượng", ["Đối tượng", *money],
              _awards(a["by_subject"]), "awards_by_subject"),
        Table("Khen thưởng theo cấp quyết định", "Khen thưởng theo cấp quyết định", ["Cấp quyết định", *money],
              _awards(a["by_deciding_level"])
              + [[forwarded["total"]["label"], forwarded["total"]["count"], 0]]
              + [[f"- {f['label']}", f["count"], 0] for f in forwarded["by_result"]], "awards_by_deciding_level"),
        Table("Khen thưởng theo đơn vị", "Khen thưởng theo đơn vị đề nghị", ["Đơn vị", *money], _awards(a["by_unit"]),
              "awards_by_unit"),
        Table("Khen thưởng theo cụm, khối", "Khen thưởng theo cụm, khối thi đua", ["Cụm, khối", *money],
              _awards(a["by_cluster"]), "awards_by_cluster"),
        Table("Khen thưởng theo năm thành tích", "Khen thưởng theo năm thành tích", ["Năm thành tích", *money],
              _awards(a["by_achievement_year"]), "awards_by_achievement_year"),
        *_wider(report),
        *_priority(report["priority_groups"], money),
    ]


def _forms_by_year(years: list[Row]) -> Table:
    """Awards per form year on year: one row per form (in the order of the latest year, then the
    forms only earlier years had), one column per year, the total last."""
    names: dict[str, str] = {}
    for y in reversed(years):
        names.update((f["key"], f["label"]) for f in y["by_form"] if f["key"] not in names)
    counts = [{f["key"]: f["count"] for f in y["by_form"]} for y in years]
    return Table("Hình thức qua các năm", "Khen thưởng theo hình thức qua các năm (theo ngày ký quyết định)",
                 ["Hình thức khen thưởng", *[str(y["year"]) for y in years]],
                 [*[[label, *[c.get(key, 0) for c in counts]] for key, label in names.items()],
                  ["Tổng số", *[y["total"]["count"] for y in years]]], "awards_by_form_by_year")


def _priority(p: Row, money: list[str]) -> list[Table]:
    """Awards to the groups the Law asks to favour, then the share without a leadership position by year."""
    rows = [[p["individuals"]["label"], p["individuals"]["count"], p["individuals"]["cash_total"]],
            *[[f"- {f['label']}", f["count"], f["cash_total"]] for f in p["groups"]],
            *[[f["label"], f["count"], f["cash_total"]] for f in p["undeclared"]]]  # "… chưa khai …"
    years = [[str(y["year"]), y["individuals"]["count"], y["without_leadership"]["count"], y["with_leadership"],
              y["undeclared"]] for y in p["without_leadership_by_year"]]
    return [
        Table("Khen thưởng đối tượng ưu tiên", "Khen thưởng các đối tượng được ưu tiên (Luật Thi đua, khen thưởng, "
              "Điều 5)", ["Đối tượng", *money], rows, "priority_groups"),
        Table("Không giữ chức vụ lãnh đạo", "Khen thưởng cá nhân không giữ chức vụ lãnh đạo, quản lý qua các năm",
              ["Năm", "Khen thưởng cá nhân", "Không giữ chức vụ lãnh đạo, quản lý", "Giữ chức vụ lãnh đạo, quản lý",
               "Chưa khai"], years, "without_leadership_by_year"),
    ]
