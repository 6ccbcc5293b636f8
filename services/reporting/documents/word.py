"""The period report as DOCX, from the province's Word template (docxtpl)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from services.reporting.documents.charts import percent
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


# The charts (PNG) by the names the templates place them under.
CHARTS = {"chart_tasks": "nhiem-vu-theo-quy", "chart_awards_form": "khen-thuong-theo-hinh-thuc",
          "chart_awards_unit": "khen-thuong-theo-don-vi", "chart_awards_years": "khen-thuong-hinh-thuc-qua-cac-nam",
          "chart_priority": "khen-thuong-khong-giu-chuc-vu"}


# Section 8 of the template (v3) on the priority groups, the PDF's summary line says the same;
# the fields are those of `priority()` (the template names them `{{ p.<field> }}`).
PRIORITY_SENTENCE = (
    "Trong kỳ đã khen thưởng {individuals} cá nhân; trong đó {khong_lanh_dao} cá nhân không giữ chức vụ lãnh đạo, "
    "quản lý, {truc_tiep_lao_dong} công nhân, nông dân, chiến sĩ, người trực tiếp lao động, sản xuất, công tác, "
    "{nu} nữ, {dan_toc_thieu_so} người dân tộc thiểu số; {vung_kho_khan} cá nhân, tập thể ở vùng sâu, vùng xa, vùng "
    "đặc biệt khó khăn. Tỷ lệ khen thưởng cá nhân không giữ chức vụ lãnh đạo, quản lý trong năm: {share}.")


def priority(groups: dict[str, Any]) -> dict[str, str]:
    """The priority groups' figures the template's sentences name: awards to individuals, per group
    (by key), and the share without a leadership position in the period's year."""
    out = {"individuals": number(groups["individuals"]["count"]),
           **{f["key"]: number(f["count"]) for f in groups["groups"]}}
    years = groups["without_leadership_by_year"]
    share = years[-1]["share_percent"] if years else None
    out["share"] = "chưa có số liệu" if share is None else percent(share)
    return out


def render(head: Heading, title: str, subtitle: str, report: dict[str, Any], tables: dict[str, Table],
           position: int, pngs: dict[str, bytes]) -> bytes:
    """`tables` by the names the template's rows loop over, `pngs` the charts by name."""
    path, _ = template()
    doc = DocxTemplate(str(path))
    t, m, a, e = report["tasks"], report["movements"], report["awards"], report["exemplary"]
    facts = {f["key"]: f["count"] for f in report["clusters"]["by_fact"]}
    context = {
        "h": head, "title": title, "subtitle": subtitle, "period_label": report["period"]["label"],
        "complete_through": position,
        "t": {k: number(t[k]["count"]) for k in ("total", "on_time", "late", "overdue", "open")},
        "m": {"launched": number(m["launched"]["count"]), "concluded": number(m["concluded"]["count"])},
        "a": {"total": number(a["total"]["count"]), "cash": number(a["total"]["cash_total"]),
              "forwarded": number(a["forwarded"]["total"]["count"])},
        "c": {k: number(v) for k, v in facts.items()},
        "e": {k: number(e[k]["count"]) for k in ("found", "covered", "published", "unpublished")},
        "p": priority(report["priority_groups"]),
        "years_shown": tables["awards_by_form_by_year"].headers[1:],
        **{name: _rows(table) for name, table in tables.items()},
        **{tag: InlineImage(doc, io.BytesIO(pngs[name]), width=Cm(15)) for tag, name in CHARTS.items()},
    }
    doc.render(context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
