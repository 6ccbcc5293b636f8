"""The period report as DOCX, from the province's Word template (docxtpl)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from services.reporting.documents import charts
from services.reporting.documents.heading import Heading
from services.reporting.documents.tables import Table

TEMPLATES = Path(__file__).parent / "templates"
_VERSION = re.compile(r"bao-cao-tdkt\.v(\d+)\.docx")


def template() -> tuple[Path, int]:
    """The newest version of the report template, and its version number."""
    found = sorted((int(m[1]), p) for p in TEMPLATES.iterdir() if (m := _VERSION.fullmatch(p.name)))
    version, path = found[-1]
    return path, version


def number(value: int | None) -> str:
    """1234567 → "1.234.567" (Vietnamese thousands)."""
    return f"{value or 0:,}".replace(",", ".")


def _rows(table: Table) -> list[list[str]]:
    return [[str(v) if not isinstance(v, int) else number(v) for v in row] for row in table.rows]


def render(head: Heading, title: str, subtitle: str, report: dict[str, Any], tables: dict[str, Table],
           position: int) -> bytes:
    path, _ = template()
    doc = DocxTemplate(str(path))
    t, m, a, e = report["tasks"], report["movements"], report["awards"], report["exemplary"]
    facts = {f["key"]: f["count"] for f in report["clusters"]["by_fact"]}
    images = {c.name: InlineImage(doc, io.BytesIO(charts.png(c)), width=Cm(15)) for c in charts.charts(report)}
    context = {
        "h": head, "title": title, "subtitle": subtitle, "period_label": report["period"]["label"],
        "complete_through": position,
        "t": {k: number(t[k]["count"]) for k in ("total", "on_time", "late", "overdue", "open")},
        "m": {"launched": number(m["launched"]["count"]), "concluded": number(m["concluded"]["count"])},
        "a": {"total": number(a["total"]["count"]), "cash": number(a["total"]["cash_total"]),
              "forwarded": number(a["forwarded"]["total"]["count"])},
        "c": {k: number(v) for k, v in facts.items()},
        "e": {k: number(e[k]["count"]) for k in ("found", "covered", "published", "unpublished")},
        **{name: _rows(table) for name, table in tables.items()},
        "chart_tasks": images["nhiem-vu-theo-quy"], "chart_awards_form": images["khen-thuong-theo-hinh-thuc"],
        "chart_awards_unit": images["khen-thuong-theo-don-vi"],
    }
    doc.render(context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
