"""Messages to the units that lead or coordinate a plan task: assigned, reassigned, completed,
overdue, and due soon (reminders)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from contracts import plan as p
from services.notification.texts import Message, compose, day

LINK = "/tasks/{task_id}"  # the task in the plan service's API
QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def about(e: Any) -> str:
    return (f"Nhiệm vụ số {e.number} quý {QUARTERS[e.quarter]} năm {e.year} của Kế hoạch {e.plan_number}: "
            f"“{e.title}”")


def to_units(e: Any, units: Iterable[p.UnitRef], kind: str, title: str, body: str) -> list[Message]:
    link = LINK.format(task_id=e.task_id)
    codes = dict.fromkeys(unit.code for unit in units)
    return [Message(code, kind, "task", e.task_id, title, body, link) for code in codes]


def names(units: Iterable[p.UnitRef]) -> str:
    return ", ".join(unit.name for unit in units)


def roles(e: Any, kind: str, title: str, detail: str) -> list[Message]:
    """One text for the lead units, one for the coordinating ones (a unit in both: as lead)."""
    leads = {u.code for u in e.lead_units}
    helpers = [u for u in e.coordinating_units if u.code not in leads]
    return (to_units(e, e.lead_units, kind, title, f"{about(e)}. Đơn vị được giao chủ trì; {detail}")
            + to_units(e, helpers, kind, title,
                       f"{about(e)}. Đơn vị phối hợp với {names(e.lead_units)}; {detail}"))


@compose.register
def _assigned(e: p.TaskAssigned) -> list[Message]:
    return roles(e, "task_assigned", f"Nhiệm vụ mới: {e.title}", f"hạn hoàn thành {day(e.due_date)}.")


@compose.register
def _reassigned(e: p.TaskReassigned) -> list[Message]:
    reason = e.reason.strip().rstrip(".")
    current = roles(e, "task_reassigned", f"Nhiệm vụ được giao lại: {e.title}",
                    f"hạn hoàn thành {day(e.due_date)} (lý do giao lại: {reason}).")
    staying = {m.unit_code for m in current}
    gone = [u for u in [*e.previous_lead_units, *e.previous_coordinating_units] if u.code not in staying]
    return current + to_units(e, gone, "task_reassigned", f"Nhiệm vụ được giao lại: {e.title}",
                              f"{about(e)} không còn do đơn vị thực hiện (lý do giao lại: {reason}).")


@compose.register
def _completed(e: p.TaskCompleted) -> list[Message]:
    late = " (trễ hạn)" if e.late else ""
    return to_units(e, e.lead_units, "task_completed", f"Nhiệm vụ đã hoàn thành: {e.title}",
                    f"{about(e)} đã hoàn thành ngày {day(e.completed_on)}{late} theo văn bản {e.document_ref}.")


@compose.register
def _overdue(e: p.TaskOverdue) -> list[Message]:
    return roles(e, "task_overdue", f"Nhiệm vụ quá hạn: {e.title}",
                 f"hạn hoàn thành {day(e.due_date)} đã qua mà chưa có văn bản hoàn thành.")


def due_soon(e: Any, due: date, days: int) -> list[Message]:
    """The reminder `days` before a task's due date, to its lead and coordinating units."""
    left = "ngày mai" if days == 1 else f"còn {days} ngày"
    return roles(e, "task_due_soon", f"Nhiệm vụ sắp đến hạn ({left}): {e.title}",
                 f"hạn hoàn thành {day(due)} ({left}).")
