"""Tiny stand-ins behind the dossier workflow's ports, for pure unit tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from services.nomination.dossiers.ports import AwardInfo, Evaluation, KnownMovement
from services.nomination.eligibility.facts import Outcome, SubjectKind, Verdict

PROVINCE = ZoneInfo("Asia/Ho_Chi_Minh")
DOCS = {"to_trinh": "Tờ trình", "bao_cao_thanh_tich": "Báo cáo thành tích", "bien_ban": "Biên bản bình xét"}
AWARDS = {
    "BKT": AwardInfo("BKT", "Bằng khen của Chủ tịch UBND tỉnh", "bang_khen", "tinh", frozenset({"ca_nhan", "tap_the"}),
                     True, council_threshold=0.8, written_votes_allowed=True, posthumous_allowed=True),
    "HCLD3": AwardInfo("HCLD3", "Huân chương Lao động hạng Ba", "huan_chuong", "nha_nuoc", frozenset({"ca_nhan"}),
                       False, notice_working_days=10, council_threshold=0.9, written_votes_allowed=True,
                       posthumous_allowed=True),
    "CSTDT": AwardInfo("CSTDT", "Chiến sĩ thi đua cấp tỉnh", "danh_hieu_thi_dua", "tinh", frozenset({"ca_nhan"}),
                       True, council_threshold=0.9, written_votes_allowed=True),
    "GDVH": AwardInfo("GDVH", "Gia đình văn hóa", "danh_hieu_thi_dua", "co_so", frozenset({"ho_gia_dinh"}),
                      True, council_required=False),
}


@dataclass
class FakeCatalogue:
    version: str = "test-1"
    quotas: dict[str, int] = field(default_factory=dict)  # award -> most dossiers a unit may send a year

    def award(self, code: str) -> AwardInfo:
        return AWARDS[code]

    def required_documents(self, code: str, kind: str) -> dict[str, str]:
        return DOCS

    def cash(self, code: str, subject: SubjectKind, on: date) -> int | None:
        return 3_510_000 if code == "BKT" else None

    def quota_problems(self, code: str, unit: str, year: int, counts: dict[str, int]) -> list[str]:
        limit = self.quotas.get(code)
        if limit is None or counts.get(code, 0) <= limit:
            return []
        return [f"{unit} đề nghị {counts[code]} {AWARDS[code].name} năm {year}, vượt chỉ tiêu {limit}."]


@dataclass
class FakeEligibility:
    outcome: Outcome = "pass"

    def evaluate(self, award_code: str, year: int, basis: str, nominee: dict[str, Any],
                 dossier_facts: dict[str, Any], on: date) -> Evaluation:
        verdict = Verdict("R9", "Bằng khen", self.outcome, f"kết quả {self.outcome}")
        return Evaluation((verdict,), self.outcome, "rules-test", deciding=("R9",))


@dataclass
class FakeHistory:
    decisions: list[tuple[str, str]] = field(default_factory=list)
    revocations: list[str] = field(default_factory=list)
    movements: list[tuple[str, str | None] | None] = field(default_factory=list)  # of each decision

    def read_ahead(self, nominees: Any) -> None:
        return None

    def resolve(self, kind: str, data: dict[str, Any], by: str, ahead: Any = None) -> tuple[dict[str, Any], list[Any]]:
        ref = str(uuid5(NAMESPACE_URL, f"/people/{data['name']}"))
        return {"kind": kind, "ref": ref, "name": data["name"], "unit_code": data["unit_code"],
                "masked_id": None, "position": data.get("position"), "deceased": data.get("deceased", False)}, []

    def decided(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                decided_on: date, basis: str, movement: tuple[str, str | None] | None = None) -> list[Any]:
        self.decisions.append((nominee["name"], decision_number))
        self.movements.append(movement)
        return []

    def revoked(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                revoked_on: date) -> list[Any]:
        self.revocations.append(decision_number)
        return []


@dataclass
class FakeMovements:
    known: dict[UUID, KnownMovement] = field(default_factory=dict)

    def find(self, movement_id: UUID) -> KnownMovement | None:
        return self.known.get(movement_id)


class WeekdayCalendar:
    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(PROVINCE).date()

    def add_working_days(self, start: date, days: int) -> date:
        current = start
        while days:
            current += timedelta(days=1)
            days -= current.weekday() < 5
        return current


@dataclass
class MemoryStore:
    blobs: dict[str, bytes] = field(default_factory=dict)

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return sha

    def has(self, sha256: str) -> bool:
        return sha256 in self.blobs
