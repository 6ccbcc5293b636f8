"""The priority groups of the Law from the unit's form to the period report: dossiers opened
through the real nomination service for nominees of different groups, decided in two quarters;
the reporting service's figures equal counts made here from the AwardDecided v2 events on the
bus, and each figure's list names the same dossiers. A public comment on a dossier under notice
reaches its unit's inbox and contact address (a real SMTP server process), and no other unit's."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import httpx
import openpyxl
import pytest

from services.nomination.main import create_app as nomination_app
from services.nomination.settings import NominationSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.test_nomination_dossiers import APPRAISER, CHAIR, CLERK, PDF, opened, to_appraisal
from tests.integration.test_notification_email import mail_app, received, smtp, text  # noqa: F401 (fixture)
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
SYT_CLERK = auth("unit_clerk", unit="SYT", subject="canbo.syt")
READER = auth("auditor")
CONFIRM = {"confirmed_unknown": "Đã đối chiếu hồ sơ gốc; không có kỷ luật, khiếu nại",
           "dossier_facts": {"bk_tieu_chi_b": True}}
GROUPS = ["khong_lanh_dao", "truc_tiep_lao_dong", "nu", "dan_toc_thieu_so", "vung_kho_khan"]
# Who is proposed, by whom, and the day of the decision (Q1 or Q2 of 2026).
NOMINEES: list[tuple[dict[str, str], str, dict[str, Any], str]] = [
    (CLERK, "ca_nhan", {"name": "Hoàng Thị Lìu", "gender": "nu", "ethnicity": "Tày", "leadership": False,
                        "direct_labourer": True, "hard_to_reach": True}, "2026-02-10"),
    (CLERK, "ca_nhan", {"name": "Nguyễn Văn Bình", "gender": "nam", "ethnicity": "Kinh",
                        "leadership_title": "Hiệu trưởng", "hard_to_reach": False}, "2026-03-05"),
    (CLERK, "ca_nhan", {"name": "Đàm Thị Thu", "gender": "nu"}, "2026-03-20"),  # nothing else declared
    (SYT_CLERK, "ca_nhan", {"name": "Vừ Mí Sính", "gender": "nam", "ethnicity": "H'Mông", "leadership": False,
                            "direct_labourer": True, "hard_to_reach": True}, "2026-04-15"),
    (SYT_CLERK, "ca_nhan", {"name": "Lương Thị Hằng", "gender": "nu", "ethnicity": "Nùng", "ethnic_minority": True,
                            "leadership": False, "direct_labourer": False}, "2026-05-20"),
    (SYT_CLERK, "tap_the", {"name": "Trạm Y tế xã Lũng Pù", "hard_to_reach": True}, "2026-06-02"),
]


def nomination(ns: Namespace, tmp_path, now: datetime) -> Any:
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents")
    return nomination_app(settings, clock=lambda: now)


async def decided(client: httpx.AsyncClient, clerk: dict[str, str], kind: str, nominee: dict[str, Any],
                  decided_on: str, number: int, basis: str | None = "dot_xuat") -> str:
    """A simplified-procedure Bằng khen (đột xuất, or `basis`; None: the award's own) from the
    unit's form to the decision."""
    if kind == "ca_nhan":
        nominee = {"date_of_birth": f"19{70 + number % 30}-05-0{number % 9 + 1}", **nominee}
    created = await client.post("/dossiers", headers=clerk, json={
        "award_code": "BKT", "year": 2026, "simplified": True, "nominee_kind": kind, "nominee": nominee,
        "summary": "Có thành tích đột xuất trong phòng chống lũ quét tháng 1/2026",
        **({"basis": basis} if basis else {})})
    assert created.status_code == 201, created.text
    dossier_id = created.json()["id"]
    dossier = (await client.get(f"/dossiers/{dossier_id}", headers=clerk)).json()
    for document in dossier["required_documents"]:
        attached = await client.post(f"/dossiers/{dossier_id}/documents", headers=clerk, data={"kind": document},
                                     files={"file": (f"{document}.pdf", PDF, "application/pdf")})
        assert attached.status_code == 200, attached.text
    for step, who, body in [("submit", clerk, None), ("accept", APPRAISER, None), ("appraise", APPRAISER, CONFIRM),
                            ("decide", CHAIR, {"number": f"{number}/QĐ-UBND", "decided_on": decided_on})]:
        response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=who, json=body)
        assert response.status_code == 200, (step, response.text)
    return dossier_id


def count(events: list[dict[str, Any]], start: date, end: date) -> dict[str, Any]:
    """The figures of a period, counted here from the bodies of AwardDecided v2."""
    inside = [e for e in events if start <= date.fromisoformat(e["decided_on"]) <= end]
    person = [e for e in inside if e["nominee"]["kind"] == "ca_nhan"]

    def ids(rows: list[dict[str, Any]]) -> set[str]:
        return {e["dossier_id"] for e in rows}

    g = lambda e: e["nominee_groups"]  # noqa: E731
    return {
        "individuals": ids(person),
        "groups": {"khong_lanh_dao": ids([e for e in person if g(e)["leadership"] is False]),
                   "truc_tiep_lao_dong": ids([e for e in person if g(e)["direct_labourer"] is True]),
                   "nu": ids([e for e in person if g(e)["gender"] == "nu"]),
                   "dan_toc_thieu_so": ids([e for e in person if g(e)["ethnic_minority"] is True]),
                   "vung_kho_khan": ids([e for e in inside if g(e)["hard_to_reach"] is True])},
        "undeclared": {"khong_lanh_dao": ids([e for e in person if g(e)["leadership"] is None]),
                       "truc_tiep_lao_dong": ids([e for e in person if g(e)["direct_labourer"] is None]),
                       "nu": ids([e for e in person if g(e)["gender"] is None]),
                       "dan_toc_thieu_so": ids([e for e in person if g(e)["ethnic_minority"] is None]),
                       "vung_kho_khan": ids([e for e in inside if g(e)["hard_to_reach"] is None])},
    }


async def listed(client: httpx.AsyncClient, url: str) -> set[str]:
    response = await client.get(url, headers=READER)
    assert response.status_code == 200, response.text
    return {row["dossier_id"] for row in response.json()}


async def test_the_figures_per_priority_group_equal_counts_from_the_events(ns: Namespace, tmp_path) -> None:
    async with serve(nomination(ns, tmp_path, datetime(2026, 6, 10, 2, tzinfo=UTC))) as client, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        refused = await client.post("/dossiers", headers=CLERK, json={
            "award_code": "BKT", "year": 2026, "nominee": {"name": "Ma Văn Khải", "date_of_birth": "1980-01-01",
                                                           "ethnicity": "Kinh", "ethnic_minority": True}})
        assert refused.status_code == 422
        assert "Dân tộc Kinh không phải dân tộc thiểu số" in refused.json()["error"]["message"]
        draft = await client.post("/dossiers", headers=CLERK, json={
            "award_code": "BKT", "year": 2026, "nominee": {"name": "Ma Văn Khải", "date_of_birth": "1980-01-01",
                                                           "leadership_title": "Phó Giám đốc"}})
        assert draft.status_code == 201, draft.text
        path = f"/dossiers/{draft.json()['id']}"
        wrong = await client.patch(path, headers=CLERK, json={"ethnicity": "Tày", "ethnic_minority": False})
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "invalid_priority_fact")
        assert "Dân tộc Tày là dân tộc thiểu số" in wrong.json()["error"]["message"]
        corrected = await client.patch(path, headers=CLERK, json={"ethnicity": "Tày", "leadership": False})
        assert corrected.status_code == 200, corrected.text
        nominee = (await client.get(path, headers=CLERK)).json()["nominee"]
        assert (nominee["ethnic_minority"], nominee["leadership"], nominee["leadership_title"]) == (True, False, None)
        ids = [await decided(client, clerk, kind, nominee, day, n)
               for n, (clerk, kind, nominee, day) in enumerate(NOMINEES, start=101)]

        async def on_the_bus() -> tuple[list[dict[str, Any]], int]:
            v2 = [json.loads(m.data) for m in await read_stream(ns, f"{ns.subject_root}.nomination.AwardDecided.v2")]
            v1 = await read_stream(ns, f"{ns.subject_root}.nomination.AwardDecided.v1")
            assert len(v2) == len(NOMINEES) and len(v1) == len(NOMINEES)  # the old version still published
            return v2, len(await read_stream(ns))

        events, stream_last = await eventually(on_the_bus, timeout=30)
        assert {e["dossier_id"] for e in events} == set(ids)
        assert all("ethnicity" not in json.dumps(e) and "Tày" not in json.dumps(e, ensure_ascii=False)
                   for e in events)

        async def settled() -> None:
            body = (await reports.get("/reports/period", params={"period": "2026"}, headers=READER)).json()
            assert body["position"]["complete_through"] >= stream_last

        await eventually(settled, timeout=60)
        for code, start, end in [("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
                                 ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
                                 ("2026-H1", date(2026, 1, 1), date(2026, 6, 30))]:
            response = await reports.get("/reports/period", params={"period": code}, headers=READER)
            assert response.status_code == 200, response.text
            figures, want = response.json()["priority_groups"], count(events, start, end)
            assert figures["individuals"]["count"] == len(want["individuals"])
            assert await listed(reports, figures["individuals"]["list_url"]) == want["individuals"]
            for side in ("groups", "undeclared"):
                assert [f["key"] for f in figures[side]] == GROUPS
                for figure in figures[side]:
                    assert figure["count"] == len(want[side][figure["key"]]), (code, side, figure)
                    assert await listed(reports, figure["list_url"]) == want[side][figure["key"]], (code, figure)
        year = (await reports.get("/reports/period", params={"period": "2026"}, headers=READER)).json()
        [share] = [y for y in year["priority_groups"]["without_leadership_by_year"] if y["year"] == 2026]
        assert (share["individuals"]["count"], share["without_leadership"]["count"], share["with_leadership"],
                share["undeclared"], share["share_percent"]) == (5, 3, 1, 1, 60.0)
        sheet = await reports.get("/reports/period", params={"period": "2026-H1", "format": "xlsx"}, headers=READER)
        assert sheet.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(sheet.content))
        rows = {r[0]: r[1] for r in book["Khen thưởng đối tượng ưu tiên"].iter_rows(values_only=True) if r[0]}
        assert rows["- Nữ"] == 3 and rows["- Người dân tộc thiểu số"] == 3 and rows["Khen thưởng cá nhân"] == 5
        chart = await reports.get("/reports/charts/khen-thuong-khong-giu-chuc-vu", params={"period": "2026"},
                                  headers=READER)
        assert chart.status_code == 200 and "2026 (60%)" in chart.text
        await documents_carry_the_groups(reports, year)


async def documents_carry_the_groups(reports: httpx.AsyncClient, year: dict[str, Any]) -> None:
    """The DOCX's section on the priority groups and the PDF carry the year's figures, chart included."""
    from docx import Document
    from pypdf import PdfReader

    groups = {g["key"]: g for g in year["priority_groups"]["groups"]}
    docx = await reports.get("/reports/period", params={"period": "2026", "format": "docx"}, headers=READER)
    doc = Document(io.BytesIO(docx.content))
    text = " ".join(p.text for p in doc.paragraphs)
    assert (f"đã khen thưởng 5 cá nhân; trong đó {groups['khong_lanh_dao']['count']} cá nhân không giữ chức vụ "
            f"lãnh đạo, quản lý, {groups['truc_tiep_lao_dong']['count']} công nhân") in text
    assert f"{groups['nu']['count']} nữ, {groups['dan_toc_thieu_so']['count']} người dân tộc thiểu số" in text
    assert "không giữ chức vụ lãnh đạo, quản lý trong năm: 60%." in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    for g in groups.values():
        assert [f"- {g['label']}", str(g["count"]), f"{g['cash_total']:,}".replace(",", ".")] in cells, g
    assert ["2026", "5", "3", "1", "1"] in cells
    pdf = await reports.get("/reports/period", params={"period": "2026", "format": "pdf"}, headers=READER)
    reader = PdfReader(io.BytesIO(pdf.content))
    content = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"- Nữ {groups['nu']['count']} " in content and "2026 5 3 1 1" in content
    assert sum(len(page.images) for page in reader.pages) == 5


async def test_a_public_comment_reaches_the_inbox_and_mail_of_the_dossiers_unit_only(ns: Namespace, tmp_path,
                                                                                   smtp) -> None:  # noqa: F811
    now = datetime(2026, 3, 2, 2, tzinfo=UTC)
    async with serve(nomination(ns, tmp_path, now)) as client, serve(mail_app(ns, smtp)) as notices:
        for unit, clerk in (("SGDDT", CLERK), ("SYT", SYT_CLERK)):
            saved = await notices.put(f"/units/{unit}/contacts", headers=clerk,
                                      json={"contacts": [{"email": f"vanthu@{unit.lower()}.caobang.gov.vn"}]})
            assert saved.status_code == 200, saved.text
        dossier = await opened(client, award="HCLD3")
        dossier_id = await to_appraisal(client, dossier)
        appraised = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER,
                                      json={"confirmed_unknown": CONFIRM["confirmed_unknown"]})
        assert appraised.status_code == 200, appraised.text
        for content in ("Tôi là hàng xóm ở tổ 5 phường Hợp Giang, đề nghị làm rõ thành tích năm 2024",
                        "Đồng tình với việc đề nghị"):
            commented = await client.post(f"/dossiers/{dossier_id}/notice/comments", headers=APPRAISER,
                                          json={"author": "Nguyễn Văn Tố, 0912345678", "content": content})
            assert commented.status_code == 200, commented.text

        async def told() -> list[dict[str, Any]]:
            response = await notices.get("/inbox", params={"kind": "notice_commented"}, headers=CLERK)
            assert response.status_code == 200, response.text
            assert len(response.json()) == 2
            return response.json()

        messages = await eventually(told, timeout=30)
        assert {m["unit_code"] for m in messages} == {"SGDDT"}
        assert all(m["link"] == f"/dossiers/{dossier_id}" for m in messages)
        assert "đã có 2 ý kiến" in messages[0]["body"] and "ý kiến đầu tiên" in messages[1]["body"]
        shown = json.dumps(messages, ensure_ascii=False)
        assert "Nguyễn Văn Tố" not in shown and "0912345678" not in shown and "Hợp Giang" not in shown
        every_unit = await notices.get("/inbox", params={"kind": "notice_commented"}, headers=READER)
        assert [m["unit_code"] for m in every_unit.json()] == ["SGDDT", "SGDDT"]
        other = await notices.get("/inbox", headers=SYT_CLERK)
        assert other.status_code == 200 and other.json() == []
        foreign = await notices.get("/inbox", params={"unit": "SGDDT"}, headers=SYT_CLERK)
        assert foreign.status_code == 403

        def mailed() -> list[Any]:
            found = [m for m in received(smtp) if "ý kiến góp ý" in str(m["Subject"])]
            assert len(found) == 2
            return found

        mails = await eventually(lambda: asyncio.to_thread(mailed), timeout=60)
        assert {m["To"] for m in mails} == {"vanthu@sgddt.caobang.gov.vn"}
        assert {str(m["Subject"]) for m in mails} == {"[TĐKT] Hồ sơ của Nông Thị Hoa nhận ý kiến góp ý khi công khai"}
        bodies = " ".join(text(m, "plain") for m in mails)
        assert "Nguyễn Văn Tố" not in bodies and "Hợp Giang" not in bodies
