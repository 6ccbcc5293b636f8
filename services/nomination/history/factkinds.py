"""The facts a record holds, as plain dicts keyed by their content, and where each came from.

A fact is `{"kind", "key", ...content}`; the record adds `source`, `by`, `at` (and `reason`
for a correction). Two facts with the same key are the same fact: when the new one adds
nothing it is not recorded again, whatever its source; when it only fills blanks (a decision
number, a closing date, a revocation) it completes the old one; anything else is a conflict
that needs a correction reason. So idempotency never depends on the caller.

Pure: standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from services.nomination.history.names import clean_name, fold

Fact = dict[str, Any]
Outcome = Literal["new", "same", "completes", "conflict"]
META = ("source", "by", "at", "reason")

RATINGS = {"KHTNV": "Không hoàn thành nhiệm vụ", "HTNV": "Hoàn thành nhiệm vụ",
           "HTTNV": "Hoàn thành tốt nhiệm vụ", "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ"}
SCOPES = {"co_so": "cơ sở", "tinh": "tỉnh", "toan_quoc": "toàn quốc"}
INNOVATION_KINDS = {"sang_kien": "sáng kiến", "de_tai": "đề tài, đề án"}
BASES = {"cong_trang": "công trạng", "chuyen_de": "chuyên đề", "dot_xuat": "đột xuất",
         "cong_hien": "quá trình cống hiến", "nien_han": "niên hạn", "doi_ngoai": "đối ngoại",
         "khang_chien": "kháng chiến"}
MOVEMENT_BASES = ("chuyen_de", "dot_xuat")  # the bases of an award given for an emulation movement
MovementRef = tuple[str | None, str | None]  # an emulation movement: its id and its name, as far as known
DISCIPLINE_LEVELS = ("khien_trach", "canh_cao", "ha_bac", "giang_chuc", "cach_chuc", "buoc_thoi_viec")
CASE_KINDS = {"ky_luat": "xem xét kỷ luật", "dieu_tra": "điều tra, thanh tra, kiểm tra",
              "khieu_nai": "khiếu nại, tố cáo"}
_CODE = re.compile(r"^[A-Z0-9_]{1,32}$")
_REF = re.compile(r"^\d+[A-Za-z]?(/[\wĐđ.-]+)+$")


def rating(year: int, value: str) -> Fact:
    return _fact("rating", f"rating/{check_year(year)}", year=year, rating=check_choice(value, RATINGS, "Xếp loại"))


def title(year: int, code: str, decision_ref: str | None = None, decided_on: date | None = None,
          basis: str = "cong_trang", *, movement_id: str | None = None, movement: str | None = None) -> Fact:
    """A title held in the year. One decided through a thematic or ad hoc dossier keeps its basis
    and the movement it was for, as an award does; a regular one is written as before (without
    them), so that the titles recorded earlier stay the same facts."""
    code = check_code(code)
    basis, movement_id, movement = _movement(basis, movement_id, movement)
    thematic = {"basis": basis, "movement_id": movement_id, "movement": movement} if basis != "cong_trang" else {}
    return _fact("title", f"title/{check_year(year)}/{code}", year=year, code=code,
                 decision_ref=clean_ref(decision_ref), decided_on=decided_on, revoked_on=None, revocation_ref=None,
                 **thematic)


def award(code: str, year: int, decision_ref: str | None = None, decided_on: date | None = None,
          basis: str = "cong_trang", *, movement_id: str | None = None, movement: str | None = None) -> Fact:
    """A form of award; a thematic or ad hoc one names the emulation movement it was for (its id
    and name), so that guard G4 can say which awards it leaves out of the công trạng chains."""
    code, ref = check_code(code), clean_ref(decision_ref)
    basis, movement_id, movement = _movement(basis, movement_id, movement)
    return _fact("award", f"award/{code}/{check_year(year)}/{ref.upper() if ref else '-'}", code=code, year=year,
                 decision_ref=ref, decided_on=decided_on, basis=basis, revoked_on=None, revocation_ref=None,
                 movement_id=movement_id, movement=movement)


def _movement(basis: str, movement_id: str | None, movement: str | None) -> tuple[str, str | None, str | None]:
    """The basis of a title or award, and the movement (id, name) only a thematic or ad hoc one names."""
    basis = check_choice(basis, BASES, "Loại hình khen thưởng")
    movement_id, movement = _optional(movement_id), _optional(movement)
    if (movement_id or movement) and basis not in MOVEMENT_BASES:
        raise FactError(f"Chỉ khen theo chuyên đề hoặc đột xuất mới ghi phong trào thi đua; khen này có loại hình "
                        f"'{BASES[basis]}'.")
    return basis, movement_id, check_text(movement, "Tên phong trào thi đua", 300) if movement else None


def innovation(year: int, scope: str, kind: str, name: str, recognised_by: str | None = None,
               reference: str | None = None) -> Fact:
    name = check_text(name, "Tên sáng kiến, đề tài", 1000)
    kind = check_choice(kind, INNOVATION_KINDS, "Loại")
    return _fact("innovation", f"innovation/{check_year(year)}/{kind}/{fold(name)}", year=year,
                 scope=check_choice(scope, SCOPES, "Phạm vi ảnh hưởng"), innovation_kind=kind, title=name,
                 recognised_by=_optional(recognised_by), reference=clean_ref(reference))


def case(case_kind: str, reference: str, opened_on: date | None = None, note: str | None = None,
         closed_on: date | None = None, outcome: str | None = None, discipline_until: date | None = None) -> Fact:
    """A discipline review, investigation or complaint (guard G1), open until `closed_on`."""
    case_kind = check_choice(case_kind, CASE_KINDS, "Loại vụ việc")
    reference = check_text(reference, "Số hiệu vụ việc", 100)
    if closed_on is None and (outcome or discipline_until):
        raise FactError("Kết quả và thời hạn kỷ luật chỉ ghi khi vụ việc đã kết thúc (có ngày kết thúc).")
    return _fact("case", f"case/{case_kind}/{fold(reference)}", case_kind=case_kind, reference=reference,
                 opened_on=opened_on, note=_optional(note), closed_on=closed_on, outcome=_optional(outcome),
                 discipline_until=discipline_until)


def members(year: int, count: int, at_least: Mapping[str, int], titles: Mapping[str, int], disciplined: int,
            disciplined_levels: Mapping[str, int] | None = None) -> Fact:
    """A collective's members in one year: how many, rated at least X, holding title Y, disciplined
    (in all, and at least at each level). A count left out is unknown, not zero."""
    levels = dict(disciplined_levels or {})
    counts = [*at_least.values(), *titles.values(), *levels.values(), disciplined]
    if count < 0 or any(not 0 <= n <= count for n in counts):
        raise FactError(f"Số liệu thành viên năm {year} không hợp lệ: mỗi số phải từ 0 đến tổng số {count}.")
    return _fact("members", f"members/{check_year(year)}", year=year, members=count,
                 at_least={check_choice(r, RATINGS, "Xếp loại"): n for r, n in at_least.items()},
                 titles={check_code(c): n for c, n in titles.items()}, disciplined=disciplined,
                 disciplined_levels={check_choice(k, dict.fromkeys(DISCIPLINE_LEVELS, ""), "Mức kỷ luật"): n
                                     for k, n in levels.items()})


def dissolved(on: date, reference: str) -> Fact:
    """The unit was dissolved (guard G5)."""
    return _fact("dissolved", "dissolved", on=on, reference=check_text(reference, "Văn bản giải thể", 100))


def standing(as_of: date, confirmed_by: str, document: str, case_kinds: Iterable[str] = tuple(CASE_KINDS),
             not_dissolved: bool = False) -> Fact:
    """Guards G1 and G5 stated: no case of `case_kinds` (discipline review, investigation, complaint)
    pending as of a date and, for a collective, the unit neither dissolved nor merged, confirmed
    by someone on a document."""
    chosen = sorted({check_choice(k, CASE_KINDS, "Loại vụ việc") for k in case_kinds})
    if not chosen and not not_dissolved:
        raise FactError("Xác nhận phải nêu ít nhất một điều: không có vụ việc nào đang xem xét (case_kinds) "
                        "hoặc đơn vị không giải thể, sáp nhập (not_dissolved).")
    stated = [*chosen, *(["giai_the"] if not_dissolved else [])]
    return _fact("standing", f"standing/{as_of.isoformat()}/{'+'.join(stated)}", as_of=as_of, case_kinds=chosen,
                 not_dissolved=not_dissolved, **_confirmation(confirmed_by, document))


def _confirmation(confirmed_by: str, document: str) -> dict[str, str]:
    return {"confirmed_by": check_text(confirmed_by, "Người, cơ quan xác nhận", 300),
            "document": check_text(document, "Văn bản xác nhận", 200)}


def revoked(fact: Fact, on: date, reference: str | None) -> Fact:
    """The same title or award, revoked (hủy bỏ quyết định)."""
    if fact["kind"] not in ("title", "award"):
        raise FactError("Chỉ hủy được danh hiệu hoặc hình thức khen thưởng.")
    return {**content(fact), "revoked_on": on, "revocation_ref": clean_ref(reference) or fact["decision_ref"]}


def import_source(file: str, checksum: str, row: int) -> dict[str, Any]:
    return {"kind": "import", "file": file, "checksum": checksum, "row": row}


def decision_source(decision_ref: str, decided_on: date | None) -> dict[str, Any]:
    return {"kind": "decision", "decision_ref": clean_ref(decision_ref), "decided_on": decided_on}


def manual_source(document: str | None = None) -> dict[str, Any]:
    return {"kind": "manual", "document": _optional(document)}


def content(fact: Fact) -> Fact:
    return {k: v for k, v in fact.items() if k not in META}


def compare(old: Fact, new: Fact) -> Outcome:
    """`same` when the new fact adds nothing, `completes` when it only fills blanks of the old,
    `conflict` when a value stated by both differs."""
    old, new = content(old), content(new)
    fields = (set(old) | set(new)) - {"key"}
    if any(None not in (old.get(f), new.get(f)) and old.get(f) != new.get(f) for f in fields):
        return "conflict"
    return "same" if all(new.get(f) is None or new.get(f) == old.get(f) for f in fields) else "completes"


def combine(old: Fact, new: Fact) -> Fact:
    """The old fact with the blanks the new one fills (under the new one's key)."""
    return {**content(old), **{k: v for k, v in content(new).items() if v is not None}}


def candidates(facts: Mapping[str, Fact], new: Fact) -> list[str]:
    """Keys of recorded facts that may be `new` under another key: an award decided without its
    decision number is the same as one of that code, year and basis with the number."""
    keys = [new["key"]] if new["key"] in facts else []
    if new["kind"] == "award":
        prefix = f"award/{new['code']}/{new['year']}/"
        keys += [k for k, f in facts.items() if k.startswith(prefix) and k != new["key"]
                 and f["basis"] == new["basis"] and (f["decision_ref"] is None or new["decision_ref"] is None)]
    return keys


def clean_ref(ref: str | None) -> str | None:
    """A document number as written ("163/QĐ-UBND"), blanks and a leading "Số" removed."""
    if ref is None or not str(ref).strip():
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFC", str(ref)))
    text = re.sub(r"^(?i:số):?", "", text)
    if not _REF.match(text):
        raise FactError(f"Số văn bản '{text}' không đúng dạng 'số/LOẠI-CƠQUAN' (ví dụ 163/QĐ-UBND).")
    return text


def check_year(year: int) -> int:
    if not isinstance(year, int) or not 1945 <= year <= 2100:
        raise FactError(f"Năm {year} không hợp lệ (từ 1945 đến 2100).")
    return year


def check_code(code: str) -> str:
    code = str(code).strip().upper()
    if not _CODE.match(code):
        raise FactError(f"Mã danh hiệu, hình thức '{code}' không hợp lệ (chữ in hoa, số, '_').")
    return code


def check_choice(value: str, table: Mapping[str, str], label: str) -> str:
    if value not in table:
        raise FactError(f"{label} '{value}' không hợp lệ; dùng một trong: {', '.join(table)}.")
    return value


def check_text(text: str, label: str, limit: int) -> str:
    cleaned = clean_name(text or "")
    if not cleaned or len(cleaned) > limit:
        raise FactError(f"{label} không được để trống và không quá {limit} ký tự.")
    return cleaned


def _optional(text: str | None) -> str | None:
    return clean_name(text) or None if text else None


def _fact(kind: str, key: str, **values: Any) -> Fact:
    return {"kind": kind, "key": key, **values}


class FactError(ValueError):
    """Raised when a fact's values are malformed."""
