"""The relay passes by undecoded only the stored events that give no message: what it publishes
with `unpublished` as its skip is what it publishes without it."""

from __future__ import annotations

from uuid import UUID, uuid5

from services.plan.application import Plans
from services.plan.messaging import translator
from services.plan.translate import unpublished
from tests.unit.plan.support import NOW, launching_task, new_plans

NS = UUID("00000000-0000-0000-0000-000000000001")


def _published(plans: Plans, skip: bool) -> tuple[list[str], list[str]]:
    translate = translator(plans)
    out, skipped = [], []
    for n in plans.recorder.select_notifications(start=1, limit=1000):
        if skip and unpublished(plans, n):
            skipped.append(n.topic.rsplit(":", 1)[-1])
            continue
        event = translate(plans.mapper.to_domain_event(n), uuid5(NS, str(n.id)))
        if event is not None:
            out.append(event.model_dump_json())
    return out, skipped


def test_skipping_the_unpublished_events_publishes_the_same_messages() -> None:
    plans = new_plans()
    task_id = launching_task(plans)
    plans.reassign_task(task_id, lead_units=["STC"], coordinating_units=[], due_date=None, reason="Đổi đơn vị",
                        expected_version=1, by="u", now=NOW)
    with_skip, skipped = _published(plans, skip=True)  # first: no aggregate copy left by the other pass
    without, _ = _published(plans, skip=False)
    assert with_skip == without and with_skip
    assert "Plan.TaskAdded" in skipped and not any(topic.startswith("Task.") for topic in skipped)
