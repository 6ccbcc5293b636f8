"""The rules a cluster keeps (`check_*`), the ranking, and the errors it raises.

Pure domain: the standard library and the plan's own domain.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from services.plan.domainmodel import PlanDomainError

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")
MAX_POINTS = Decimal(1000)


def check_formation(code: str, name: str, members: list[str], leader: str, deputy: str | None,
                    own_member: str | None, inter_provincial: bool) -> None:
    if not _CODE.match(code):
        raise InvalidClusterError(f"Mã cụm, khối '{code}' không hợp lệ: chữ in hoa, số, '_', '.', '-', "
                                  "tối đa 32 ký tự.")
    if not name.strip() or len(name) > 300:
        raise InvalidClusterError("Tên cụm, khối phải có từ 1 đến 300 ký tự.")
    if len(members) < 2 or len(members) != len(set(members)):
        raise InvalidClusterError("Cụm, khối phải có ít nhất hai thành viên, không lặp.")
    if leader not in members or (deputy is not None and (deputy not in members or deputy == leader)):
        raise InvalidClusterError("Cụm trưởng và cụm phó phải là hai thành viên khác nhau của cụm, khối.")
    if inter_provincial != (own_member is not None) or (own_member is not None and own_member not in members):
        raise InvalidClusterError("Cụm liên tỉnh phải nêu thành viên là tỉnh mình (và chỉ cụm liên tỉnh).")


def check_within_year(day: date, year: int, *, allow_next: bool = False) -> None:
    if not year <= day.year <= year + int(allow_next):
        raise InvalidClusterError(f"Ngày {day:%d/%m/%Y} không thuộc năm thi đua {year}.")


def check_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidClusterError("Phải nêu lý do hoặc căn cứ.")


def check_criteria(criteria: list[dict[str, Any]]) -> None:
    codes = [c["code"] for c in criteria]
    if not criteria or len(codes) != len(set(codes)) or any(not str(c["title"]).strip() for c in criteria):
        raise InvalidClusterError("Giao ước phải có ít nhất một tiêu chí, mỗi tiêu chí một mã riêng và nội dung.")
    for criterion in criteria:
        if not Decimal(0) < Decimal(criterion["max_points"]) <= MAX_POINTS:
            raise InvalidClusterError(f"Điểm tối đa của tiêu chí {criterion['code']} phải lớn hơn 0 và "
                                      f"không quá {MAX_POINTS}.")


def check_points(points: dict[str, Decimal], criteria: list[dict[str, Any]]) -> None:
    """Every criterion of the covenant gets points, from 0 up to its maximum."""
    maxima = {c["code"]: Decimal(c["max_points"]) for c in criteria}
    unknown = sorted(set(points) - set(maxima))
    if not maxima or unknown:
        raise UnknownCriterionError(unknown or sorted(points))
    missing = sorted(set(maxima) - set(points))
    if missing:
        raise InvalidClusterError(f"Thiếu điểm các tiêu chí: {', '.join(missing)}.")
    for code, value in points.items():
        if value < 0:
            raise InvalidClusterError(f"Điểm tiêu chí {code} không được âm.")
        if value > maxima[code]:
            raise PointsAboveMaximumError(code, value, maxima[code])


def check_total(total: Decimal, criteria: list[dict[str, Any]]) -> None:
    maximum = sum((Decimal(c["max_points"]) for c in criteria), Decimal(0))
    if criteria and total > maximum:
        raise PointsAboveMaximumError("tổng", total, maximum)


def ranking(totals: dict[str, Decimal]) -> list[dict[str, Any]]:
    """Competition ranking (1, 2, 2, 4): equal totals share a rank; ties listed by code."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    results: list[dict[str, Any]] = []
    for position, (code, total) in enumerate(ordered, start=1):
        rank = results[-1]["rank"] if results and results[-1]["total"] == total else position
        results.append({"code": code, "total": total, "rank": rank})
    return results


class ClusterError(PlanDomainError):
    """Base of the rules a cluster or block keeps."""


class InvalidClusterError(ClusterError):
    """Raised when a cluster's fields break a rule (the message says which)."""


class ClusterStepError(ClusterError):
    """Raised when a step is not possible at this point of the cluster's year."""


class NotAMemberError(ClusterError):
    def __init__(self, code: str, cluster: str) -> None:
        self.details = {"unit": code}
        super().__init__(f"Đơn vị {code} không phải thành viên của {cluster}.")


class CandidateNotInClusterError(ClusterError):
    def __init__(self, code: str, cluster: str) -> None:
        self.details = {"candidate": code}
        super().__init__(f"Không thể bầu đơn vị {code}: đơn vị này không thuộc {cluster}.")


class AlreadyVotedError(ClusterError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} đã bỏ phiếu trong vòng này; mỗi đơn vị thành viên chỉ có một phiếu.")


class QuorumNotReachedError(ClusterError):
    def __init__(self, ballots: int, needed: int, voters: int) -> None:
        self.details = {"ballots": ballots, "quorum_ballots": needed, "voters": voters}
        super().__init__(f"Chưa đủ số đơn vị bỏ phiếu: {ballots}/{voters} đơn vị, cần ít nhất {needed}. "
                         "Chưa thể kết thúc bỏ phiếu.")


class CovenantMismatchError(ClusterError):
    def __init__(self) -> None:
        super().__init__("Giao ước đã ký với bộ tiêu chí khác: thành viên ký sau phải ký đúng giao ước đã có.")


class UnknownCriterionError(ClusterError):
    def __init__(self, codes: list[str]) -> None:
        self.details = {"unknown_criteria": codes}
        super().__init__(f"Tiêu chí không có trong giao ước: {', '.join(codes) or '(chưa có giao ước)'}.")


class PointsAboveMaximumError(ClusterError):
    def __init__(self, code: str, value: Decimal, maximum: Decimal) -> None:
        self.details = {"criterion": code, "points": str(value), "max_points": str(maximum)}
        super().__init__(f"Điểm tiêu chí {code} ({value}) vượt quá điểm tối đa {maximum}.")
