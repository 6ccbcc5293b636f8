"""The proposing unit's messages about its dossiers, one for every step of their lives."""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts import nomination as c
from services.notification.texts import Message, because, compose, day, money

LINK = "/dossiers/{dossier_id}"  # the dossier in the nomination service's API
UNKNOWN_AWARD = "hình thức khen thưởng mã {code}"

# The states a step can be late in (NominationLate.in_state), as the unit reads them.
STATE_LABELS = {
    "draft": "soạn hồ sơ", "unit_council_done": "bình xét tại đơn vị", "submitted": "tiếp nhận hồ sơ",
    "returned": "bổ sung hồ sơ", "appraising": "thẩm định", "consulting": "xin ý kiến hiệp y",
    "on_hold": "tạm dừng xét", "public_notice": "công khai", "council_review": "xét của Hội đồng TĐKT tỉnh",
    "council_passed": "trình ký quyết định", "council_failed": "xử lý sau khi Hội đồng không thông qua",
    "awaiting_decision": "ký quyết định", "decided": "trao tặng", "forwarded_central": "xét ở cấp Nhà nước",
    "central_decided": "trao tặng", "at_parent": "xem xét tại đơn vị cấp trên",
}
STEPS = {
    "accepted": "đã được tiếp nhận", "consultation_requested": "đang được xin ý kiến hiệp y",
    "resumed": "được xét tiếp sau thời gian tạm dừng", "notice_closed": "đã hết thời gian công khai",
    "sent_for_decision": "đã được trình ký quyết định khen thưởng",
}
GROUNDS = {"discipline": "đang xem xét kỷ luật", "investigation": "đang bị thanh tra, điều tra",
           "complaint": "có khiếu nại, tố cáo chưa được giải quyết"}


def about(e: Any) -> str:
    award = e.award_name or UNKNOWN_AWARD.format(code=e.award_code)
    return f"Hồ sơ đề nghị {award} cho {e.nominee.name} ({e.year})"


def message(e: Any, kind: str, title: str, body: str) -> list[Message]:
    return [Message(e.unit_code, kind, "dossier", e.dossier_id, title, body, LINK.format(dossier_id=e.dossier_id))]


def _times(n: int) -> str:
    return f" (lần {n})" if n > 1 else ""


@compose.register
def _created(e: c.NominationCreated) -> list[Message]:
    return message(e, "created", f"Đã lập hồ sơ đề nghị khen thưởng cho {e.nominee.name}",
                   f"{about(e)} đã được lập và đang ở bước soạn hồ sơ.")


@compose.register
def _submitted(e: c.NominationSubmitted) -> list[Message]:
    times = _times(e.times_submitted)
    return message(e, "submitted", f"Hồ sơ của {e.nominee.name} đã trình Sở Nội vụ{times}",
                   f"{about(e)} đã được trình tới Sở Nội vụ{times}.")


@compose.register
def _progressed(e: c.NominationProgressed) -> list[Message]:
    step = STEPS.get(e.step, f"chuyển sang bước {STATE_LABELS.get(e.state, e.state)}")
    return message(e, "progressed", f"Hồ sơ của {e.nominee.name} {step}", f"{about(e)} {step}.")


@compose.register
def _returned(e: c.NominationReturned) -> list[Message]:
    times = _times(e.times_returned)
    reasons = "; ".join(r.strip() for r in e.reasons if r.strip())
    return message(e, "returned", f"Hồ sơ của {e.nominee.name} bị trả lại để bổ sung{times}",
                   because(f"{about(e)} bị trả lại{times}", reasons))


@compose.register
def _appraised(e: c.NominationAppraised) -> list[Message]:
    return message(e, "appraised", f"Hồ sơ của {e.nominee.name} đã thẩm định đạt",
                   f"{about(e)} đã được thẩm định, đủ điều kiện trình Hội đồng Thi đua – Khen thưởng tỉnh.")


@compose.register
def _on_hold(e: c.NominationPutOnHold) -> list[Message]:
    return message(e, "on_hold", f"Hồ sơ của {e.nominee.name} tạm dừng xét",
                   f"{about(e)} tạm dừng xét vì người được đề nghị {GROUNDS[e.ground]}.")


@compose.register
def _disclosed(e: c.NominationDisclosed) -> list[Message]:
    return message(e, "disclosed", f"Hồ sơ của {e.nominee.name} được công khai lấy ý kiến",
                   f"{about(e)} được công khai lấy ý kiến từ {day(e.notice_from)} đến {day(e.notice_until)}.")


@compose.register
def _voted(e: c.CouncilVoted) -> list[Message]:
    tally = f"{e.yes}/{e.base} phiếu đồng ý"
    if e.passed:
        return message(e, "council_passed", f"Hội đồng TĐKT tỉnh thông qua hồ sơ của {e.nominee.name}",
                       f"{about(e)} được Hội đồng Thi đua – Khen thưởng tỉnh thông qua ({tally}).")
    return message(e, "council_failed", f"Hội đồng TĐKT tỉnh không thông qua hồ sơ của {e.nominee.name}",
                   f"{about(e)} không được Hội đồng Thi đua – Khen thưởng tỉnh thông qua: {tally}, "
                   f"cần từ {round(e.threshold * 100)}%.")


@compose.register
def _decided(e: c.AwardDecided) -> list[Message]:
    cash = f" Tiền thưởng: {money(e.cash_amount)} đồng." if e.cash_amount else ""
    level = "cấp Nhà nước " if e.central else ""
    return message(e, "central_decided" if e.central else "decided",
                   f"{e.nominee.name} được tặng {e.award_name}",
                   f"{about(e)} đã có Quyết định khen thưởng {level}số {e.decision_number} ngày {day(e.decided_on)} "
                   f"của {e.signed_by}.{cash}")


@compose.register
def _rejected(e: c.NominationRejected) -> list[Message]:
    return message(e, "rejected", f"Hồ sơ của {e.nominee.name} không được khen thưởng",
                   because(f"{about(e)} không được khen thưởng", e.reason.strip()))


@compose.register
def _forwarded(e: c.NominationForwarded) -> list[Message]:
    return message(e, "forwarded", f"Hồ sơ của {e.nominee.name} đã trình cấp Nhà nước",
                   f"{about(e)} đã được trình Trung ương xét theo Tờ trình số {e.submission_number} "
                   f"ngày {day(e.forwarded_on)}.")


@compose.register
def _conferred(e: c.AwardConferred) -> list[Message]:
    paid = f" Đã chi tiền thưởng {money(e.cash_paid)} đồng." if e.cash_paid else ""
    return message(e, "conferred", f"Đã trao khen thưởng cho {e.nominee.name}",
                   f"{about(e)}: khen thưởng đã được trao ngày {day(e.conferred_on)}.{paid}")


@compose.register
def _revoked(e: c.AwardRevoked) -> list[Message]:
    return message(e, "revoked", f"Khen thưởng của {e.nominee.name} bị thu hồi",
                   because(f"{about(e)}: khen thưởng bị thu hồi theo Quyết định số {e.decision_number} "
                           f"ngày {day(e.revoked_on)}", e.ground_text.strip()))


@compose.register
def _commented(e: c.NominationNoticeCommented) -> list[Message]:
    count = f"đã có {e.comments} ý kiến" if e.comments > 1 else "đây là ý kiến đầu tiên"
    return message(e, "notice_commented", f"Hồ sơ của {e.nominee.name} nhận ý kiến góp ý khi công khai",
                   f"{about(e)} nhận thêm ý kiến góp ý trong thời gian công khai ({count}; công khai đến "
                   f"ngày {day(e.notice_until)}). Đơn vị xem nội dung ý kiến trong hồ sơ và phối hợp với "
                   "Sở Nội vụ giải trình, làm rõ nếu cần.")


@compose.register
def _late(e: c.NominationLate) -> list[Message]:
    step = STATE_LABELS.get(e.in_state, e.in_state)
    return message(e, "late", f"Hồ sơ của {e.nominee.name} quá hạn ở bước {step}",
                   f"{about(e)} đã quá thời hạn ở bước {step} (hạn {day(e.due_date)}).")


def _published_beside_v1(e: Any) -> list[Message]:
    """Version 2 (with the step's due date, or the nominee's priority groups) and version 3 (with
    the leadership tier and the award's basis) come beside version 1, which told the unit
    already: the step's due date plans reminders only (`reminders.schedule`)."""
    return []


for _later in (*c.SECOND_VERSIONS.values(), *c.THIRD_VERSIONS.values()):
    compose.register(_later, _published_beside_v1)


def step_due_soon(e: Any, due: date, days: int) -> list[Message]:
    """The reminder `days` before the day the dossier's current step must be done by."""
    step = STATE_LABELS.get(e.state, e.state)
    left = "ngày mai" if days == 1 else f"còn {days} ngày"
    return message(e, "dossier_due_soon", f"Hồ sơ của {e.nominee.name} sắp đến hạn bước {step} ({left})",
                   f"{about(e)} đang ở bước {step}, hạn hoàn thành bước này là ngày {day(due)} ({left}).")
