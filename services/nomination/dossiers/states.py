"""The states of a dossier and the commands allowed in each (domain.md §3), as data.

Pure domain: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    UNIT_COUNCIL_DONE = "unit_council_done"
    AT_PARENT = "at_parent"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPRAISING = "appraising"
    CONSULTING = "consulting"
    ON_HOLD = "on_hold"
    PUBLIC_NOTICE = "public_notice"
    COUNCIL_REVIEW = "council_review"
    COUNCIL_PASSED = "council_passed"
    COUNCIL_FAILED = "council_failed"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    FORWARDED_CENTRAL = "forwarded_central"
    CENTRAL_DECIDED = "central_decided"
    NOT_AWARDED = "not_awarded"
    AWARDED = "awarded"
    REVOKED = "revoked"


LABELS = {
    State.DRAFT: "đang soạn hồ sơ",
    State.UNIT_COUNCIL_DONE: "đã bình xét tại đơn vị",
    State.AT_PARENT: "đang ở đơn vị cấp trên xem xét",
    State.SUBMITTED: "đã trình",
    State.RETURNED: "trả lại để bổ sung",
    State.APPRAISING: "đang thẩm định",
    State.CONSULTING: "đang xin ý kiến hiệp y",
    State.ON_HOLD: "tạm dừng xét",
    State.PUBLIC_NOTICE: "đang công khai",
    State.COUNCIL_REVIEW: "trình Hội đồng TĐKT tỉnh",
    State.COUNCIL_PASSED: "Hội đồng đã thông qua",
    State.COUNCIL_FAILED: "Hội đồng không thông qua",
    State.AWAITING_DECISION: "đang trình ký quyết định",
    State.DECIDED: "đã có quyết định khen thưởng",
    State.FORWARDED_CENTRAL: "đã trình cấp Nhà nước",
    State.CENTRAL_DECIDED: "cấp Nhà nước đã quyết định",
    State.NOT_AWARDED: "không khen thưởng",
    State.AWARDED: "đã trao tặng",
    State.REVOKED: "đã hủy quyết định khen thưởng",
}

# Whose step it is: the actor named by domain.md §3 for each command.
UNIT, APPRAISER, SECRETARY, CHAIR = "unit", "appraiser", "council_secretary", "chair"
# The parent unit holding the dossier (its level): a school's dossier at Sở Giáo dục và Đào tạo.
PARENT = "parent"
# The level of Sở Nội vụ (the province), where a dossier is once submitted.
PROVINCE = "tinh"


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    sources: frozenset[State]
    actors: frozenset[str]


def _command(name: str, label: str, sources: set[State], *actors: str) -> Command:
    return Command(name, label, frozenset(sources), frozenset(actors))


# The unit prepares the dossier in any order (documents before or after its council) until it submits it.
_EDITABLE = {State.DRAFT, State.UNIT_COUNCIL_DONE, State.RETURNED}
_UNDER_REVIEW = {State.APPRAISING, State.CONSULTING, State.PUBLIC_NOTICE, State.COUNCIL_REVIEW}
_REJECTABLE = {State.SUBMITTED, State.APPRAISING, State.CONSULTING, State.ON_HOLD, State.PUBLIC_NOTICE,
               State.COUNCIL_REVIEW, State.COUNCIL_FAILED, State.AWAITING_DECISION}

COMMANDS = {c.name: c for c in [
    _command("edit", "sửa hồ sơ", _EDITABLE, UNIT),
    _command("attach_document", "đính kèm tài liệu", _EDITABLE, UNIT),
    _command("remove_document", "gỡ tài liệu", _EDITABLE, UNIT),
    _command("record_unit_council", "ghi kết quả bình xét của đơn vị", _EDITABLE, UNIT),
    _command("submit", "trình hồ sơ", _EDITABLE, UNIT),
    _command("return_to_unit", "trả lại đơn vị trực thuộc để bổ sung", {State.AT_PARENT}, PARENT),
    _command("forward_up", "trình tiếp lên cấp trên", {State.AT_PARENT}, PARENT),
    _command("return", "trả lại để bổ sung", {State.SUBMITTED, State.APPRAISING}, APPRAISER),
    _command("accept", "tiếp nhận để thẩm định", {State.SUBMITTED}, APPRAISER),
    _command("request_consultation", "xin ý kiến hiệp y", {State.APPRAISING}, APPRAISER),
    _command("record_consultation", "ghi ý kiến hiệp y", {State.CONSULTING}, APPRAISER),
    _command("finish_consultation", "kết thúc xin ý kiến", {State.CONSULTING}, APPRAISER),
    _command("put_on_hold", "tạm dừng xét", _UNDER_REVIEW, APPRAISER),
    _command("resume", "tiếp tục xét", {State.ON_HOLD}, APPRAISER),
    _command("appraise", "kết luận thẩm định", {State.APPRAISING}, APPRAISER),
    _command("record_notice_comment", "ghi ý kiến góp ý khi công khai", {State.PUBLIC_NOTICE}, APPRAISER),
    _command("close_notice", "kết thúc công khai", {State.PUBLIC_NOTICE}, APPRAISER),
    _command("record_council_result", "ghi kết quả bỏ phiếu của Hội đồng", {State.COUNCIL_REVIEW}, SECRETARY),
    _command("send_for_decision", "trình ký quyết định", {State.COUNCIL_PASSED}, APPRAISER),
    _command("decide", "ghi quyết định khen thưởng", {State.AWAITING_DECISION}, CHAIR, APPRAISER),
    _command("forward", "trình cấp Nhà nước", {State.AWAITING_DECISION}, APPRAISER),
    _command("record_central_decision", "ghi quyết định của cấp Nhà nước", {State.FORWARDED_CENTRAL}, APPRAISER),
    _command("reject", "không khen thưởng", _REJECTABLE | {State.FORWARDED_CENTRAL}, APPRAISER, CHAIR),
    _command("confer", "ghi nhận đã trao tặng", {State.DECIDED, State.CENTRAL_DECIDED}, APPRAISER, UNIT),
    _command("revoke", "hủy quyết định khen thưởng", {State.DECIDED, State.CENTRAL_DECIDED, State.AWARDED},
             CHAIR, APPRAISER),
]}


def allowed_in(state: State) -> list[str]:
    return sorted(name for name, command in COMMANDS.items() if state in command.sources)


# The processing clock (time limits) stands still while the unit or its parent units hold the
# dossier, or it is on hold.
CLOCK_STOPPED = {State.DRAFT, State.UNIT_COUNCIL_DONE, State.RETURNED, State.AT_PARENT, State.ON_HOLD}
FINAL = {State.NOT_AWARDED, State.REVOKED}
# The steps with a time limit (`TimeLimits`): the province's, while its clock runs, and a parent
# unit's review of the dossiers its units sent it (its own limit: the province's clock stands still).
TIMED = {s for s in State if s not in CLOCK_STOPPED and s not in FINAL} | {State.AT_PARENT}
