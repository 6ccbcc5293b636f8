"""The texts of a unit's inbox, in Vietnamese: correct them here.

Pure: the standard library and the contracts only (no web, no bus, no database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from contracts import IntegrationEvent
from contracts import nomination as c

LINK = "/dossiers/{dossier_id}"  # the dossier in the nomination service's API
UNKNOWN_AWARD = "hình thức khen thưởng mã {code}"

# The states a step can be late in (NominationLate.in_state), as the unit reads them.
STATE_LABELS = {
    "draft": "soạn hồ sơ", "unit_council_done": "bình xét tại đơn vị", "submitted": "tiếp nhận hồ sơ",
    "returned": "bổ sung hồ sơ", "appraising": "thẩm định", "consulting": "xin ý kiến hiệp y",
    "on_hold": "tạm dừng xét", "public_notice": "công khai", "council_review": "xét của Hội đồng TĐKT tỉnh",
    "council_passed": "trình ký quyết định", "council_failed": "xử lý sau khi Hội đồng không thông qua",
    "awaiting_decision": "ký quyết định", "decided": "trao tặng", "forwarded_central": "xét ở cấp Nhà nước",
    "central_decided": "trao tặng",
}


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    link: str


def compose(event: IntegrationEvent) -> Message | None:
    """The message the proposing unit gets about `event`, or None when it gets none."""
    build = _BUILDERS.get(type(event))
    if build is None:
        return None
    e: Any = event
    award = e.award_name or UNKNOWN_AWARD.format(code=e.award_code)
    kind, title, text = build(e, f"Hồ sơ đề nghị {award} cho {e.nominee.name} ({e.year})")
    return Message(kind, title, text, LINK.format(dossier_id=e.dossier_id))


def _returned(e: c.NominationReturned, about: str) -> tuple[str, str, str]:
    times = f" (lần {e.times_returned})" if e.times_returned > 1 else ""
    return ("returned", f"Hồ sơ của {e.nominee.name} bị trả lại để bổ sung{times}",
            _because(f"{about} bị trả lại{times}", "; ".join(r.strip() for r in e.reasons if r.strip())))


def _decided(e: c.AwardDecided, about: str) -> tuple[str, str, str]:
    cash = f" Tiền thưởng: {_money(e.cash_amount)} đồng." if e.cash_amount else ""
    return ("decided", f"{e.nominee.name} được tặng {e.award_name}",
            f"{about} đã có Quyết định khen thưởng số {e.decision_number} ngày {_date(e.decided_on)} "
            f"của {e.signed_by}.{cash}")


def _rejected(e: c.NominationRejected, about: str) -> tuple[str, str, str]:
    return ("rejected", f"Hồ sơ của {e.nominee.name} không được khen thưởng",
            _because(f"{about} không được khen thưởng", e.reason.strip()))


def _late(e: c.NominationLate, about: str) -> tuple[str, str, str]:
    step = STATE_LABELS.get(e.in_state, e.in_state)
    return ("late", f"Hồ sơ của {e.nominee.name} quá hạn ở bước {step}",
            f"{about} đã quá thời hạn ở bước {step} (hạn {_date(e.due_date)}).")


_BUILDERS: dict[type[IntegrationEvent], Callable[[Any, str], tuple[str, str, str]]] = {
    c.NominationReturned: _returned,
    c.AwardDecided: _decided,
    c.NominationRejected: _rejected,
    c.NominationLate: _late,
}


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _because(what: str, reason: str) -> str:
    if not reason:
        return f"{what}."
    return f"{what}: {reason}" if reason.endswith((".", "!", "?", "…")) else f"{what}: {reason}."
