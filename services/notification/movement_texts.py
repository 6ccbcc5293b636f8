"""Messages to the units about emulation movements: registration opened (or extended), a unit's
own registration, registration closed, reminders before the registration deadline, and the
conclusion (to the units registered and those proposed for an award)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts import plan_movements as m
from services.notification.texts import Audience, Message, address, compose, day

LINK = "/movements/{movement_id}"  # the movement in the plan service's API
KINDS = {"thuong_xuyen": "thường xuyên", "chuyen_de": "chuyên đề", "dot_xuat": "đột xuất"}
SCOPES = {"tinh": "toàn tỉnh", "nganh": "ngành {ref}", "cum_khoi": "cụm, khối {ref}", "don_vi": "đơn vị {ref}"}


def about(e: Any) -> str:
    scope = SCOPES[e.scope].format(ref=e.scope_ref or "").strip()
    return (f"Phong trào thi đua {KINDS[e.kind]} “{e.name}” ({scope}, từ {day(e.starts_on)} "
            f"đến {day(e.ends_on)})")


def to_units(e: Any, codes: Iterable[str], kind: str, title: str, body: str) -> list[Message]:
    link = LINK.format(movement_id=e.movement_id)
    return [Message(code, kind, "movement", e.movement_id, title, body, link) for code in dict.fromkeys(codes)]


@address.register
def _opened(e: m.MovementRegistrationOpened, audience: Audience) -> list[Message]:
    if e.extended:  # those registered already need not hear of a later deadline
        return to_units(e, audience.unregistered(), "movement_registration_opened",
                        f"Gia hạn đăng ký thi đua: {e.name}",
                        f"{about(e)} gia hạn đăng ký thi đua đến hết ngày {day(e.deadline)}. "
                        "Đơn vị chưa đăng ký thi đua; đề nghị đăng ký cùng các chỉ tiêu của đơn vị trước hạn.")
    return to_units(e, audience.units, "movement_registration_opened", f"Mở đăng ký thi đua: {e.name}",
                    f"{about(e)} đã mở đăng ký thi đua; hạn đăng ký đến hết ngày {day(e.deadline)}. "
                    "Đề nghị đơn vị đăng ký thi đua cùng các chỉ tiêu của đơn vị trước hạn.")


@compose.register
def _registered(e: m.UnitRegisteredForMovement) -> list[Message]:
    targets = f" với {len(e.targets)} chỉ tiêu" if e.targets else ""
    if e.amended:
        return to_units(e, [e.unit.code], "movement_registered", f"Đã sửa đăng ký thi đua: {e.name}",
                        f"{about(e)}: đăng ký thi đua của {e.unit.name} đã được sửa ngày "
                        f"{day(e.registered_on)}{targets}.")
    return to_units(e, [e.unit.code], "movement_registered", f"Đã đăng ký thi đua: {e.name}",
                    f"{about(e)}: {e.unit.name} đã đăng ký thi đua ngày {day(e.registered_on)}{targets}.")


@address.register
def _closed(e: m.MovementRegistrationClosed, audience: Audience) -> list[Message]:
    registered = [unit.code for unit in e.registered_units]
    title = f"Đã hết hạn đăng ký thi đua: {e.name}"
    closed = f"{about(e)} đã hết hạn đăng ký thi đua ngày {day(e.deadline)}"
    told = to_units(e, registered, "movement_registration_closed", title,
                    f"{closed}; đơn vị đã đăng ký, cùng {len(registered)} đơn vị đăng ký thi đua.")
    missed = Audience(audience.units, registered=frozenset(registered)).unregistered()
    return told + to_units(e, missed, "movement_registration_closed", title,
                           f"{closed}; đơn vị không đăng ký thi đua.")


def closing(e: m.MovementRegistrationOpened, audience: Audience, days: int) -> list[Message]:
    """The reminder `days` before a registration deadline, to the units not registered yet."""
    left = "ngày mai" if days == 1 else f"còn {days} ngày"
    return to_units(e, audience.unregistered(), "movement_registration_closing",
                    f"Sắp hết hạn đăng ký thi đua ({left}): {e.name}",
                    f"{about(e)}: hạn đăng ký thi đua đến hết ngày {day(e.deadline)} ({left}). "
                    "Đơn vị chưa đăng ký thi đua.")


@address.register
def _concluded(e: m.MovementConcluded, audience: Audience) -> list[Message]:
    proposed: dict[str, list[str]] = {}
    for award in e.proposed_awards:
        if award.unit is not None:
            proposed.setdefault(award.unit.code, []).append(f"{award.award} cho {award.recipient}")
    title = f"Tổng kết phong trào: {e.name}"
    done = f"{about(e)} đã được tổng kết ngày {day(e.concluded_on)} theo báo cáo {e.document_ref}"
    told = [message for code, awards in proposed.items() for message in to_units(
        e, [code], "movement_concluded", title, f"{done}; đề nghị khen thưởng của đơn vị: {'; '.join(awards)}.")]
    return told + to_units(e, [code for code in sorted(audience.registered) if code not in proposed],
                           "movement_concluded", title, f"{done}.")
