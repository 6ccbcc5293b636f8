"""A year of events for the period reports: tasks of the plan done on time, late, overdue or
still open, movements launched and concluded, a cluster, and awards decided over the year —
with the expected figures counted here, independently, from the same events."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from contracts import IntegrationEvent
from contracts import nomination as c
from contracts import plan as p
from contracts import plan_clusters as cl
from contracts import plan_movements as mv
from tests.integration.nomination_events import FIXTURES, Dossier

UNITS = {"SNV": "Sở Nội vụ", "SYT": "Sở Y tế", "SGDDT": "Sở Giáo dục và Đào tạo", "CAT": "Công an tỉnh"}
AWARDS = [("BKT", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "bang_khen", "tinh", 7_590_000),
          ("CSTDT", "Chiến sĩ thi đua cấp tỉnh", "danh_hieu_thi_dua", "tinh", 7_590_000),
          ("GK", "Giấy khen", "giay_khen", "co_so", 1_520_000),
          ("HCLD3", "Huân chương Lao động hạng Ba", "huan_chuong", "nha_nuoc", None)]
KINDS = ["ca_nhan", "ca_nhan", "tap_the", "ho_gia_dinh", "doanh_nghiep"]
QUARTER_END = {1: date(2026, 3, 31), 2: date(2026, 6, 30), 3: date(2026, 9, 30), 4: date(2026, 12, 31)}


def _fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.v1.json").read_text(encoding="utf-8"))
    return loaded


@dataclass
class Story:
    events: list[IntegrationEvent] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)  # what the test knows of each task
    awards: list[dict[str, Any]] = field(default_factory=list)  # of each decided dossier
    forwarded: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    cluster_members: set[str] = field(default_factory=set)


def _units(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": code, "name": UNITS[code]} for code in codes]


def _tasks(story: Story, rng: random.Random) -> None:
    assigned, completed, overdue = _fixture("plan.TaskAssigned"), _fixture("plan.TaskCompleted"), \
        _fixture("plan.TaskOverdue")
    outcomes = ["on_time", "late", "overdue", "open"]
    for number in range(1, 17):
        quarter, task_id, outcome = (number - 1) // 4 + 1, str(uuid4()), outcomes[number % 4]
        lead = rng.sample(sorted(UNITS), rng.choice([1, 1, 2]))
        due = QUARTER_END[quarter] - timedelta(days=rng.randrange(0, 40))
        common = {"task_id": task_id, "quarter": quarter, "number": number, "due_date": due.isoformat(),
                  "lead_units": _units(lead), "coordinating_units": []}
        story.events.append(p.TaskAssigned.model_validate({**assigned, **common, "event_id": str(uuid4())}))
        if outcome in ("late", "overdue"):
            story.events.append(p.TaskOverdue.model_validate({**overdue, **common, "event_id": str(uuid4())}))
        if outcome in ("on_time", "late"):
            story.events.append(p.TaskCompleted.model_validate({
                **completed, **common, "event_id": str(uuid4()), "late": outcome == "late",
                "completed_on": (due + timedelta(days=5 if outcome == "late" else -3)).isoformat()}))
        story.tasks.append({"quarter": quarter, "due": due, "outcome": outcome, "lead": lead})


def _awards(story: Story, rng: random.Random) -> None:
    start = date(2025, 12, 20)
    for index in range(30):
        code, name, category, level, cash = AWARDS[index % len(AWARDS)]
        unit, kind = rng.choice(sorted(UNITS)), rng.choice(KINDS)
        dossier = Dossier(unit, code, f"Đối tượng số {index + 1}", kind=kind, year=rng.choice([2025, 2026]))
        decided = start + timedelta(days=rng.randrange(0, 380))
        central = level == "nha_nuoc"
        story.events.extend(dossier.to_council())
        if central:
            forwarded = decided - timedelta(days=30)
            story.events.append(dossier.event("NominationForwarded", "forwarded_central",
                                              forwarded_on=forwarded.isoformat(), submission_number="45/TTr-UBND"))
            if index % 8 == 3:  # still waiting for the central level
                story.forwarded.append({"on": forwarded, "result": "forwarded_central"})
                continue
            story.forwarded.append({"on": forwarded, "result": "central_decided"})
        story.events.append(dossier.decided(
            award_name=name, award_category=category, award_level=level, decided_on=decided.isoformat(),
            decision_number=f"{index + 100}/QĐ-UBND", central=central, cash_amount=cash))
        revoked = index == 5
        if revoked:
            story.events.append(dossier.event("AwardRevoked", "revoked", revoked_on="2026-08-15"))
        story.awards.append({"code": code, "category": category, "level": level, "unit": unit, "kind": kind,
                             "central": central, "decided": decided, "cash": cash or 0, "year": dossier.year,
                             "revoked": revoked, "id": dossier.dossier_id})


def _movements(story: Story) -> None:
    launched, concluded = _fixture("plan.MovementLaunched"), _fixture("plan.MovementConcluded")
    for index, (kind, scope, day) in enumerate([("thuong_xuyen", "tinh", date(2026, 2, 10)),
                                                ("chuyen_de", "nganh", date(2026, 5, 20)),
                                                ("chuyen_de", "cum_khoi", date(2026, 8, 3))]):
        movement_id = str(uuid4())
        story.events.append(mv.MovementLaunched.model_validate({
            **launched, "event_id": str(uuid4()), "movement_id": movement_id, "movement_version": 3,
            "name": f"Phong trào số {index + 1}", "kind": kind, "scope": scope, "launched_on": day.isoformat()}))
        done = date(2026, 6, 25) if index == 0 else None
        if done:
            story.events.append(mv.MovementConcluded.model_validate({
                **concluded, "event_id": str(uuid4()), "movement_id": movement_id, "movement_version": 9,
                "name": f"Phong trào số {index + 1}", "kind": kind, "scope": scope, "concluded_on": done.isoformat(),
                "starts_on": launched["starts_on"], "ends_on": launched["ends_on"]}))
        story.movements.append({"kind": kind, "scope": scope, "launched": day, "concluded": done})


def _cluster(story: Story) -> None:
    formed = _fixture("plan.ClusterFormed")
    members = ["SNV", "SYT"]
    story.events.append(cl.ClusterFormed.model_validate({
        **formed, "event_id": str(uuid4()), "cluster_id": str(uuid4()), "members": _units(members),
        "leader": _units(["SNV"])[0], "deputy": _units(["SYT"])[0]}))
    story.cluster_members = set(members)


def story(seed: int = 2026) -> Story:
    rng = random.Random(seed)
    built = Story()
    _tasks(built, rng)
    _awards(built, rng)
    _movements(built)
    _cluster(built)
    return built


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def expected(s: Story, start: date, end: date) -> dict[str, Any]:
    """The figures of the period [start, end], counted from what the story published."""
    tasks = [t for t in s.tasks if _in(t["due"], start, end)]
    awards = [a for a in s.awards if _in(a["decided"], start, end) and not a["revoked"]]

    def count(rows: list[dict[str, Any]], key: str) -> dict[Any, int]:
        found: dict[Any, int] = {}
        for row in rows:
            found[row[key]] = found.get(row[key], 0) + 1
        return found

    per_unit: dict[str, dict[str, int]] = {}
    for t in tasks:
        for unit in t["lead"]:
            per_unit.setdefault(unit, {"total": 0})
            per_unit[unit]["total"] += 1
            per_unit[unit][t["outcome"]] = per_unit[unit].get(t["outcome"], 0) + 1
    return {
        "tasks": {"total": len(tasks), **count(tasks, "outcome")},
        "tasks_by_quarter": {q: {"total": len(rows), **count(rows, "outcome")}
                             for q in range(1, 5) if (rows := [t for t in tasks if t["quarter"] == q])},
        "tasks_by_unit": per_unit,
        "awards": len(awards), "cash": sum(a["cash"] for a in awards),
        "by_form": count(awards, "code"), "by_category": count(awards, "category"),
        "by_level": count(awards, "level"), "by_subject": count(awards, "kind"),
        "by_central": count(awards, "central"), "by_unit": count(awards, "unit"),
        "by_year": count(awards, "year"),
        "cluster": sum(1 for a in awards if a["unit"] in s.cluster_members and a["decided"].year == 2026),
        "revoked": sum(1 for a in s.awards if a["revoked"] and _in(date(2026, 8, 15), start, end)),
        "forwarded": count([f for f in s.forwarded if _in(f["on"], start, end)], "result"),
        "movements": sum(1 for m in s.movements if _in(m["launched"], start, end)),
        "movements_by_kind": count([m for m in s.movements if _in(m["launched"], start, end)], "kind"),
        "concluded": sum(1 for m in s.movements if _in(m["concluded"], start, end)),
    }


def forms_by_year(s: Story, last: int) -> dict[int, dict[str, int]]:
    """Awards (not revoked) per year of decision, from the 4 years before `last` to it, per form."""
    out: dict[int, dict[str, int]] = {year: {} for year in range(last - 4, last + 1)}
    for a in s.awards:
        if a["decided"].year in out and not a["revoked"]:
            out[a["decided"].year][a["code"]] = out[a["decided"].year].get(a["code"], 0) + 1
    return out


EVENT_TYPES = (c.AwardDecided,)
