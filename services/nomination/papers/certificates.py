"""Certificates (Bằng khen, Giấy khen, Giấy chứng nhận) printed onto the province's pre-printed
blanks: only the fields, each where `blanks.yaml` puts it in millimetres; and the calibration
page — the fields' boxes over a millimetre grid, printed on plain paper and held against a blank.

Pure layout: plain values in, PDF bytes out (fpdf2, fonts embedded).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from fpdf import FPDF
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.nomination.papers.pdf import FAMILY, document

HERE = Path(__file__).parent
STYLES = {"regular": "", "bold": "B", "italic": "I", "bold_italic": "BI"}
FIELDS = ("name", "unit", "achievement", "decision", "place_date", "signer")
FIELD_LABELS = {"name": "Họ tên / tên tập thể", "unit": "Chức vụ, đơn vị", "achievement": "Thành tích",
                "decision": "Số, ngày quyết định", "place_date": "Địa danh, ngày tháng", "signer": "Người ký"}
PT_PER_MM = 72 / 25.4


class FieldBox(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    x: float = Field(ge=0, description="mm from the left edge: the line's left end, middle or right end")
    y: float = Field(ge=0, description="mm from the top edge: the first line's baseline")
    width: float = Field(gt=0, description="mm the text may take")
    align: Literal["left", "center", "right"] = "center"
    font: Literal["regular", "bold", "italic", "bold_italic"] = "regular"
    size: float = Field(gt=3, le=72, description="pt")
    min_size: float | None = Field(default=None, gt=3, description="pt; default 70 % of size")
    lines: int = Field(default=1, ge=1, le=6)
    line_height: float | None = Field(default=None, gt=0, description="mm; default 1.2 × size")

    def start(self, text_width: float) -> float:
        """The x (mm) where a line `text_width` mm wide starts."""
        return {"left": self.x, "center": self.x - text_width / 2, "right": self.x - text_width}[self.align]

    @property
    def leading(self) -> float:
        return self.line_height or self.size * 1.2 / PT_PER_MM

    @property
    def left(self) -> float:
        return self.start(self.width)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: float = Field(gt=50, le=600)
    height: float = Field(gt=50, le=600)


class Blank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    verified: bool = False
    page: Page
    awards: list[str] = Field(default_factory=list, description="Awards printed on it (empty: any)")
    fields: dict[str, FieldBox]

    @field_validator("fields")
    @classmethod
    def _known(cls, fields: dict[str, FieldBox]) -> dict[str, FieldBox]:
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise ValueError(f"trường không có: {', '.join(unknown)}; các trường: {', '.join(FIELDS)}")
        return fields


@cache
def blanks(path: Path = HERE / "blanks.yaml") -> dict[str, Blank]:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {code: Blank.model_validate(blank) for code, blank in raw["blanks"].items()}


def blank(code: str) -> Blank:
    found = blanks().get(code)
    if found is None:
        raise UnknownBlankError(code, sorted(blanks()))
    return found


@dataclass(frozen=True)
class Placed:
    """A line as printed: its text, font size (pt), start x and baseline y (mm)."""

    field: str
    text: str
    size: float
    x: float
    y: float


def _pdf(b: Blank, title: str) -> FPDF:
    pdf = document(title, "landscape" if b.page.width > b.page.height else "portrait",
                   (min(b.page.width, b.page.height), max(b.page.width, b.page.height)))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_page()
    return pdf


def _wrap(pdf: FPDF, text: str, width: float, lines: int) -> list[str] | None:
    """`text` over at most `lines` lines no wider than `width` mm in the current font; None: too long."""
    out: list[str] = []
    for word in text.split():
        if out and pdf.get_string_width(f"{out[-1]} {word}") <= width:
            out[-1] = f"{out[-1]} {word}"
        elif pdf.get_string_width(word) <= width and len(out) < lines:
            out.append(word)
        else:
            return None
    return out


def layout(pdf: FPDF, box: FieldBox, field: str, text: str) -> list[Placed]:
    """Where the lines of `text` go in `box`: the configured size, or smaller until it fits."""
    size, smallest = box.size, box.min_size or box.size * 0.7
    style = STYLES[box.font]
    while True:
        pdf.set_font(FAMILY, style, size)
        lines = _wrap(pdf, text, box.width, box.lines)
        if lines is not None or size <= smallest:
            break
        size = max(smallest, size - 0.5)
    if lines is None:  # the smallest size still overflows: keep the words, let the last line run long
        lines = _wrap(pdf, text, box.width, 10**6) or [text]
        lines = [*lines[: box.lines - 1], " ".join(lines[box.lines - 1:])]
    return [Placed(field, line, size, box.start(pdf.get_string_width(line)), box.y + index * box.leading)
            for index, line in enumerate(lines)]


def render(code: str, values: dict[str, str]) -> tuple[bytes, list[Placed]]:
    """The certificate's fields on blank `code` (only the fields the blank has and that have a value)."""
    b = blank(code)
    pdf = _pdf(b, f"{b.label}: {values.get('name', '')}")
    placed: list[Placed] = []
    for field, box in b.fields.items():
        text = " ".join((values.get(field) or "").split())
        if not text:
            continue
        for line in layout(pdf, box, field, text):
            pdf.set_font(FAMILY, STYLES[box.font], line.size)
            pdf.text(line.x, line.y, line.text)
            placed.append(line)
    return bytes(pdf.output()), placed


def calibration(code: str) -> bytes:
    """Plain paper, the blank's size: a millimetre grid (a line every 5 mm, numbered every 10 mm),
    a 100 mm ruler to check the printer does not scale, and each field's box, anchor and name."""
    b = blank(code)
    pdf = _pdf(b, f"Trang căn chỉnh phôi {b.label}")
    w, h = b.page.width, b.page.height
    for step in range(0, int(max(w, h)) + 1, 5):
        major = step % 10 == 0
        pdf.set_draw_color(150 if major else 215)
        pdf.set_line_width(0.2 if major else 0.1)
        if step <= w:
            pdf.line(step, 0, step, h)
        if step <= h:
            pdf.line(0, step, w, step)
        if major and step:
            pdf.set_font(FAMILY, "", 6)
            pdf.set_text_color(120)
            if step < w:
                pdf.text(step + 0.5, 3, str(step))
            if step < h:
                pdf.text(0.8, step - 0.6, str(step))
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.4)
    pdf.line(20, h - 12, 120, h - 12)
    for tick in (20, 70, 120):
        pdf.line(tick, h - 14, tick, h - 10)
    pdf.set_font(FAMILY, "", 8)
    pdf.text(20, h - 15, "100 mm: đo lại đoạn này sau khi in (in đúng tỉ lệ 100 %, không co giãn)")
    pdf.set_font(FAMILY, "B", 10)
    pdf.text(20, 10, f"Trang căn chỉnh phôi: {b.label} ({code}), khổ {w:g} × {h:g} mm"
             + ("" if b.verified else " — vị trí chưa được đo trên phôi thật"))
    for field, box in b.fields.items():
        size_mm = box.size / PT_PER_MM
        top = box.y - size_mm * 0.8
        bottom = box.y + (box.lines - 1) * box.leading + size_mm * 0.25
        pdf.set_draw_color(200, 0, 0)
        pdf.set_line_width(0.3)
        pdf.rect(box.left, top, box.width, bottom - top)
        pdf.set_line_width(0.2)
        pdf.line(box.left, box.y, box.left + box.width, box.y)  # the baseline
        pdf.line(box.x - 2, box.y - 2, box.x + 2, box.y + 2)  # the anchor: x, y
        pdf.line(box.x - 2, box.y + 2, box.x + 2, box.y - 2)
        pdf.set_text_color(200, 0, 0)
        pdf.set_font(FAMILY, "", 7)
        pdf.text(box.left + 0.8, top - 0.8, f"{FIELD_LABELS[field]} ({field}): x={box.x:g}, y={box.y:g} mm, "
                                            f"{box.align}, {box.font} {box.size:g} pt")
        pdf.set_text_color(0)
    return bytes(pdf.output())


class UnknownBlankError(LookupError):
    def __init__(self, code: str, known: list[str]) -> None:
        self.details = {"field": "blank", "known": known}
        super().__init__(f"Không có phôi '{code}' trong cấu hình (blanks.yaml); các phôi: {', '.join(known)}.")
