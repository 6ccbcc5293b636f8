"""Percentiles and the printed table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, float | None]:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "max": max(values) if values else None}


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def latency_text(s: dict[str, float | None], keys: Sequence[str] = ("p50", "p95", "p99", "max")) -> str:
    return " / ".join(fmt(s.get(k)) for k in keys)


class Table:
    """Rows of (section, figure, value, note), printed as a Markdown table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, section: str, figure: str, value: Any, note: str = "") -> None:
        self.rows.append((section, figure, value if isinstance(value, str) else fmt(value), note))

    def render(self) -> str:
        header = ("section", "figure", "value", "note")
        widths = [max(len(str(r[i])) for r in [header, *self.rows]) for i in range(4)]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        previous = None
        for row in self.rows:
            section = row[0] if row[0] != previous else ""
            previous = row[0]
            cells = (section, row[1], row[2], row[3])
            lines.append("| " + " | ".join(str(c).ljust(w) if i != 2 else str(c).rjust(w)
                                           for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |")
        return "\n".join(lines)
