"""What the nomination service's papers say — the tờ trình of a submission (Mẫu 01, NĐ 152/2025),
the quyết định khen thưởng with its annex, the notice of non-award — as plain data (`Paper`),
built from plain entries and `papers.yaml`; `word` and `pdf` lay a Paper out.

No domain model here: the application turns dossiers into `Entry` rows first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from servicekit.officialdoc import Heading, first_font, place_date

HERE = Path(__file__).parent
FILENAMES = {"to_trinh": "to-trinh", "quyet_dinh": "quyet-dinh", "thong_bao_khong_khen": "thong-bao"}
KIND_LABELS = {"ca_nhan": "cá nhân", "tap_the": "tập thể", "ho_gia_dinh": "hộ gia đình", "doanh_nghiep": "doanh nghiệp"}


@dataclass(frozen=True)
class Entry:
    """One dossier as a paper lists it."""

    dossier_id: str
    name: str
    kind: str
    position: str
    unit_code: str
    award_code: str
    award_name: str
    year: int
    summary: str = ""
    cash: int | None = None  # đồng: the decision's, or the catalogue's computation for the draft's date
    decision_number: str = ""
    decided_on: date | None = None
    signed_by: str = ""
    reason: str = ""  # why not awarded
    council: bool = False  # the province council voted on it


@dataclass(frozen=True)
class Annex:
    title: str
    subtitle: str
    headers: list[str]
    rows: list[list[str]]
    total: list[str] = field(default_factory=list)  # the last row (Tổng cộng), if any


@dataclass(frozen=True)
class Paper:
    kind: str  # to_trinh, quyet_dinh, thong_bao_khong_khen
    heading: Heading
    title: str
    subject: str
    authority: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" under a decision's title
    addressee: str = ""  # Kính gửi
    preamble: list[str] = field(default_factory=list)  # Căn cứ …
    body: list[str] = field(default_factory=list)
    decides: bool = False  # "QUYẾT ĐỊNH:" between the preamble and the articles
    annex: Annex | None = None
    unit_code: str = ""  # the unit a tờ trình is from, or a notice to
    dossier_ids: list[str] = field(default_factory=list)  # the dossiers it lists

    @property
    def filename(self) -> str:
        return FILENAMES[self.kind]


@cache
def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((HERE / "papers.yaml").read_text(encoding="utf-8"))
    return loaded


def font(style: str) -> Path:
    return first_font(config()["fonts"][style], style)


def unit_name(code: str) -> str:
    return str(config()["units"].get(code, code))


def money(value: int | None) -> str:
    """1518000 → "1.518.000"; unknown → "—"."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


def short_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def place_date_of(day: date | None) -> str:
    """"Cao Bằng, ngày 05 tháng 02 năm 2027" for `day`; empty without a day."""
    return place_date(config()["place"], day) if day else ""


def _heading(kind: str, signed_on: date, number: str | None, **fields: Any) -> Heading:
    c, p = config(), config()["papers"][kind]
    return Heading(issuer_parent=p["issuer_parent"].format(**fields), issuer=p["issuer"].format(**fields).upper(),
                   issuer_code=fields.get("unit_code", ""), place=c["place"],
                   number=number or p["number"].format(**fields), signed_on=signed_on,
                   signer_authority=p["signer_authority"], signer_title=p["signer_title"],
                   signer_name=p["signer_name"], recipients=list(p["recipients"]))


def _lines(templates: list[str], **fields: Any) -> list[str]:
    return [t.format(**fields) for t in templates]


def to_trinh(*, unit_code: str, year: int, title: str, entries: list[Entry], signed_on: date,
             number: str | None = None, signer_name: str | None = None) -> Paper:
    """The unit's tờ trình of one submission: counts by award, then the list of its dossiers."""
    p = config()["papers"]["to_trinh"]
    fields = {"unit_code": unit_code, "unit_name": unit_name(unit_code), "year": year, "title": title,
              "count": len(entries)}
    head = _heading("to_trinh", signed_on, number, **fields).but(signer_name=signer_name)
    by_award = Counter(e.award_name for e in entries)
    body = _lines(p["body"], **fields) + [
        p["by_award"].format(index=i, award=award, count=n,
                             detail=_kinds([e for e in entries if e.award_name == award]))
        for i, (award, n) in enumerate(sorted(by_award.items()), start=1)]
    rows = [[str(i), e.name, e.position or KIND_LABELS.get(e.kind, e.kind), e.award_name, e.summary]
            for i, e in enumerate(entries, start=1)]
    annex = Annex(p["annex_title"], p["annex_subtitle"].format(number=head.number.strip() or head.number,
                                                               date=short_date(signed_on), **fields),
                  ["STT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị công tác", "Hình thức đề nghị",
                   "Tóm tắt thành tích"], rows)
    return Paper("to_trinh", head, p["title"], p["subject"].format(**fields), addressee=p["addressee"],
                 preamble=_lines(p["preamble"], **fields), body=body + _lines(p["closing"], **fields), annex=annex,
                 unit_code=unit_code, dossier_ids=[e.dossier_id for e in entries])


def _kinds(entries: list[Entry]) -> str:
    """"2 cá nhân, 1 tập thể"."""
    counts = Counter(e.kind for e in entries)
    return ", ".join(f"{counts[k]} {label}" for k, label in KIND_LABELS.items() if counts[k])


def decision(*, entries: list[Entry], signed_on: date, number: str | None = None,
             signer_name: str | None = None) -> Paper:
    """The draft of a quyết định khen thưởng: articles, then the annex of awardees with cash and total."""
    p = config()["papers"]["quyet_dinh"]
    awards = sorted({e.award_name for e in entries})
    subject = f"tặng {awards[0]}" if len(awards) == 1 else "khen thưởng tập thể, cá nhân"
    known = [e.cash for e in entries if e.cash is not None]
    total = sum(known)
    fields = {"count": len(entries), "subject": subject, "subject_cap": subject[:1].upper() + subject[1:],
              "total": money(total), "total_words": words(total) + " đồng"}
    head = _heading("quyet_dinh", signed_on, number).but(signer_name=signer_name)
    rows = [[str(i), e.name, e.position or KIND_LABELS.get(e.kind, e.kind), unit_name(e.unit_code), e.award_name,
             money(e.cash)] for i, e in enumerate(entries, start=1)]
    annex = Annex(p["annex_title"], p["annex_subtitle"].format(number=head.number.strip() or head.number,
                                                               date=short_date(signed_on)),
                  ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Hình thức khen thưởng",
                   "Tiền thưởng (đồng)"], rows, ["", "Tổng cộng", "", "", f"{len(entries)} trường hợp", money(total)])
    return Paper("quyet_dinh", head, p["title"], p["subject"].format(**fields), authority=p["authority"],
                 preamble=_lines(p["preamble"], **fields), body=_lines(p["articles"], **fields), decides=True,
                 annex=annex, dossier_ids=[e.dossier_id for e in entries])


def non_award(*, entry: Entry, signed_on: date, number: str | None = None, signer_name: str | None = None) -> Paper:
    """The notice to the proposing unit that its nominee is not awarded, and why."""
    p = config()["papers"]["thong_bao_khong_khen"]
    fields = {"unit_code": entry.unit_code, "unit_name": unit_name(entry.unit_code), "award": entry.award_name,
              "name": entry.name, "year": entry.year, "position": entry.position or KIND_LABELS.get(entry.kind, ""),
              "reason": entry.reason.rstrip(".") + ".",
              "council": " và xét của Hội đồng Thi đua - Khen thưởng tỉnh" if entry.council else ""}
    head = _heading("thong_bao_khong_khen", signed_on, number, **fields).but(signer_name=signer_name)
    return Paper("thong_bao_khong_khen", head, p["title"], p["subject"].format(**fields),
                 addressee=p["addressee"].format(**fields), preamble=_lines(p["preamble"], **fields),
                 body=_lines(p["body"], **fields), unit_code=entry.unit_code, dossier_ids=[entry.dossier_id])


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ"]


def _three(n: int, full: bool) -> str:
    """0–999 in words; `full` when a higher group precedes (so 5 reads "không trăm linh năm")."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    parts = []
    if hundreds or full:
        parts.append(f"{_DIGITS[hundreds]} trăm")
    if tens > 1:
        parts.append(f"{_DIGITS[tens]} mươi")
    elif tens == 1:
        parts.append("mười")
    elif ones and (hundreds or full):
        parts.append("linh")
    if ones:
        if ones == 1 and tens > 1:
            parts.append("mốt")
        elif ones == 5 and tens >= 1:
            parts.append("lăm")
        elif ones == 4 and tens > 1:
            parts.append("tư")
        else:
            parts.append(_DIGITS[ones])
    return " ".join(parts)


def words(n: int) -> str:
    """An amount in Vietnamese words, capitalised: 1518000 → "Một triệu năm trăm mười tám nghìn"."""
    if n == 0:
        return "Không"
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    parts = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value:
            parts.append(_three(value, full=index < len(groups) - 1) + _GROUPS[index % 4]
                         + (" tỷ" * (index // 4)))
    text = " ".join(parts)
    return text[:1].upper() + text[1:]
