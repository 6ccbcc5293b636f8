"""What the eligibility rules look at: a nominee's history and the facts of one dossier.

Pure data, no storage: the history module builds a `NomineeFacts` from a person's or a
collective's record, the dossier adds what only the dossier knows (attestations of the unit's
council, dossier facts such as "led its cluster"), and `evaluate()` returns one `Verdict` per
rule. A year that has a `YearRecord` is known (its titles and its innovations are complete); a
year without one is unknown, so a rule that needs it says "cannot tell" and names the missing
year. The awards list is complete from `awards_known_from` on (None: complete). Counts a
collective's `MembersYear` leaves out (a title or rating not in its dicts) are unknown, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal


class Rating(StrEnum):
    """Annual assessment of officials and collectives (đánh giá, xếp loại)."""

    KHTNV = "KHTNV"  # Không hoàn thành nhiệm vụ
    HTNV = "HTNV"  # Hoàn thành nhiệm vụ
    HTTNV = "HTTNV"  # Hoàn thành tốt nhiệm vụ
    HTXSNV = "HTXSNV"  # Hoàn thành xuất sắc nhiệm vụ

    @property
    def rank(self) -> int:
        return list(Rating).index(self)


RATING_LABELS = {
    Rating.KHTNV: "Không hoàn thành nhiệm vụ",
    Rating.HTNV: "Hoàn thành nhiệm vụ",
    Rating.HTTNV: "Hoàn thành tốt nhiệm vụ",
    Rating.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
}

SubjectKind = Literal["ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"]
Scope = Literal["co_so", "tinh", "toan_quoc"]  # where an innovation applies (phạm vi ảnh hưởng)
SCOPE_ORDER: dict[str, int] = {"co_so": 0, "tinh": 1, "toan_quoc": 2}
AwardBasis = Literal["cong_trang", "chuyen_de", "dot_xuat", "cong_hien", "nien_han", "doi_ngoai", "khang_chien"]
BASIS_LABELS: dict[str, str] = {"cong_trang": "công trạng", "chuyen_de": "chuyên đề", "dot_xuat": "đột xuất",
                                "cong_hien": "quá trình cống hiến", "nien_han": "niên hạn", "doi_ngoai": "đối ngoại",
                                "khang_chien": "kháng chiến"}


@dataclass(frozen=True)
class YearRecord:
    """One year of a nominee: the rating, and every title (danh hiệu, by catalogue code) held."""

    year: int
    rating: Rating | None = None
    titles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Innovation:
    """A recognised sáng kiến, or a đề tài/đề án accepted (nghiệm thu) and applied."""

    year: int
    scope: Scope
    kind: Literal["sang_kien", "de_tai"] = "sang_kien"
    title: str = ""
    recognised_by: str | None = None  # e.g. "Chủ tịch UBND tỉnh"
    reference: str | None = None  # the recognising document, e.g. "12/QĐ-UBND"


@dataclass(frozen=True)
class AwardRecord:
    """A form of award (hình thức khen thưởng) or title already decided for the nominee."""

    code: str  # catalogue code, e.g. "BKTTG"
    year: int  # the year of the achievement it rewards
    decided_on: date | None = None
    decision_ref: str | None = None  # e.g. "163/QĐ-UBND"
    basis: AwardBasis = "cong_trang"
    movement_id: str | None = None  # the emulation movement a thematic or ad hoc award was for
    movement: str | None = None  # that movement's name, as known when the award was decided

    def describe_basis(self) -> str:
        """"chuyên đề, phong trào «Toàn dân bảo vệ an ninh Tổ quốc»" (G4's reasons)."""
        label = BASIS_LABELS.get(self.basis, self.basis)
        if self.movement:
            return f"{label}, phong trào «{self.movement}»"
        return f"{label}, phong trào mã {self.movement_id}" if self.movement_id else label


@dataclass(frozen=True)
class MembersYear:
    """For a collective: its members in one year, counted by rating and by title."""

    year: int
    members: int
    at_least: dict[Rating, int] = field(default_factory=dict)  # members rated this or better
    titles: dict[str, int] = field(default_factory=dict)  # members holding each title
    disciplined: int = 0  # members disciplined (khiển trách or heavier) that year
    # members whose discipline that year is at least this level: khien_trach, canh_cao, ha_bac,
    # giang_chuc, cach_chuc, buoc_thoi_viec (a level left out is unknown unless `disciplined` is 0)
    disciplined_levels: dict[str, int] = field(default_factory=dict)


PendingMatter = Literal["discipline_pending", "investigation_pending", "complaint_pending"]
Matter = PendingMatter | Literal["unit_dissolved"]
PENDING_MATTERS: tuple[PendingMatter, ...] = ("discipline_pending", "investigation_pending", "complaint_pending")


@dataclass(frozen=True)
class Confirmation:
    """A stated standing: none of `matters` is the case as of `as_of` (nothing pending; the unit
    neither dissolved nor merged), confirmed by someone on a document."""

    as_of: date
    confirmed_by: str
    document: str | None = None
    matters: frozenset[Matter] = frozenset(PENDING_MATTERS)


@dataclass(frozen=True)
class Standing:
    """Guards G1 and G5: True/False when a record says so (an open case, a dissolution), None when
    not known. A `Confirmation` states the absence of a matter as of its date; the guards decide
    whether it covers the evaluation date."""

    discipline_pending: bool | None = None
    investigation_pending: bool | None = None
    complaint_pending: bool | None = None
    discipline_ended_on: date | None = None  # None: no discipline; else achievements count from the next year
    unit_dissolved: bool | None = None
    confirmations: tuple[Confirmation, ...] = ()

    def confirmation(self, matter: Matter, on: date) -> Confirmation | None:
        """The latest confirmation of `matter`'s absence dated on or before `on`."""
        dated = [c for c in self.confirmations if matter in c.matters and c.as_of <= on]
        return max(dated, key=lambda c: c.as_of, default=None)


@dataclass(frozen=True)
class NomineeFacts:
    subject_kind: SubjectKind
    years: dict[int, YearRecord] = field(default_factory=dict)
    innovations: tuple[Innovation, ...] = ()
    awards: tuple[AwardRecord, ...] = ()
    members: dict[int, MembersYear] = field(default_factory=dict)
    standing: Standing = Standing()
    attestations: frozenset[str] = frozenset()  # qualitative criteria the unit's council attests
    dossier: dict[str, bool] = field(default_factory=dict)  # e.g. {"cluster_leader": True}
    not_attested: frozenset[str] = frozenset()  # criteria the council examined and did not attest
    awards_known_from: int | None = None  # awards of earlier years are not known (None: all known)
    positions_held: dict[str, float] = field(default_factory=dict)  # leading position → years held (R14)


Outcome = Literal["pass", "fail", "unknown"]


@dataclass(frozen=True)
class Verdict:
    """One rule's answer for one dossier, with the reason in Vietnamese and what it used."""

    rule_id: str
    title: str
    outcome: Outcome
    reason: str
    facts_used: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    verified: bool = True  # False: the rule's legal text is not verified (configuration, see its basis)
    legal_basis: str = ""
    kind: Literal["rule", "guard"] = "rule"  # guards (G1…) apply to every award
    group: str = ""  # rules of one group are alternatives: the group passes when one of them does
