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
    "at_parent": "đang ở đơn vị cấp trên xem xét",
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

# Forms of award (`award_category`) and levels (`award_level`) as the catalogue codes them.
CATEGORIES = {
    "huan_chuong": "Huân chương",
    "huy_chuong": "Huy chương",
    "danh_hieu_vinh_du": "Danh hiệu vinh dự Nhà nước",
    "giai_thuong": "Giải thưởng",
    "danh_hieu_thi_dua": "Danh hiệu thi đua",
    "co_thi_dua": "Cờ thi đua",
    "bang_khen": "Bằng khen",
    "giay_khen": "Giấy khen",
    "ky_niem_chuong": "Kỷ niệm chương",
}
LEVELS = {"nha_nuoc": "cấp Nhà nước", "chinh_phu": "cấp Chính phủ", "bo_nganh": "cấp bộ, ngành",
          "tinh": "cấp tỉnh", "co_so": "cấp cơ sở"}
DECIDING_LEVELS = {False: "Tỉnh quyết định", True: "Cấp Nhà nước quyết định (tỉnh trình)"}
TASK_OUTCOMES = {"on_time": "hoàn thành đúng hạn", "late": "hoàn thành chậm", "overdue": "quá hạn chưa hoàn thành",
                 "open": "đang thực hiện"}
QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
MOVEMENT_KINDS = {"thuong_xuyen": "thường xuyên", "chuyen_de": "chuyên đề", "dot_xuat": "đột xuất"}
SCOPES = {"tinh": "toàn tỉnh", "nganh": "ngành, lĩnh vực", "cum_khoi": "cụm, khối thi đua", "don_vi": "cơ quan, đơn vị"}
LAUNCHERS = {"trung_uong": "Trung ương phát động", "tinh": "tỉnh phát động", "don_vi": "đơn vị phát động"}
CLUSTER_FACTS = {
    "self_assessed": "Lượt thành viên tự chấm điểm theo giao ước",
    "scored": "Lượt thành viên được cụm, khối chấm điểm, xếp hạng",
    "leader_elected": "Đơn vị dẫn đầu được bình bầu (đề nghị Cờ thi đua của UBND tỉnh)",
    "vote_inconclusive": "Vòng bỏ phiếu không có đơn vị đủ số phiếu",
    "government_flag": "Đơn vị được đề nghị Cờ thi đua của Chính phủ",
    "own_result": "Kết quả của tỉnh trong cụm thi đua liên tỉnh",
}
CLUSTER_KINDS = {"cum": "cụm thi đua", "khoi": "khối thi đua"}
STAGES = {"phat_hien": "phát hiện", "boi_duong": "bồi dưỡng", "tong_ket": "tổng kết", "nhan_rong": "nhân rộng"}
NO_MOVEMENT = "khong"
