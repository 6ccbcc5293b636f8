"""The nominee's standing in the groups the Law asks to favour (Luật Thi đua, khen thưởng 2022,
Điều 5): people without a leadership or management position, direct labourers (workers,
farmers, soldiers), women, ethnic minorities, remote and hard-to-reach areas.

The ethnicity stays in the dossier and never leaves it on the bus (only `ethnic_minority` does):
information on racial or ethnic origin is sensitive personal data (Nghị định 13/2023/NĐ-CP,
Điều 2 khoản 4 điểm c).

Pure rules (standard library only): what a unit may declare, checked and written the one way
the dossier keeps it. A fact the unit did not give stays None ("not declared"), never False.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

# What the dossier keeps of the nominee for the priority groups (beside kind, name, unit, …).
FACTS = ("gender", "leadership", "leadership_title", "leadership_tier", "direct_labourer", "ethnicity",
         "ethnic_minority", "hard_to_reach")
# The facts that are a person's; a collective, household or enterprise declares the area only.
PERSONAL = ("gender", "leadership", "leadership_title", "leadership_tier", "direct_labourer", "ethnicity",
            "ethnic_minority")
# The tier of the position held, as forms 0602 and 0603 (TT 02/2023/TT-BNV) count individuals;
# "khong" is the same fact as "no leadership position" (`leadership` False), every other tier a
# leading one (a doanh nhân manages an enterprise). Codes of `contracts.nomination.LeadershipTier`.
LEADERSHIP_TIERS = {"khong": "Không giữ chức vụ lãnh đạo, quản lý",
                    "cap_bo_tinh": "Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên",
                    "cap_vu_so": "Lãnh đạo cấp vụ, sở, ngành và tương đương",
                    "doanh_nhan": "Doanh nhân",
                    "tu_pho_phong": "Các cấp lãnh đạo khác từ phó phòng trở lên"}
MAJORITY = "Kinh"
# The 54 ethnic groups of Viet Nam (Danh mục các dân tộc Việt Nam, Tổng cục Thống kê), as written.
ETHNICITIES = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay",
    "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú", "Bru - Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí",
    "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y",
    "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)
# Other spellings in use, to the name above.
_ALIASES = {"hmong": "Mông", "hmông": "Mông", "mèo": "Mông", "khơme": "Khmer", "khome": "Khmer",
            "khmerkrom": "Khmer", "ede": "Ê Đê", "rhade": "Ê Đê", "jrai": "Gia Rai", "bahnar": "Ba Na",
            "stiêng": "Xtiêng", "khmu": "Khơ Mú", "khơmú": "Khơ Mú", "vânkiều": "Bru - Vân Kiều",
            "bru": "Bru - Vân Kiều", "gié": "Giẻ Triêng", "triêng": "Giẻ Triêng", "giẻtriêng": "Giẻ Triêng",
            "raglai": "Ra Glai", "cờlao": "Cơ Lao", "kinhviệt": "Kinh", "việt": "Kinh"}


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


_BY_KEY = {**{_key(name): name for name in ETHNICITIES}, **{_key(k): v for k, v in _ALIASES.items()}}


def ethnicity_name(text: str) -> str:
    """The ethnic group as the list writes it ("tày" → "Tày", "H'Mông" → "Mông")."""
    found = _BY_KEY.get(_key(text))
    if found is None:
        raise PriorityFactError("ethnicity", f"Dân tộc '{text}' không có trong danh mục 54 dân tộc Việt Nam "
                                "(ví dụ: Kinh, Tày, Nùng, Mông, Dao, Sán Chay).")
    return found


_TIER_BY_KEY = {**{_key(code): code for code in LEADERSHIP_TIERS}, **{_key(label): code
                                                                     for code, label in LEADERSHIP_TIERS.items()}}


def leadership_tier(text: str) -> str:
    """The tier's code from its code or its label ("Lãnh đạo cấp vụ, sở, ngành và tương đương" → "cap_vu_so")."""
    found = _TIER_BY_KEY.get(_key(text))
    if found is None:
        raise PriorityFactError("leadership_tier", f"Cấp lãnh đạo '{text}' không hợp lệ; dùng một trong: "
                                f"{codes_with_labels(LEADERSHIP_TIERS)}.")
    return found


def codes_with_labels(codes: Mapping[str, str]) -> str:
    """A closed set's codes with their meaning, as an error or a column's help lists them:
    "khong (Không giữ chức vụ …); cap_bo_tinh (…)"."""
    return "; ".join(f"{code} ({label})" for code, label in codes.items())


def checked(kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The priority facts of a nominee of `kind` as the dossier keeps them (every key of FACTS),
    from what the unit gave; PriorityFactError, in Vietnamese, for what does not fit."""
    facts: dict[str, Any] = {name: given.get(name) for name in FACTS}
    for name in ("leadership_title", "ethnicity"):
        facts[name] = (str(facts[name]).strip() or None) if facts[name] is not None else None
    if kind != "ca_nhan":
        facts["gender"] = None  # a collective's is no one's
        declared = [LABELS[name] for name in PERSONAL if facts[name] is not None]
        if declared:
            raise PriorityFactError(next(n for n in PERSONAL if facts[n] is not None),
                                    f"Chỉ cá nhân mới khai {', '.join(declared)}; tập thể, hộ gia đình, doanh "
                                    "nghiệp chỉ khai có ở vùng sâu, vùng xa, vùng đặc biệt khó khăn hay không.")
        return facts
    _check_leadership(facts)
    _check_ethnicity(facts)
    return facts


def _check_leadership(facts: dict[str, Any]) -> None:
    _check_tier(facts)
    title = facts["leadership_title"]
    if title and facts["leadership"] is None:
        facts["leadership"] = True  # a title of a leading position says it
    if facts["leadership"] is True and not title:
        raise PriorityFactError("leadership_title", "Người giữ chức vụ lãnh đạo, quản lý: ghi rõ chức vụ "
                                "(ví dụ: Hiệu trưởng, Trưởng phòng).")
    if facts["leadership"] is False and title:
        raise PriorityFactError("leadership", f"Đã ghi chức vụ lãnh đạo, quản lý '{title}' nhưng lại khai "
                                "không giữ chức vụ lãnh đạo, quản lý: bỏ chức vụ hoặc sửa lại.")


def _check_tier(facts: dict[str, Any]) -> None:
    """The tier and the yes/no fact say the same: a tier of a leading position is a leadership
    position, "khong" is none; either one given decides the other where it is not given."""
    if facts["leadership_tier"] is None:
        if facts["leadership"] is False:
            facts["leadership_tier"] = "khong"
        return
    tier = facts["leadership_tier"] = leadership_tier(str(facts["leadership_tier"]))
    leading = tier != "khong"
    if facts["leadership"] is None:
        facts["leadership"] = leading
    elif facts["leadership"] != leading:
        raise PriorityFactError("leadership_tier", f"Cấp lãnh đạo '{LEADERSHIP_TIERS[tier]}' không khớp với ô có giữ "
                                f"chức vụ lãnh đạo, quản lý ({'Có' if facts['leadership'] else 'Không'}): sửa một "
                                "trong hai hoặc để trống ô cấp lãnh đạo.")


def _check_ethnicity(facts: dict[str, Any]) -> None:
    if facts["ethnicity"] is None:
        return
    name = facts["ethnicity"] = ethnicity_name(facts["ethnicity"])
    minority = name != MAJORITY
    if facts["ethnic_minority"] is not None and facts["ethnic_minority"] != minority:
        raise PriorityFactError("ethnic_minority", f"Dân tộc {name} {'là' if minority else 'không phải'} "
                                "dân tộc thiểu số: sửa lại ô 'người dân tộc thiểu số' hoặc để trống.")
    facts["ethnic_minority"] = minority


def groups(nominee: Mapping[str, Any]) -> dict[str, Any]:
    """What the public events say of the priority groups: yes/no facts, never the ethnicity."""
    return {name: nominee.get(name) for name in FACTS if name != "ethnicity"}


LABELS = {"gender": "giới tính", "leadership": "có giữ chức vụ lãnh đạo, quản lý",
          "leadership_title": "chức vụ lãnh đạo, quản lý", "leadership_tier": "cấp lãnh đạo",
          "direct_labourer": "người trực tiếp lao động, sản xuất",
          "ethnicity": "dân tộc", "ethnic_minority": "người dân tộc thiểu số",
          "hard_to_reach": "vùng sâu, vùng xa, vùng đặc biệt khó khăn"}


class PriorityFactError(ValueError):
    """Raised when a declared priority fact does not fit the nominee or the others (HTTP 422);
    `fact` names it (one of FACTS)."""

    def __init__(self, fact: str, message: str) -> None:
        super().__init__(message)
        self.fact = fact
