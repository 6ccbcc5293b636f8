"""Where a dossier is, in the reporting read model: a school's dossiers at Sở Giáo dục và Đào
tạo (its parent unit), one returned to the school, one sent up to Sở Nội vụ; the contract events
on the bus, the reporting service consuming them."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from contracts import IntegrationEvent
from contracts import nomination as c
from tests.integration.nomination_events import Dossier, publish
from tests.integration.test_reporting_dossiers import READER, get, reporting
from tests.support import Namespace, eventually, serve

pytestmark = pytest.mark.integration
SCHOOL, DEPARTMENT, PROVINCE = "THPT.CAOBINH", "SGDDT", "tinh"
SUBMISSION = uuid4()


def moved(dossier: Dossier, name: str, state: str, **fields: Any) -> IntegrationEvent:
    """The dossier's next event of a kind the frozen fixtures do not hold yet: the common fields
    of its next NominationSubmitted, with the event's own."""
    common = dossier.event("NominationSubmitted", state).model_dump(mode="json")
    event: IntegrationEvent = getattr(c, name).model_validate({**common, **fields})
    return event


def sent_to_parent(dossier: Dossier, times: int = 1) -> IntegrationEvent:
    return moved(dossier, "NominationSentToParent", "at_parent", level=DEPARTMENT, route=[DEPARTMENT],
                 times_submitted=times)


def sent_up(dossier: Dossier) -> IntegrationEvent:
    chain = [{"step": "submitted", "from_level": SCHOOL, "to_level": DEPARTMENT},
             {"step": "forwarded", "from_level": DEPARTMENT, "to_level": PROVINCE,
              "submission_number": "45/TTr-SGDĐT"}]
    return moved(dossier, "NominationSentUp", "at_parent", from_level=DEPARTMENT, level=PROVINCE,
                 submission_id=str(SUBMISSION), submission_number="45/TTr-SGDĐT",
                 submission_title="Đề nghị Bằng khen năm học 2024-2025", chain=chain)


async def test_the_dossiers_list_says_and_filters_where_each_dossier_is(ns: Namespace) -> None:
    held = Dossier(SCHOOL, "BKT", "Lục Thị Mai")  # at the department
    returned = Dossier(SCHOOL, "BKT", "Nông Thị Hoa")  # back at the school
    up = Dossier(SCHOOL, "BKT", "Hoàng Văn Tùng")  # sent up, submitted to the province
    draft = Dossier(SCHOOL, "BKT", "Bế Thị Thu")  # still at the school, never sent
    direct = Dossier(DEPARTMENT, "BKT", "Ma Văn Khánh")  # the department's own, straight to the province
    events = [
        held.event("NominationCreated", "draft"), sent_to_parent(held),
        returned.event("NominationCreated", "draft"), sent_to_parent(returned),
        moved(returned, "NominationReturnedByParent", "returned", returned_by=DEPARTMENT,
              reasons=["Bổ sung xác nhận sáng kiến cấp trường"], times_returned=1),
        up.event("NominationCreated", "draft"), sent_to_parent(up), sent_up(up),
        up.event("NominationSubmitted", "submitted"),
        draft.event("NominationCreated", "draft"),
        direct.event("NominationCreated", "draft"), direct.event("NominationSubmitted", "submitted"),
    ]
    async with serve(reporting(ns)) as reports:
        await publish(ns, events)

        async def settled() -> list[dict[str, Any]]:
            rows = await get(reports, "/reports/dossiers", year=2025)
            assert {r["nominee"]["name"]: r["version"] for r in rows} == {
                "Lục Thị Mai": 2, "Nông Thị Hoa": 3, "Hoàng Văn Tùng": 4, "Bế Thị Thu": 1, "Ma Văn Khánh": 2}
            return rows

        rows = {r["nominee"]["name"]: r for r in await eventually(settled)}
        assert {name: (r["state"], r["at_level"]) for name, r in rows.items()} == {
            "Lục Thị Mai": ("at_parent", DEPARTMENT), "Nông Thị Hoa": ("returned", SCHOOL),
            "Hoàng Văn Tùng": ("submitted", PROVINCE), "Bế Thị Thu": ("draft", SCHOOL),
            "Ma Văn Khánh": ("submitted", PROVINCE)}
        assert rows["Nông Thị Hoa"]["times_returned"] == 1

        async def names(**params: Any) -> list[str]:
            return sorted(r["nominee"]["name"] for r in await get(reports, "/reports/dossiers", **params))

        assert await names(at_level=DEPARTMENT) == ["Lục Thị Mai"]
        assert await names(at_level=SCHOOL) == ["Bế Thị Thu", "Nông Thị Hoa"]
        assert await names(at_level=PROVINCE) == ["Hoàng Văn Tùng", "Ma Văn Khánh"]
        assert await names(at_level=PROVINCE, unit=SCHOOL) == ["Hoàng Văn Tùng"]
        # `level` stays the award's level (tỉnh, Nhà nước), as the period reports link it
        assert await names(level="nha_nuoc") == []
        too_long = await reports.get("/reports/dossiers", params={"at_level": "X" * 65}, headers=READER)
        assert too_long.status_code == 422 and "at_level" in too_long.text

        # an older event re-sent (the school's first sending to the department) leaves the dossier
        # where it is now; the marker after it shows the consumer has passed it
        stale = Dossier(SCHOOL, "BKT", "Hoàng Văn Tùng", dossier_id=up.dossier_id, version=1)
        marker = Dossier(DEPARTMENT, "BKT", "Triệu Thị Ánh")
        await publish(ns, [sent_to_parent(stale), marker.event("NominationCreated", "draft")], prefix="again")

        async def marker_seen() -> None:
            assert await names(at_level=DEPARTMENT) == ["Lục Thị Mai", "Triệu Thị Ánh"]

        await eventually(marker_seen)
        assert await names(at_level=PROVINCE) == ["Hoàng Văn Tùng", "Ma Văn Khánh"]
