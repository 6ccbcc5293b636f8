"""Vietnamese labels of what the dossier reports show: the states of a dossier (in the order
of the workflow, domain.md §3) and the kinds of subject of an award.

The nomination service publishes states as codes (`contracts.nomination`, field `state`); these
labels are the reporting service's own copy, so a state added there shows here by its code
until it is labelled.
"""

from __future__ import annotations

STATES = {
    "draft": "đang soạn hồ sơ",
    "unit_council_done": "đã bình xét tại đơn vị",
    "submitted": "đã trình",
    "returned": "trả lại để bổ sung",
    "appraising": "đang thẩm định",
    "consulting": "đang xin ý kiến hiệp y",
    "on_hold": "tạm dừng xét",
    "public_notice": "đang công khai",
    "council_review": "trình Hội đồng TĐKT tỉnh",
    "council_passed": "Hội đồng đã thông qua",
    "council_failed": "Hội đồng không thông qua",
    "awaiting_decision": "đang trình ký quyết định",
    "decided": "đã có quyết định khen thưởng",
    "forwarded_central": "đã trình cấp Nhà nước",
    "central_decided": "cấp Nhà nước đã quyết định",
    "not_awarded": "không khen thưởng",
    "awarded": "đã trao tặng",
    "revoked": "đã hủy quyết định khen thưởng",
}

SUBJECTS = {
    "ca_nhan": "cá nhân",
    "tap_the": "tập thể",
    "ho_gia_dinh": "hộ gia đình",
    "doanh_nghiep": "doanh nghiệp",
}


def state_label(state: str | None) -> str | None:
    return None if state is None else STATES.get(state, state)
