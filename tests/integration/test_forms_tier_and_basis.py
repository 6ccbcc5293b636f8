"""Forms 0602 and 0603 count individuals by leadership tier and awards by basis (rows 10–13 and
15–21 of 0602, 06–09 and 11–17 of 0603): dossiers opened through the real nomination service with
tiers and bases, driven to the decision, and state-level awards put on the bus as the nomination
service publishes them; the forms' rows equal counts made here from the AwardDecided v3 bodies on
the bus. Awards published before version 3 (versions 1 and 2 only) count in the form's totals and
in no tier or basis row. A code outside the closed sets is refused with a Vietnamese 422."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contracts import IntegrationEvent
from contracts import nomination as c
from services.reporting.forms import layout
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import Dossier, publish
from tests.integration.test_nomination_dossiers import CLERK
from tests.integration.test_priority_groups import SYT_CLERK, decided, nomination
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
FIRST, LAST = date(2025, 12, 1), date(2026, 11, 30)  # the TĐKT statistical year 2026
# Who is proposed (tier given as a code or as its label), on which basis (None: the award's own),
# decided on which day.
NOMINEES: list[tuple[dict[str, str], str, dict[str, Any], str | None, str]] = [
    (CLERK, "ca_nhan", {"name": "Hà Văn Khánh", "leadership_tier": "cap_bo_tinh",
                        "leadership_title": "Phó Chủ tịch UBND tỉnh"}, "cong_trang", "2026-01-12"),
    (CLERK, "ca_nhan", {"name": "Nông Văn Lực", "leadership_tier": "Lãnh đạo cấp vụ, sở, ngành và tương đương",
                        "leadership_title": "Giám đốc Sở"}, "dot_xuat", "2026-02-10"),
    (CLERK, "ca_nhan", {"name": "Triệu Thị Dung", "leadership_tier": "doanh_nhan",
                        "leadership_title": "Giám đốc Công ty"}, None, "2026-03-05"),
    (SYT_CLERK, "ca_nhan", {"name": "Lãnh Văn Tài", "leadership_tier": "tu_pho_phong",
                            "leadership_title": "Phó Trưởng phòng"}, "doi_ngoai", "2026-03-20"),
    (SYT_CLERK, "ca_nhan", {"name": "Hoàng Thị Mai", "leadership": False}, "cong_hien", "2026-04-15"),
    (SYT_CLERK, "ca_nhan", {"name": "Đàm Văn Tú"}, "nien_han", "2026-05-04"),  # no tier declared
    (CLERK, "ca_nhan", {"name": "Bế Văn Đàn", "leadership_tier": "cap_vu_so", "leadership_title": "Phó Giám đốc Sở"},
     "khang_chien", "2026-05-20"),
    (SYT_CLERK, "tap_the", {"name": "Khoa Nhi, Bệnh viện đa khoa tỉnh"}, "chuyen_de", "2026-06-02"),
]
TIER_ROWS = {"0602": dict(zip(("10", "11", "12", "13"), ("cap_bo_tinh", "cap_vu_so", "doanh_nhan", "tu_pho_phong"),
                              strict=True)),
             "0603": dict(zip(("06", "07", "08", "09"), ("cap_bo_tinh", "cap_vu_so", "doanh_nhan", "tu_pho_phong"),
                              strict=True))}
BASES = ("cong_trang", "chuyen_de", "dot_xuat", "doi_ngoai", "cong_hien", "nien_han", "khang_chien")
BASIS_ROWS = {"0602": {f"{n}": b for n, b in zip(range(15, 22), BASES, strict=True)},
              "0603": {f"{n}": b for n, b in zip(range(11, 18), BASES, strict=True)}}


def state_level() -> list[IntegrationEvent]:
    """Bằng khen của Thủ tướng decided at the central level, published as the nomination service
    does: versions 1, 2 and 3 of AwardDecided (two of them), or versions 1 and 2 only (one, decided
    before version 3 was published)."""
    events: list[IntegrationEvent] = []
    for n, (tier, basis, latest) in enumerate([("cap_vu_so", "cong_trang", 3), (None, "dot_xuat", 3),
                                               ("cap_bo_tinh", "cong_trang", 2)], start=1):
        dossier = Dossier("SNV", "BKTTG", f"Cán bộ số {n}", kind="ca_nhan", year=2025)
        events += dossier.to_council()
        v1 = dossier.decided(award_name="Bằng khen của Thủ tướng Chính phủ", award_category="bang_khen",
                             award_level="chinh_phu", central=True, decided_on=f"2026-0{n + 2}-1{n}",
                             decision_number=f"{100 + n}/QĐ-TTg", signed_by="Thủ tướng Chính phủ")
        groups = {"gender": "nam", "leadership": tier is not None or None,
                  "leadership_title": "Giám đốc" if tier else None}
        v2 = c.AwardDecidedV2.model_validate({**v1.model_dump(), "version": 2, "event_id": uuid4(),
                                              "nominee_groups": groups})
        events += [v1, v2]
        if latest == 3:
            events.append(c.AwardDecidedV3.model_validate({
                **v2.model_dump(), "version": 3, "event_id": uuid4(), "basis": basis,
                "nominee_groups": {**groups, "leadership_tier": tier}}))
    return events


def expected(form: str, v3: list[dict[str, Any]]) -> dict[str, int]:
    """Column 1 of each tier and basis row of `form`, counted from the AwardDecided v3 bodies."""
    spec = layout.form(form)
    levels = spec.where["level"] if isinstance(spec.where["level"], list) else [spec.where["level"]]
    inside = [e for e in v3 if e["award_level"] in levels and e["central"] == spec.where.get("central", e["central"])
              and FIRST <= date.fromisoformat(e["decided_on"]) <= LAST]
    person = [e for e in inside if e["nominee"]["kind"] == "ca_nhan"]
    return {**{row: sum(e["nominee_groups"]["leadership_tier"] == tier for e in person)
               for row, tier in TIER_ROWS[form].items()},
            **{row: sum(e["basis"] == basis for e in inside) for row, basis in BASIS_ROWS[form].items()}}


async def test_the_tier_and_basis_rows_equal_counts_from_the_events(ns: Namespace, tmp_path) -> None:
    async with serve(nomination(ns, tmp_path, datetime(2026, 6, 10, 2, tzinfo=UTC))) as client, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        await refused_in_vietnamese(client)
        ids = [await decided(client, clerk, kind, nominee, day, n, basis=basis)
               for n, (clerk, kind, nominee, basis, day) in enumerate(NOMINEES, start=201)]
        old = Dossier("SGDDT", "BKT", "Lục Thị Thu", kind="ca_nhan", year=2025)  # decided before version 3
        before_v3 = [*old.to_council(), old.decided(decided_on="2026-02-20", decision_number="77/QĐ-UBND")]
        await publish(ns, [*before_v3, *state_level()])

        async def on_the_bus() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
            v3 = [json.loads(m.data) for m in await read_stream(ns, f"{ns.subject_root}.nomination.AwardDecided.v3")]
            v1 = [json.loads(m.data) for m in await read_stream(ns, f"{ns.subject_root}.nomination.AwardDecided.v1")]
            assert len(v3) == len(NOMINEES) + 2 and len(v1) == len(NOMINEES) + 4  # v1 still published beside
            return v1, v3, len(await read_stream(ns))

        v1, v3, stream_last = await eventually(on_the_bus, timeout=30)
        assert set(ids) <= {e["dossier_id"] for e in v3}
        by_id = {e["dossier_id"]: e for e in v3}
        assert [by_id[i]["basis"] for i in ids] == [b or "cong_trang" for _, _, _, b, _ in NOMINEES]  # BKT: many bases
        assert by_id[ids[1]]["nominee_groups"]["leadership_tier"] == "cap_vu_so"  # the label read as its code
        assert by_id[ids[4]]["nominee_groups"]["leadership_tier"] == "khong"  # "no position" is the tier "khong"

        async def settled() -> None:
            body = (await reports.get("/reports/period", params={"period": "2026"}, headers=READER)).json()
            assert body["position"]["complete_through"] >= stream_last

        await eventually(settled, timeout=60)
        for form in ("0602", "0603"):
            response = await reports.get(f"/reports/forms/{form}", params={"year": 2026}, headers=READER)
            assert response.status_code == 200, response.text
            rows = {r["code"]: r for r in response.json()["rows"]}
            want = expected(form, v3)
            assert {row: rows[row]["values"][0] for row in want} == want, form
            column = 1 if form == "0603" else 6  # every award here is a Bằng khen: 0603 column 2, 0602 column 7
            assert all(rows[row]["values"][0] == rows[row]["values"][column] for row in want), form
            counted_by_basis = sum(rows[row]["values"][0] for row in BASIS_ROWS[form])
            # the award published before version 3 counts in the total, in no basis row
            assert rows["01"]["values"][0] == counted_by_basis + 1, form
            assert rows["06" if form == "0603" else "10"]["label"].startswith("Trong đó: Lãnh đạo cấp bộ, cấp tỉnh")
        f0602, f0603 = expected("0602", v3), expected("0603", v3)  # what was sent, row by row
        assert f0602 == {"10": 0, "11": 1, "12": 0, "13": 0, "15": 1, "16": 0, "17": 1, "18": 0, "19": 0, "20": 0,
                         "21": 0}  # the two state-level awards of version 3
        assert [f0603[r] for r in ("06", "07", "08", "09")] == [1, 2, 1, 1]
        assert [f0603[r] for r in BASIS_ROWS["0603"]] == [2, 1, 1, 1, 1, 1, 1]
        assert len(v1) == len(NOMINEES) + 4


async def refused_in_vietnamese(client: httpx.AsyncClient) -> None:
    person = {"name": "Ma Văn Khải", "date_of_birth": "1980-01-01"}
    tier = await client.post("/dossiers", headers=CLERK, json={
        "award_code": "BKT", "year": 2026, "nominee": {**person, "leadership_tier": "giam_doc"}})
    assert tier.status_code == 422, tier.text
    assert "Cấp lãnh đạo 'giam_doc' không hợp lệ; dùng một trong: khong (Không giữ chức vụ lãnh đạo, quản lý)" in \
        tier.json()["error"]["message"]
    basis = await client.post("/dossiers", headers=CLERK, json={
        "award_code": "BKT", "year": 2026, "basis": "thuong_xuyen_nam", "nominee": person})
    assert basis.status_code == 422, basis.text
    assert basis.json()["error"]["message"].startswith("Loại hình khen thưởng 'thuong_xuyen_nam' không hợp lệ")
    assert "khang_chien (kháng chiến)" in basis.json()["error"]["message"]
    mismatch = await client.post("/dossiers", headers=CLERK, json={
        "award_code": "BKT", "year": 2026, "nominee": {**person, "leadership": False, "leadership_tier": "cap_vu_so"}})
    assert mismatch.status_code == 422 and "không khớp" in mismatch.json()["error"]["message"]
