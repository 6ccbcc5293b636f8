"""Bar charts of a period report: SVG for pages, PNG for documents, drawn from the same bars.

Tasks done per quarter (on time and late stacked), awards per form, awards per form year on year
(the forms stacked in each year's bar), awards per unit, and the share of awards to individuals
without a leadership position, year on year.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from services.reporting.documents.heading import font

COLOURS = ("#1f5f8b", "#e0a526", "#b03a2e", "#4a8c3f", "#7b4f9d", "#8c8c8c")
WIDTH, BAR_H, GAP, LEFT, TOP = 900, 26, 10, 330, 50
LEGEND_ROW = 20
FORMS_SHOWN = len(COLOURS) - 1  # forms stacked by name in the year-on-year chart; the rest as one


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    series: list[str]
    bars: list[tuple[str, list[int]]]  # label, one value per series (stacked)

    @property
    def height(self) -> int:
        return TOP + len(self.bars) * (BAR_H + GAP) + 20 + LEGEND_ROW * len(self.legend())

    def legend(self) -> list[list[tuple[int, str]]]:
        """The series (index, name) in rows: up to three a row from the bars' left edge, one a row
        where a name is too long for that."""
        per_row = 3 if all(len(name) <= 22 for name in self.series) else 1
        named = list(enumerate(self.series))
        return [named[i:i + per_row] for i in range(0, len(named), per_row)]

    def _scale(self) -> float:
        top = max((sum(values) for _, values in self.bars), default=0)
        return (WIDTH - LEFT - 60) / top if top else 0.0


def charts(report: dict[str, Any]) -> list[Chart]:
    tasks, awards = report["tasks"], report["awards"]
    return [
        Chart("nhiem-vu-theo-quy", "Nhiệm vụ hoàn thành theo quý", ["đúng hạn", "chậm"],
              [(q["label"], [q["on_time"]["count"], q["late"]["count"]]) for q in tasks["by_quarter"]]),
        Chart("khen-thuong-theo-hinh-thuc", "Khen thưởng theo hình thức", ["số lượng"],
              [(f["label"], [f["count"]]) for f in awards["by_form"][:15]]),
        Chart("khen-thuong-theo-don-vi", "Khen thưởng theo đơn vị", ["số lượng"],
              [(f["label"], [f["count"]]) for f in awards["by_unit"][:15]]),
        forms_by_year(awards["by_form_by_year"]),
        leadership_share(report["priority_groups"]),
    ]


def forms_by_year(years: list[dict[str, Any]]) -> Chart:
    """Awards per year (by decision date), the most awarded forms of all the years stacked by name,
    the other forms together."""
    totals: dict[str, int] = {}
    names: dict[str, str] = {}
    for y in years:
        for f in y["by_form"]:
            totals[f["key"]] = totals.get(f["key"], 0) + f["count"]
            names.setdefault(f["key"], f["label"])
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    shown = ranked if len(ranked) <= FORMS_SHOWN + 1 else ranked[:FORMS_SHOWN]
    rest = len(ranked) > len(shown)
    bars = []
    for y in years:
        counts = {f["key"]: f["count"] for f in y["by_form"]}
        values = [counts.get(k, 0) for k in shown]
        bars.append((str(y["year"]), [*values, y["total"]["count"] - sum(values)] if rest else values))
    return Chart("khen-thuong-hinh-thuc-qua-cac-nam", "Khen thưởng theo hình thức qua các năm",
                 [*[names[k] for k in shown], *(["Hình thức khác"] if rest else [])], bars)


def leadership_share(groups: dict[str, Any]) -> Chart:
    """Awards to individuals per year: without a leadership position (its share in the label),
    holding one, not declared."""
    return Chart("khen-thuong-khong-giu-chuc-vu", "Tỷ lệ khen thưởng cá nhân không giữ chức vụ lãnh đạo, quản lý",
                 ["không giữ chức vụ", "giữ chức vụ", "chưa khai"],
                 [(f"{y['year']}" + ("" if y["share_percent"] is None else f" ({percent(y['share_percent'])})"),
                   [y["without_leadership"]["count"], y["with_leadership"], y["undeclared"]])
                  for y in groups["without_leadership_by_year"]])


def percent(value: float) -> str:
    return f"{value:g}%".replace(".", ",")


def svg(chart: Chart) -> str:
    scale, parts = chart._scale(), []
    parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{chart.height}" '
                 f'viewBox="0 0 {WIDTH} {chart.height}" font-family="Liberation Sans, DejaVu Sans, sans-serif" '
                 f'role="img" aria-label="{escape(chart.title)}">')
    parts.append(f'<text x="10" y="28" font-size="18" font-weight="bold">{escape(chart.title)}</text>')
    for i, (label, values) in enumerate(chart.bars):
        y, x = TOP + i * (BAR_H + GAP), float(LEFT)
        parts.append(f'<text x="{LEFT - 8}" y="{y + 18}" font-size="13" text-anchor="end">{escape(label)}</text>')
        for j, value in enumerate(values):
            w = value * scale
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{COLOURS[j]}">'
                         f'<title>{escape(chart.series[j])}: {value}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 18}" font-size="13">{sum(values)}</text>')
    parts.append(_legend_svg(chart))
    parts.append("</svg>")
    return "".join(parts)


def _legend(chart: Chart) -> list[tuple[int, int, int, str]]:
    """Where each series' key goes: x, y of the text's baseline, the series' index, its name."""
    rows = chart.legend()
    top = chart.height - LEGEND_ROW * (len(rows) - 1) - 20
    return [(LEFT + 160 * i, top + LEGEND_ROW * r, j, name[:70])
            for r, row in enumerate(rows) for i, (j, name) in enumerate(row)]


def _legend_svg(chart: Chart) -> str:
    return "".join(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{COLOURS[j]}"/>'
                   f'<text x="{x + 18}" y="{y}" font-size="13">{escape(name)}</text>'
                   for x, y, j, name in _legend(chart))


def png(chart: Chart) -> bytes:
    scale = chart._scale()
    image = Image.new("RGB", (WIDTH, chart.height), "white")
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(font("sans")), 18)
    text = ImageFont.truetype(str(font("sans")), 13)
    draw.text((10, 12), chart.title, fill="black", font=title)
    for i, (label, values) in enumerate(chart.bars):
        y, x = TOP + i * (BAR_H + GAP), float(LEFT)
        draw.text((LEFT - 8, y + 13), label[:48], fill="black", font=text, anchor="rm")
        for j, value in enumerate(values):
            w = value * scale
            if w > 0:
                draw.rectangle((x, y, x + w, y + BAR_H), fill=COLOURS[j])
            x += w
        draw.text((x + 6, y + 13), str(sum(values)), fill="black", font=text, anchor="lm")
    for x, y, j, name in _legend(chart):
        draw.rectangle((x, y - 11, x + 12, y + 1), fill=COLOURS[j])
        draw.text((x + 18, y - 5), name, fill="black", font=text, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
