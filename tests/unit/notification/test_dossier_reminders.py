"""Reminders before a dossier step's due date, planned from the nomination events (pure: the
statement's parts and the texts, no database; tests/integration/test_notification_dossier_reminders.py
runs them on PostgreSQL and NATS)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from contracts import nomination as c
from services.notification import reminders, store
from services.notification.dossier_texts import step_due_soon
from services.notification.messages import compose

FIXTURES = Path(__file__).resolve().parents[2] / "contracts" / "fixtures"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BKT = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def event(name: str, version: int = 1, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"nomination.{name}.v{version}.json").read_text(encoding="utf-8"))
    cls = c.WITH_STEP_DUE[getattr(c, name)] if version == 2 else getattr(c, name)
    return cls.model_validate({**body, "award_name": BKT, **fields})


def plan(e: Any, days: list[int]) -> Any:
    return reminders.schedule(e, ZONE, task_days=[14], movement_days=[7], dossier_days=days)


def test_version_2_plans_a_reminder_per_day_at_eight_in_the_province_and_ends_the_earlier_steps() -> None:
    submitted = event("NominationSubmitted", 2, dossier_version=4, step_due_on="2026-03-20",
                      occurred_at="2026-03-10T02:30:00Z")
    part = plan(submitted, [3, 1, 14])  # 14 days before is already past: not planned
    target, due, payload, ids, days, at, kind, dossier, version = part.args
    assert (due, days, kind) == (date(2026, 3, 20), [3, 1], "dossier_step_due")
    assert at == [datetime(2026, 3, 17, 1, tzinfo=UTC), datetime(2026, 3, 19, 1, tzinfo=UTC)]
    assert (dossier, version) == (str(submitted.dossier_id), 4)
    assert any(cte.startswith("stepped AS (UPDATE reminders SET status = 'cancelled'") for cte in part.ctes)
    assert json.loads(payload)["step_due_on"] == "2026-03-20" and json.loads(payload)["dossier_version"] == 4
    assert ids == [reminders.reminder_id(target, 3, due, "dossier_step_due"),
                   reminders.reminder_id(target, 1, due, "dossier_step_due")]
    # The same step of the same version gives the same rows (a re-delivery plans nothing new).
    assert plan(submitted, [3, 1]).args[3] == ids


def test_version_1_and_a_step_without_limit_only_end_the_earlier_steps() -> None:
    for e in (event("NominationReturned", dossier_version=5), event("NominationSubmitted", dossier_version=5),
              event("NominationAppraised", 2, dossier_version=5, step_due_on=None)):
        part = plan(e, [3, 1])
        assert part.args == [str(e.dossier_id), 5] and part.result == "0"
        assert len(part.ctes) == 1 and part.ctes[0].startswith("stepped AS")


def test_version_2_tells_the_unit_nothing_new_and_the_reminder_names_the_dossier_the_step_and_the_day() -> None:
    v2 = event("NominationProgressed", 2, state="appraising", step="accepted", step_due_on="2026-04-10")
    assert compose(v2) == [] and len(compose(event("NominationProgressed"))) == 1
    [tomorrow] = step_due_soon(v2, date(2026, 4, 10), 1)
    [three] = step_due_soon(v2, date(2026, 4, 10), 3)
    assert (tomorrow.unit_code, tomorrow.kind, tomorrow.ref_id) == (v2.unit_code, "dossier_due_soon", v2.dossier_id)
    assert tomorrow.title == f"Hồ sơ của {v2.nominee.name} sắp đến hạn bước thẩm định (ngày mai)"
    assert three.body == (f"Hồ sơ đề nghị {BKT} cho {v2.nominee.name} ({v2.year}) đang ở bước thẩm định, "
                          "hạn hoàn thành bước này là ngày 10/04/2026 (còn 3 ngày).")


def test_a_subscription_to_every_type_gets_version_1_and_version_2_only_when_it_names_it() -> None:
    v1, v2 = event("CouncilVoted"), event("CouncilVoted", 2, step_due_on="2026-04-10")
    assert [store.beside_an_older_version(e) for e in (v1, v2, event("NominationLate"))] == [False, True, False]
    part = store.deliveries(v2, "tdkt")
    assert part.args[1] == "vn.gov.tdkt.nomination.CouncilVoted.v2" and part.args[7] is True
    assert "(cardinality(s.event_types) = 0 AND NOT {7}) OR {1} = ANY (s.event_types)" in part.ctes[1]


def test_a_comment_during_the_notice_leaves_the_reminders_of_the_step() -> None:
    assert plan(event("NominationNoticeCommented"), [7, 1]) is None  # a later version, but the same step
