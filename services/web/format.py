"""How the pages say things: Vietnamese labels, dates dd/mm/yyyy, money `760.000 đ`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

STATES = {
    "draft": "Đang soạn", "unit_council_done": "Đã bình xét tại đơn vị",
    "at_parent": "Đang ở đơn vị cấp trên", "submitted": "Đã trình",
    "returned": "Bị trả lại để bổ sung", "appraising": "Đang thẩm định", "consulting": "Đang xin ý kiến hiệp y",
    "on_hold": "Tạm dừng xét", "public_notice": "Đang công khai", "council_review": "Chờ Hội đồng xét",
    "council_passed": "Hội đồng đã thông qua", "council_failed": "Hội đồng không thông qua",
    "awaiting_decision": "Chờ quyết định", "decided": "Đã có quyết định", "forwarded_central": "Đã trình Trung ương",
    "central_decided": "Trung ương đã quyết định", "not_awarded": "Không khen thưởng", "awarded": "Đã trao tặng",
    "revoked": "Đã hủy khen thưởng",
}
# the steps of a dossier between levels (the `chain` of a dossier)
LEVEL_STEPS = {"submitted": "Gửi lên", "returned": "Trả lại để bổ sung", "forwarded": "Trình tiếp"}
TASK_STATUSES = {"assigned": "Đang thực hiện", "completed": "Đã hoàn thành", "overdue": "Quá hạn"}
ROLES = {
    "unit_clerk": "Cán bộ TĐKT đơn vị", "planner": "Chuyên viên kế hoạch", "appraiser": "Chuyên viên thẩm định",
    "council_member": "Thành viên Hội đồng", "council_secretary": "Thư ký Hội đồng", "chair": "Lãnh đạo quyết định",
    "auditor": "Thanh tra, kiểm tra", "integrator": "Hệ thống tích hợp", "admin": "Quản trị hệ thống",
}
OUTCOMES = {"pass": "Đạt", "fail": "Không đạt", "unknown": "Chưa đủ căn cứ"}
# The nominee's leadership tier and the award's basis, as forms 0602 and 0603 count them (the
# nomination service checks the codes).
TIERS = {"khong": "Không giữ chức vụ lãnh đạo, quản lý", "cap_bo_tinh": "Lãnh đạo cấp bộ, cấp tỉnh và tương đương",
         "cap_vu_so": "Lãnh đạo cấp vụ, sở, ngành và tương đương", "doanh_nhan": "Doanh nhân",
         "tu_pho_phong": "Lãnh đạo khác từ phó phòng trở lên"}
BASES = {"cong_trang": "Thường xuyên (công trạng, thành tích)", "chuyen_de": "Chuyên đề", "dot_xuat": "Đột xuất",
         "doi_ngoai": "Đối ngoại", "cong_hien": "Cống hiến", "nien_han": "Niên hạn", "khang_chien": "Kháng chiến"}
EVENTS = {
    "NominationCreated": "mở hồ sơ", "NominationSubmitted": "đã trình", "NominationReturned": "bị trả lại",
    "NominationAppraised": "đã thẩm định", "NominationPutOnHold": "tạm dừng xét",
    "NominationDisclosed": "đang công khai", "CouncilVoted": "Hội đồng đã bỏ phiếu",
    "AwardDecided": "có quyết định khen thưởng", "NominationRejected": "không được khen thưởng",
    "NominationForwarded": "trình cấp Nhà nước", "AwardConferred": "đã trao tặng", "AwardRevoked": "bị hủy khen thưởng",
    "NominationLate": "quá thời hạn xử lý", "NominationProgressed": "chuyển bước",
    "NominationSentToParent": "gửi đơn vị cấp trên", "NominationReturnedByParent": "bị đơn vị cấp trên trả lại",
    "NominationSentUp": "đơn vị cấp trên trình tiếp",
    "TaskAssigned": "được giao", "TaskReassigned": "được giao lại", "TaskCompleted": "đã hoàn thành",
    "TaskOverdue": "quá hạn", "PlanIssued": "ban hành kế hoạch",
}


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(ZONE).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return _as_date(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def vn_date(value: Any) -> str:
    found = _as_date(value)
    return found.strftime("%d/%m/%Y") if found else "—"


def vn_datetime(value: Any) -> str:
    if isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = value.astimezone(ZONE) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    return "—"


def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".") + " đ"


def number(value: Any) -> str:
    return f"{int(value or 0):,}".replace(",", ".")


def points(value: Any) -> str:
    """Points as written in Vietnamese: 57,5 (no trailing zeros); — when there are none."""
    if value is None or value == "":
        return "—"
    return f"{float(value):g}".replace(".", ",")


def event_line(kind: str, data: dict[str, Any]) -> str:
    """One Vietnamese sentence for a live update."""
    verb = EVENTS.get(kind, kind)
    if data.get("dossier_id"):
        name = (data.get("nominee") or {}).get("name", "")
        return f"Hồ sơ {name} ({data.get('unit_code', '')}): {verb}."
    if data.get("task_id"):
        return f"Nhiệm vụ quý {data.get('quarter')} số {data.get('number')}: {verb}."
    return f"Kế hoạch {data.get('number', '')}: {verb}."


FILTERS = {"vn_date": vn_date, "vn_datetime": vn_datetime, "money": money, "number": number, "points": points,
           "state": lambda s: STATES.get(s, s), "task_status": lambda s: TASK_STATUSES.get(s, s),
           "role": lambda r: ROLES.get(r, r), "outcome": lambda o: OUTCOMES.get(o, o),
           "level_step": lambda s: LEVEL_STEPS.get(s, s), "tier": lambda t: TIERS.get(t, t),
           "basis": lambda b: BASES.get(b, b)}
