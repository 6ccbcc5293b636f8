"""Read a plan document (kế hoạch) as plain text or .docx into a `PlanDocument`.

The layout is that of Cao Bằng's plan 157/KH-UBND: a header ("Số: 157/KH-UBND",
"Cao Bằng, ngày 22 tháng 01 năm 2026", "KẾ HOẠCH" and its title), a table of tasks by
quarter ("I  QUÝ I: (14 NHIỆM VỤ)", then "1  <task>  <units>"), rows that continue over a
page break (first cell empty), and the signature block. Nothing here touches storage.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from servicekit.guard import text_problem

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

_NUMBER = re.compile(r"Số\s*:\s*(\d+)\s*/\s*([A-ZĐ]+)\s*-\s*([A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)*)")
_DATE = re.compile(r"^(?:([^,\d]+),\s*)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_QUARTER = re.compile(r"^(I|II|III|IV)\s*\t\s*QUÝ\s+(I|II|III|IV)\b[^\t(]*(?:\((\d+)\s*NHIỆM VỤ\))?", re.I)
_TASK = re.compile(r"^(\d+)\s*\t(.*)$")
_SIGNATURE = re.compile(r"^(KT|TM|Q|TL|TUQ)\.\s")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BULLET = re.compile(r"(?:^|\s)-\s+")
_COORDINATING = re.compile(r"\bphối\s+hợp\b", re.I)
_PROTECTED_HYPHEN = re.compile(r"(thi đua)\s+-\s+(khen thưởng)", re.I)
_END_OF_TABLE = re.compile(r"^(-{3,}\s*\t|[IVX]+\.\s+TỔ CHỨC THỰC HIỆN)")


class PlanDocumentError(ValueError):
    """Raised when a document is not a readable plan; `details` lists each problem."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


@dataclass(frozen=True)
class TaskRow:
    quarter: int
    number: int
    title: str
    lead_units: tuple[str, ...]
    coordinating_units: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class QuarterSection:
    quarter: int
    announced: int | None
    tasks: tuple[TaskRow, ...]


@dataclass(frozen=True)
class PlanDocument:
    number: str
    doc_type: str
    issuer_abbreviation: str
    issuer: str
    place: str | None
    issued_on: date | None
    title: str
    year: int
    signed_by: str | None
    quarters: tuple[QuarterSection, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def tasks(self) -> list[TaskRow]:
        return [task for quarter in self.quarters for task in quarter.tasks]

    def checksum(self) -> str:
        """The same plan gives the same checksum whatever file it came from."""
        content = {
            "number": self.number, "year": self.year, "title": self.title,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "tasks": [
                {k: v for k, v in asdict(t).items() if k != "line"} for t in self.tasks
            ],
        }
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def clean(text: str) -> str:
    """NFC, no markup, single spaces, quotes hugging their words."""
    text = unicodedata.normalize("NFC", _TAG.sub("", text)).replace("**", "")
    text = re.sub(r"[ \u00a0]+", " ", text).strip()
    return re.sub(r"“\s+", "“", re.sub(r"\s+”", "”", text))


def split_units(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """"- Công an tỉnh. - Sở Nội vụ. - Văn phòng UBND tỉnh phối hợp." gives two lead
    units and one coordinating unit. The coordinating group starts after the last bullet
    that ends with a full stop before the bullet saying "phối hợp"."""
    text = _PROTECTED_HYPHEN.sub(r"\1 ‑ \2", clean(text))
    bullets = [b for b in _BULLET.split(text) if b.strip(" .;,")]
    marker = next((i for i, b in enumerate(bullets) if _COORDINATING.search(b)), None)
    if marker is None:
        return _names(bullets), ()
    start = marker
    while start > 0 and not bullets[start - 1].rstrip().endswith("."):
        start -= 1
    coordinating = [_COORDINATING.sub("", b) for b in bullets[start : marker + 1]]
    coordinating += bullets[marker + 1 :]
    return _names(bullets[:start]), _names(coordinating)


def _names(parts: list[str]) -> tuple[str, ...]:
    names = []
    for part in parts:
        for name in part.split(";"):
            name = re.sub(r"\s+", " ", name.replace(" ‑ ", " - ")).strip(" .;,")
            if name:
                names.append(name)
    return tuple(names)


def read_document(data: bytes, filename: str = "") -> PlanDocument:
    """Parse a .docx or UTF-8 text plan; raise PlanDocumentError saying what is wrong."""
    if not data.strip():
        raise PlanDocumentError("Tệp rỗng: không có nội dung kế hoạch.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise PlanDocumentError(f"Tệp lớn hơn {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")
    if data[:4] == b"PK\x03\x04":
        return parse_lines(docx_lines(data))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanDocumentError(
                f"Không đọc được tệp {filename or ''}: chỉ nhận văn bản UTF-8 (.txt) hoặc Word (.docx)."
            ) from None
    lines = text.splitlines()
    problems = [f"dòng {number}: {problem}" for number, line in enumerate(lines, start=1)
                if (problem := text_problem(line)) is not None]
    if problems:
        raise PlanDocumentError("Tệp không phải văn bản thuần: có ký tự điều khiển.", problems[:20])
    return parse_lines(lines)


def docx_lines(data: bytes) -> list[str]:
    """The paragraphs and table rows of a .docx, in order; a row's cells joined by tabs."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise PlanDocumentError(f"Tệp .docx hỏng hoặc không phải tài liệu Word: {error}") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.extend(Paragraph(child, document).text.split("\n"))
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                cells = [" ".join(p.text for p in cell.paragraphs).strip() for cell in row.cells]
                while len(cells) > 2 and cells[-1] == cells[-2]:  # a merged cell repeats its text
                    cells.pop()
                lines.append("\t".join(cells))
    return lines


def parse_lines(lines: list[str]) -> PlanDocument:
    header, warnings = _read_header(lines)
    quarters, table_warnings = _read_table(lines)
    return PlanDocument(**header, quarters=tuple(quarters), warnings=tuple(warnings + table_warnings))


def _read_header(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The fields of `PlanDocument` that the header gives, and warnings about them."""
    texts = [clean(line) for line in lines]
    number_match = next((m for t in texts[:40] if (m := _NUMBER.search(t))), None)
    if number_match is None:
        raise PlanDocumentError(
            "Không tìm thấy số văn bản (dòng dạng 'Số: 157/KH-UBND'): đây không phải một kế hoạch."
        )
    doc_type = number_match.group(2)
    if doc_type != "KH":
        raise PlanDocumentError(f"Văn bản số {number_match.group(0)} không phải Kế hoạch (KH).")
    abbreviation = re.sub(r"\s+", "", number_match.group(3))
    warnings: list[str] = []
    place, issued_on = _Header._date(texts, warnings)
    title = _Header._title(texts)
    year_match = re.search(r"năm\s+(\d{4})", title)
    year = int(year_match.group(1)) if year_match else (issued_on.year if issued_on else 0)
    if not year:
        raise PlanDocumentError("Không xác định được năm của kế hoạch (tiêu đề hoặc ngày ban hành).")
    header = {"number": f"{number_match.group(1)}/{doc_type}-{abbreviation}", "doc_type": doc_type,
              "issuer_abbreviation": abbreviation, "issuer": _Header._issuer(texts, abbreviation, place),
              "place": place, "issued_on": issued_on, "title": title, "year": year,
              "signed_by": _Header._signer(texts)}
    return header, warnings


class _Header:
    """How each part of the header is found."""

    @staticmethod
    def _date(texts: list[str], warnings: list[str]) -> tuple[str | None, date | None]:
        for text in texts[:40]:
            if match := _DATE.search(text):
                place = match.group(1).strip() if match.group(1) else None
                try:
                    return place, date(int(match.group(4)), int(match.group(3)), int(match.group(2)))
                except ValueError:
                    warnings.append(f"Ngày ban hành không hợp lệ: '{match.group(0)}'.")
                    return place, None
        warnings.append("Không tìm thấy ngày ban hành (dòng 'ngày … tháng … năm …').")
        return None, None

    @staticmethod
    def _title(texts: list[str]) -> str:
        for index, text in enumerate(texts[:60]):
            if text.upper() == "KẾ HOẠCH":
                following = next((t for t in texts[index + 1 :] if t), "")
                if following:
                    return following
        raise PlanDocumentError("Không tìm thấy tiêu đề 'KẾ HOẠCH' và tên kế hoạch.")

    @staticmethod
    def _issuer(texts: list[str], abbreviation: str, place: str | None) -> str:
        """From the header ("ỦY BAN NHÂN DÂN" / "TỈNH CAO BẰNG"), else from the number's
        suffix and the place of issue."""
        for index, text in enumerate(texts[:20]):
            if text.upper() == "ỦY BAN NHÂN DÂN" and index + 1 < len(texts):
                level, _, name = texts[index + 1].partition(" ")
                if level.upper() == "TỈNH" and name:
                    return f"Ủy ban nhân dân tỉnh {name.title()}"
        if abbreviation.startswith("UBND") and place:
            return f"Ủy ban nhân dân tỉnh {place}"
        return abbreviation

    @staticmethod
    def _signer(texts: list[str]) -> str | None:
        signature = next((i for i, t in enumerate(texts) if _SIGNATURE.match(t)), None)
        if signature is None:
            return None
        names = [t for t in texts[signature + 1 :] if t and not t.isupper()]
        return names[-1] if names else None


def _read_table(lines: list[str]) -> tuple[list[QuarterSection], list[str]]:
    sections: list[tuple[int, int | None, list[dict[str, object]]]] = []
    errors: list[str] = []
    warnings: list[str] = []
    current: list[dict[str, object]] | None = None
    for line_no, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if _END_OF_TABLE.match(line.strip()) and sections:
            break
        if match := _QUARTER.match(line.strip()):
            quarter = ROMAN[match.group(2).upper()]
            if any(q == quarter for q, _, _ in sections):
                errors.append(f"Dòng {line_no}: Quý {match.group(2)} xuất hiện hai lần.")
            current = []
            sections.append((quarter, int(match.group(3)) if match.group(3) else None, current))
            continue
        if current is None:
            continue
        cells = line.split("\t")
        if match := _TASK.match(line.strip()):
            cells = [match.group(1), *match.group(2).split("\t")]
            if len(cells) < 3 or not clean(cells[2]):
                errors.append(f"Dòng {line_no}: nhiệm vụ {cells[0]} không ghi đơn vị tham mưu thực hiện.")
            current.append({"number": int(cells[0]), "title": cells[1], "units": " ".join(cells[2:]),
                            "line": line_no})
        elif not cells[0].strip() and current:
            current[-1]["title"] = f"{current[-1]['title']} {cells[1] if len(cells) > 1 else ''}"
            current[-1]["units"] = f"{current[-1]['units']} {' '.join(cells[2:])}"
        elif cells[0].strip().upper() not in {"STT"}:
            errors.append(f"Dòng {line_no}: không đọc được dòng trong bảng nhiệm vụ: '{clean(line)[:80]}'.")
    if not sections:
        raise PlanDocumentError(
            "Không tìm thấy bảng nhiệm vụ theo quý (dòng dạng 'I<tab>QUÝ I: (14 NHIỆM VỤ)')."
        )
    quarters = [_section(q, announced, rows, errors, warnings) for q, announced, rows in sections]
    if errors:
        raise PlanDocumentError("Kế hoạch có lỗi; chưa nhập gì.", errors)
    missing = sorted(set(ROMAN.values()) - {q.quarter for q in quarters})
    if missing:
        warnings.append("Kế hoạch không có nhiệm vụ cho quý " + ", ".join(_roman(q) for q in missing) + ".")
    return sorted(quarters, key=lambda q: q.quarter), warnings


def _section(quarter: int, announced: int | None, rows: list[dict[str, object]],
             errors: list[str], warnings: list[str]) -> QuarterSection:
    tasks: list[TaskRow] = []
    seen: set[int] = set()
    for row in rows:
        number, line = int(row["number"]), int(row["line"])  # type: ignore[call-overload]
        if number in seen:
            errors.append(f"Dòng {line}: Quý {_roman(quarter)} có hai nhiệm vụ số {number}.")
        seen.add(number)
        title = clean(str(row["title"]))
        if not title:
            errors.append(f"Dòng {line}: nhiệm vụ {number} của Quý {_roman(quarter)} không có nội dung.")
        lead, coordinating = split_units(str(row["units"]))
        if not lead and str(row["units"]).strip():
            errors.append(f"Dòng {line}: nhiệm vụ {number} không có đơn vị chủ trì (chỉ có đơn vị phối hợp).")
        tasks.append(TaskRow(quarter, number, title, lead, coordinating, line))
    numbers = sorted(seen)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        warnings.append(f"Quý {_roman(quarter)}: số thứ tự nhiệm vụ không liên tục ({', '.join(map(str, numbers))}).")
    if announced is not None and announced != len(tasks):
        warnings.append(
            f"Quý {_roman(quarter)}: văn bản ghi {announced:02d} nhiệm vụ nhưng liệt kê {len(tasks)} nhiệm vụ; "
            f"đã nhập đủ {len(tasks)} nhiệm vụ được liệt kê, cần kiểm tra lại với văn bản gốc."
        )
    return QuarterSection(quarter, announced, tuple(tasks))


def _roman(quarter: int) -> str:
    return next(k for k, v in ROMAN.items() if v == quarter)
