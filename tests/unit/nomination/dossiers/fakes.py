"""Tiny stand-ins behind the dossier workflow's ports, for pure unit tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from services.nomination.dossiers.ports import AwardInfo, Evaluation
from services.nomination.eligibility.facts import Verdict

DOCS = {"to_trinh": "Tờ trình", "bao_cao_thanh_tich": "Báo cáo thành tích", "bien_ban": "Biên bản bình xét"}
AWARDS = {
    "BKT": AwardInfo("BKT", "Bằng khen của Chủ tịch UBND tỉnh", "bang_khen", "tinh", frozenset({"ca_nhan", "tap_the"}),
                     True, DOCS, None, 0.8, "all_members", True, True),
    "HCLD3": AwardInfo("HCLD3", "Huân chương Lao động hạng Ba", "huan_chuong", "nha_nuoc", frozenset({"ca_nhan"}),
                       False, DOCS, 10, 0.9, "all_members", True, True),
    "CSTDT": AwardInfo("CSTDT", "Chiến sĩ thi đua cấp tỉnh", "danh_hieu_thi_dua", "tinh", frozenset({"ca_nhan"}),
                       True, DOCS, None, 0.9, "all_members", True, False),
}


@dataclass
class FakeCatalogue:
    version: str = "test-1"

    def award(self, code: str) -> AwardInfo:
        return AWARDS[code]

    def cash(self, code: str, on: date) -> int | None:
        return 3_510_000 if code == "BKT" else None


@dataclass
class FakeEligibility:
    outcome: str = "pass"

    def evaluate(self, award_code: str, year: int, nominee: dict[str, Any], dossier_facts: dict[str, Any],
                 on: date) -> Evaluation:
        verdict = Verdict("R9", "Bằng khen", self.outcome, f"kết quả {self.outcome}")  # type: ignore[arg-type]
        return Evaluation((verdict,), self.outcome, "rules-test")


@dataclass
class FakeHistory:
    decisions: list[tuple[str, str]] = field(default_factory=list)
    revocations: list[str] = field(default_factory=list)

    def resolve(self, kind: str, data: dict[str, Any], by: str) -> tuple[dict[str, Any], list[Any]]:
        ref = str(uuid5(NAMESPACE_URL, f"/people/{data['name']}"))
        return {"kind": kind, "ref": ref, "name": data["name"], "unit_code": data["unit_code"],
                "masked_id": None, "position": data.get("position"), "deceased": data.get("deceased", False)}, []

    def decided(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                decided_on: date, basis: str) -> list[Any]:
        self.decisions.append((nominee["name"], decision_number))
        return []

    def revoked(self, nominee: dict[str, Any], award_code: str, year: int, decision_number: str,
                revoked_on: date) -> list[Any]:
        self.revocations.append(decision_number)
        return []


class WeekdayCalendar:
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
