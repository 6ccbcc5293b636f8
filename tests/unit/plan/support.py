"""The plan service's Application in memory, with units, a plan and people acting on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from servicekit.auth import Principal, Role
from servicekit.eventstore import memory_env
from services.plan.application import Plans

NOW = datetime(2026, 2, 10, 3, tzinfo=UTC)
PLANNER = Principal(subject="chuyenvien.snv", roles=frozenset({Role.PLANNER}))
AGENCIES = [("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("STP", "Sở Tư pháp"), ("SYT", "Sở Y tế"),
            ("SXD", "Sở Xây dựng"), ("SCT", "Sở Công Thương"), ("SKHCN", "Sở Khoa học và Công nghệ"),
            ("SGDDT", "Sở Giáo dục và Đào tạo"), ("THUE", "Cục Thuế tỉnh"), ("VPUBND", "Văn phòng UBND tỉnh")]


def clerk(unit: str) -> Principal:
    return Principal(subject=f"canbo.{unit.lower()}", unit=unit, roles=frozenset({Role.UNIT_CLERK}))


def new_plans() -> Plans:
    app = Plans(env=memory_env())
    for code, name in AGENCIES:
        app.register_unit(code, name, "co_quan", [], "admin")
    app.register_unit("X.QUANGLAM", "UBND xã Quảng Lâm", "dia_phuong", [], "admin")
    return app


def launching_task(plans: Plans) -> UUID:
    plan_id, _ = plans.issue_plan(number="157/KH-UBND", year=2026, title="Kế hoạch công tác TĐKT năm 2026",
                                  issuer="Ủy ban nhân dân tỉnh Cao Bằng", issued_on=date(2026, 1, 22),
                                  signed_by=None, by="u", now=NOW)
    return plans.add_task(plan_id, quarter=1, title="Chỉ thị phát động phong trào thi đua phát triển kinh tế - xã hội "
                          "năm 2026", lead_units=["SNV"], coordinating_units=["VPUBND"], due_date=None, by="u",
                          now=NOW)
