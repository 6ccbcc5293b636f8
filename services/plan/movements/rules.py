"""The states of a movement and the commands allowed in each, the rules a movement keeps
(`check_*`), and the errors it raises.

Pure domain: the standard library and the plan's own domain.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from services.plan.domainmodel import PlanDomainError


class Kind(StrEnum):
    THUONG_XUYEN = "thuong_xuyen"
    CHUYEN_DE = "chuyen_de"
    DOT_XUAT = "dot_xuat"


class Scope(StrEnum):
    TINH = "tinh"
    NGANH = "nganh"
    CUM_KHOI = "cum_khoi"
    DON_VI = "don_vi"


class Status(StrEnum):
    DRAFTED = "drafted"
    LAUNCHED = "launched"
    REVIEWED = "reviewed"
    CONCLUDED = "concluded"


STATUS_LABELS = {Status.DRAFTED: "dự thảo", Status.LAUNCHED: "đã phát động",
                 Status.REVIEWED: "đã sơ kết", Status.CONCLUDED: "đã tổng kết"}
COMMAND_LABELS = {"link_task": "gắn nhiệm vụ kế hoạch", "launch": "phát động",
                  "open_registration": "mở đăng ký thi đua", "register": "đăng ký thi đua",
                  "review": "sơ kết", "conclude": "tổng kết"}
_RUNNING = {"link_task", "open_registration", "register", "review", "conclude"}
ALLOWED = {Status.DRAFTED: {"link_task", "launch"}, Status.LAUNCHED: _RUNNING,
           Status.REVIEWED: _RUNNING, Status.CONCLUDED: {"link_task"}}
LAUNCHER_LEVELS = ("trung_uong", "tinh", "don_vi")
TASK_PURPOSES = ("phat_dong", "so_ket", "tong_ket", "khen_thuong", "khac")
RECIPIENT_KINDS = ("ca_nhan", "tap_the", "ho_gia_dinh")


def check_allowed(status: Status, command: str) -> None:
    if command not in ALLOWED[status]:
        if status is Status.DRAFTED:
            raise MovementNotLaunchedError(command)
        raise MovementTransitionError(status, command)


def check_name(name: str) -> None:
    if not name.strip() or len(name) > 500:
        raise InvalidMovementError("Tên phong trào không được để trống và không quá 500 ký tự.")


def check_scope(scope: Scope, scope_ref: str | None, launcher_level: str) -> None:
    if scope != Scope.TINH and not (scope_ref or "").strip():
        raise InvalidMovementError("Phạm vi ngành, cụm/khối hoặc đơn vị phải nêu ngành, cụm/khối hoặc đơn vị đó.")
    if launcher_level not in LAUNCHER_LEVELS:
        levels = ", ".join(LAUNCHER_LEVELS)
        raise InvalidMovementError(f"Cấp phát động '{launcher_level}' không hợp lệ; dùng: {levels}.")


def check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidMovementError(f"Ngày kết thúc ({ends_on:%d/%m/%Y}) trước ngày bắt đầu ({starts_on:%d/%m/%Y}).")


def check_criteria(criteria: list[dict[str, Any]]) -> None:
    codes = [c["code"] for c in criteria]
    if len(codes) != len(set(codes)) or any(not str(c["title"]).strip() for c in criteria):
        raise InvalidMovementError("Mỗi tiêu chí phải có mã riêng và nội dung.")


def check_targets(targets: list[dict[str, Any]], codes: set[str]) -> None:
    unknown = sorted({t["criterion_code"] for t in targets if t["criterion_code"] is not None} - codes)
    if unknown:
        raise UnknownCriterionError(unknown)
    if any(not str(t["target"]).strip() for t in targets):
        raise InvalidMovementError("Chỉ tiêu đăng ký không được để trống.")


def check_report(summary: str, on: date, launched_on: date | None) -> None:
    if not summary.strip():
        raise InvalidMovementError("Báo cáo sơ kết, tổng kết phải có nội dung tóm tắt.")
    if launched_on is not None and on < launched_on:
        raise InvalidMovementError(f"Ngày báo cáo ({on:%d/%m/%Y}) trước ngày phát động ({launched_on:%d/%m/%Y}).")


def check_awards(awards: list[dict[str, Any]]) -> None:
    for award in awards:
        if not str(award["award"]).strip() or not str(award["recipient"]).strip():
            raise InvalidMovementError("Mỗi đề nghị khen thưởng phải nêu hình thức khen và người/tập thể được khen.")
        if award["recipient_kind"] not in RECIPIENT_KINDS:
            raise InvalidMovementError(f"Đối tượng khen '{award['recipient_kind']}' không hợp lệ.")


class InvalidMovementError(PlanDomainError):
    """Raised when a movement's fields break a rule (the message says which)."""


class MovementTransitionError(PlanDomainError):
    """Raised when a command is not allowed in the movement's current state."""

    def __init__(self, status: Status, command: str, message: str | None = None) -> None:
        allowed = sorted(ALLOWED[status])
        self.details = {"state": status.value, "command": command, "allowed_commands": allowed}
        names = ", ".join(COMMAND_LABELS[c] for c in allowed)
        super().__init__(message or f"Phong trào đang ở trạng thái '{STATUS_LABELS[status]}': không thể "
                         f"{COMMAND_LABELS[command]}. Lệnh được phép: {names}.")


class MovementNotLaunchedError(MovementTransitionError):
    def __init__(self, command: str) -> None:
        super().__init__(Status.DRAFTED, command,
                         f"Phong trào chưa được phát động: không thể {COMMAND_LABELS[command]}.")


class RegistrationNotOpenError(PlanDomainError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Phong trào '{name}' chưa mở đăng ký thi đua.")


class RegistrationClosedError(PlanDomainError):
    def __init__(self, deadline: date) -> None:
        self.details = {"deadline": deadline.isoformat()}
        super().__init__(f"Đã hết hạn đăng ký thi đua (hạn cuối {deadline:%d/%m/%Y}): không thể đăng ký.")


class UnknownCriterionError(PlanDomainError):
    def __init__(self, codes: list[str]) -> None:
        self.details = {"unknown_criteria": codes}
        super().__init__(f"Tiêu chí không có trong phong trào: {', '.join(codes)}.")
