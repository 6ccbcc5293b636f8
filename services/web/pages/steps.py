"""The steps of a dossier as forms: which role sees which step, its fields, and the body the
nomination service takes. The service decides; the page offers what the state and role allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.web.sessions import Person

HOLD_GROUNDS = (("discipline", "Đang xem xét kỷ luật"), ("investigation", "Đang bị điều tra, thanh tra, kiểm tra"),
                ("complaint", "Đang có khiếu nại, tố cáo"))
REVOKE_GROUNDS = (("a", "a) Khai man thành tích"), ("b", "b) Cung cấp thông tin sai, làm giả hồ sơ"),
                  ("c", "c) Đề nghị khen thưởng trái pháp luật"), ("d", "d) Có kết luận vi phạm làm mất tiêu chuẩn"))
AUTHORITIES = (("Chủ tịch nước", "Chủ tịch nước"), ("Thủ tướng Chính phủ", "Thủ tướng Chính phủ"))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, number, lines, area, select, yesno
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class Step:
    command: str
    label: str
    roles: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    danger: bool = False
    by_holder: bool = False  # taken by the parent unit holding the dossier, not by the dossier's own unit


_SPEC: list[tuple[Any, ...]] = [
    ("record_unit_council", "Ghi kết quả bình xét của đơn vị", ("unit_clerk",), (
        Field("meeting_on", "Ngày họp", "date"), Field("present", "Số thành viên có mặt", "number"),
        Field("agreed", "Số thành viên đồng ý", "number"),
        Field("attestations", "Hội đồng đơn vị xác nhận người được đề nghị gương mẫu chấp hành chủ trương, chính sách",
              "check", (("guong_mau_chap_hanh", ""),), required=False))),
    ("submit", "Trình hồ sơ", ("unit_clerk",)),
    ("return_to_unit", "Trả lại đơn vị để bổ sung", ("unit_clerk",), (
        Field("reasons", "Lý do trả lại (mỗi dòng một lý do)", "lines"),), True, True),
    ("accept", "Tiếp nhận để thẩm định", ("appraiser",)),
    ("return", "Trả lại để bổ sung", ("appraiser",), (
        Field("reasons", "Lý do (mỗi dòng một lý do)", "lines"),), True),
    ("request_consultation", "Xin ý kiến hiệp y", ("appraiser",), (
        Field("agencies", "Cơ quan được xin ý kiến (mỗi dòng một cơ quan)", "lines"),)),
    ("record_consultation", "Ghi ý kiến hiệp y", ("appraiser",), (
        Field("agency", "Cơ quan"), Field("agrees", "Đồng ý", "yesno"),
        Field("opinion", "Ý kiến", "area", required=False))),
    ("finish_consultation", "Kết thúc xin ý kiến", ("appraiser",)),
    ("put_on_hold", "Tạm dừng xét", ("appraiser",), (
        Field("ground", "Căn cứ", "select", HOLD_GROUNDS), Field("note", "Ghi chú", "area", required=False)), True),
    ("resume", "Tiếp tục xét", ("appraiser",)),
    ("appraise", "Kết luận thẩm định", ("appraiser",), (
        Field("confirmed_unknown", "Xác nhận của chuyên viên về các điều kiện chưa đủ căn cứ", "area",
              required=False, hint="Ví dụ: Đã đối chiếu hồ sơ gốc; không có kỷ luật, khiếu nại."),)),
    ("record_notice_comment", "Ghi ý kiến nhận được khi công khai", ("appraiser",), (
        Field("author", "Người góp ý", required=False), Field("content", "Nội dung", "area"))),
    ("close_notice", "Kết thúc công khai, trình Hội đồng", ("appraiser",)),
    ("send_for_decision", "Trình ký quyết định", ("appraiser",)),
    ("decide", "Ghi quyết định khen thưởng", ("chair", "appraiser"), (
        Field("number", "Số quyết định", hint="Ví dụ: 163/QĐ-UBND"), Field("decided_on", "Ngày quyết định", "date"),
        Field("signed_by", "Người ký", required=False))),
    ("forward", "Trình cấp Nhà nước", ("chair", "appraiser"), (
        Field("submission_number", "Số tờ trình", hint="Ví dụ: 45/TTr-UBND"),
        Field("forwarded_on", "Ngày trình", "date"))),
    ("record_central_decision", "Ghi quyết định của cấp Nhà nước", ("appraiser",), (
        Field("number", "Số quyết định", hint="Ví dụ: 1234/QĐ-TTg"), Field("decided_on", "Ngày quyết định", "date"),
        Field("authority", "Cấp quyết định", "select", AUTHORITIES))),
    ("reject", "Không khen thưởng", ("appraiser", "chair"), (Field("reason", "Lý do", "area"),), True),
    ("confer", "Ghi nhận đã trao tặng", ("appraiser", "unit_clerk"), (
        Field("conferred_on", "Ngày trao", "date"), Field("received_by", "Người nhận thay", required=False),
        Field("cash_paid", "Tiền thưởng đã chi (đồng)", "number", required=False))),
    ("revoke", "Hủy quyết định khen thưởng", ("chair", "appraiser"), (
        Field("ground", "Căn cứ", "select", REVOKE_GROUNDS), Field("number", "Số quyết định hủy"),
        Field("revoked_on", "Ngày hủy", "date"), Field("note", "Ghi chú", "area", required=False)), True),
]
STEPS = [Step(*spec) for spec in _SPEC]
BY_COMMAND = {step.command: step for step in STEPS}


def actions_for(person: Person, dossier: dict[str, Any]) -> list[Step]:
    """The steps the dossier's state allows that this person's roles may take: a unit clerk takes
    the unit's own steps on its own dossiers, and a parent unit's clerk those of the dossiers it holds."""
    allowed = set(dossier.get("allowed_commands", []))

    def clerk_may(step: Step) -> bool:
        return person.unit == dossier.get("level" if step.by_holder else "unit_code")

    return [s for s in STEPS if s.command in allowed and person.has(*s.roles)
            and ("unit_clerk" not in s.roles or person.has(*(r for r in s.roles if r != "unit_clerk"))
                 or clerk_may(s))]


def body_of(step: Step, form: dict[str, str]) -> dict[str, Any] | None:
    if not step.fields:
        return None
    body: dict[str, Any] = {}
    for field in step.fields:
        raw = form.get(field.name, "").strip()
        if field.kind == "lines":
            body[field.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif field.kind == "yesno":
            body[field.name] = raw == "yes"
        elif field.kind == "check":
            body[field.name] = [field.options[0][0]] if raw else []
        elif field.kind == "number":
            body[field.name] = int(raw) if raw.lstrip("-").isdigit() else (raw or None)
        elif raw or field.required:
            body[field.name] = raw
    return body

