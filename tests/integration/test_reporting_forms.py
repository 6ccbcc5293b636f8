"""Statutory forms 0601–0605: counted from the events (0601–0603) or entered per unit (0604, 0605),
equal to counts made here; the same numbers in XLSX, PDF and DOCX."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from contracts import IntegrationEvent
from contracts import nomination as c
from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import Dossier, publish
from tests.integration.rendering import docx_pages, pdf_pages, save
from tests.integration.report_story import UNITS, story
from tests.integration.test_reporting_period import settled
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
KINDS = {"02": ("tap_the", "doanh_nghiep"), "03": ("doanh_nghiep",), "04": ("ho_gia_dinh",), "05": ("ca_nhan",)}
FIRST, LAST = date(2025, 12, 1), date(2026, 11, 30)
YEAR_LINE = "Năm 2026 (từ ngày 01/12/2025 đến ngày 30/11/2026)"


def cells(body: dict[str, Any]) -> dict[str, list[int]]:
    return {r["code"]: r["values"] for r in body["rows"]}


def labouring_individuals() -> list[IntegrationEvent]:
    """Bằng khen to four workers (version 2 of AwardDecided, published beside version 1, says so),
    decided on the first and last days of the statistical year 2026 and on the days either side."""
    events: list[IntegrationEvent] = []
    days = (FIRST - timedelta(days=1), FIRST, LAST, LAST + timedelta(days=1))
    for index, day in enumerate(days):
        dossier = Dossier("SNV", "BKT", f"Công nhân số {index + 1}", kind="ca_nhan", year=day.year)
        events += dossier.to_council()
        decided = dossier.decided(award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", award_level="tinh",
                                  award_category="bang_khen", decided_on=day.isoformat(),
                                  decision_number=f"{index + 7}/QĐ-UBND")
        groups = {"gender": "nam", "leadership": False, "direct_labourer": True}
        events += [decided, c.AwardDecidedV2.model_validate(
            {**decided.model_dump(), "version": 2, "event_id": uuid4(), "nominee_groups": groups})]
    return events


async def test_forms_0601_to_0603_count_the_years_movements_and_awards(ns: Namespace) -> None:
    published = story()
    # the TĐKT statistical year 2026: from 1 December 2025 to 30 November 2026, by decision date
    year = [a for a in published.awards if FIRST <= a["decided"] <= LAST and not a["revoked"]]
    labourers = labouring_individuals()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)
        await publish(ns, labourers)
        listed = (await reports.get("/reports/forms", headers=READER)).json()
        assert [f["code"] for f in listed] == ["0601", "0602", "0603", "0604", "0605"]

        async def counted_with_the_labourers() -> dict[str, Any]:
            bodies = {y: (await reports.get("/reports/forms/0603", params={"year": y}, headers=READER)).json()
                      for y in (2025, 2026, 2027)}
            # the workers decided on 30/11/2025, 1/12/2025, 30/11/2026 and 1/12/2026
            assert [cells(bodies[y])["10"][0] for y in bodies] == [1, 2, 1]
            return dict(bodies[2026])

        f0603 = await eventually(counted_with_the_labourers)
        assert f0603["symbol"] == "0603.N/BNV-TĐKT" and f0603["header"]["receiving_unit"] == "Bộ Nội vụ"
        assert (f0603["period_start"], f0603["period_end"]) == ("2025-12-01", "2026-11-30")
        province = [a for a in year if a["level"] == "tinh" and not a["central"]] + [
            {"category": "bang_khen", "code": "BKT", "kind": "ca_nhan", "unit": "SNV"}] * 2
        got = cells(f0603)
        bang_khen, cstdt = (sum(a["category"] == "bang_khen" for a in province),
                            sum(a["code"] == "CSTDT" for a in province))
        assert got["01"] == [bang_khen + cstdt, bang_khen, cstdt, 0, 0]  # the total adds up columns 2–5
        for row, kinds in KINDS.items():
            assert got[row][0] == sum(a["kind"] in kinds for a in province), row
        units = {r["label"].removeprefix("Đơn vị: "): r["values"][0] for r in f0603["rows"][17:]}
        assert [r["code"] for r in f0603["rows"][17:]] == [f"{n}" for n in range(18, 18 + len(units))]
        assert units == {UNITS[u]: n for u in sorted({a["unit"] for a in province})
                         if (n := sum(a["unit"] == u for a in province))}  # named as the plan's events name them

        f0602 = cells((await reports.get("/reports/forms/0602", params={"year": 2026}, headers=READER)).json())
        state = [a for a in year if a["level"] == "nha_nuoc"]
        medals = sum(a["category"] in ("huan_chuong", "huy_chuong") for a in state)
        assert f0602["01"][:3] == [len(state), medals, 0] and f0602["03"] == f0602["01"]
        assert f0602["09"][0] == sum(a["kind"] == "ca_nhan" for a in state) and f0602["14"][0] == 0

        f0601 = cells((await reports.get("/reports/forms/0601", params={"year": 2026}, headers=READER)).json())
        launched = [m for m in published.movements if FIRST <= m["launched"] <= LAST]
        assert f0601["01"] == [len(launched), 0, len(launched), 0]
        assert f0601["07"][0] == len(launched)  # the fixture's movements last the calendar year
        assert f0601["11"][0] == sum(m["kind"] == "chuyen_de" for m in launched)
        assert f0601["12"][0] == sum(m["kind"] == "thuong_xuyen" for m in launched)

        # The same numbers in the documents.
        from docx import Document
        from openpyxl import load_workbook
        from pypdf import PdfReader

        params: dict[str, Any] = {"year": 2026, "signed_on": "2026-12-10"}
        xlsx = await reports.get("/reports/forms/0603", params={**params, "format": "xlsx"}, headers=READER)
        sheet = load_workbook(io.BytesIO(xlsx.content))["Biểu 0603"]
        values = list(sheet.iter_rows(values_only=True))
        assert values[2][:1] == ("Đơn vị báo cáo: Ủy ban nhân dân tỉnh Cao Bằng",)
        assert YEAR_LINE in str(values[1][0])
        header_at = next(i for i, row in enumerate(values) if row[0] == "Chỉ tiêu")
        assert {row[1]: list(row[2:]) for row in values[header_at + 1:]} == got
        pdf = await reports.get("/reports/forms/0603", params={**params, "format": "pdf"}, headers=READER)
        path = save("bieu-0603-2026.pdf", pdf.content)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        for expected in ("Biểu số: 0603.N/BNV-TĐKT", "Đơn vị nhận báo cáo: Bộ Nội vụ", "Thủ trưởng đơn vị",
                         "Người lập biểu", "Cao Bằng, ngày 10 tháng 12 năm 2026",
                         "Ngày nhận báo cáo: Ngày 15 tháng 12 năm báo cáo"):
            assert expected in text, expected
        assert YEAR_LINE in " ".join(text.split())
        docx = await reports.get("/reports/forms/0603", params={**params, "format": "docx"}, headers=READER)
        docx_path = save("bieu-0603-2026.docx", docx.content)
        top, table = Document(io.BytesIO(docx.content)).tables[:2]
        assert YEAR_LINE in top.rows[0].cells[1].text
        assert {r.cells[1].text: [int(c.text.replace(".", "")) for c in r.cells[2:]] for r in table.rows[1:]} == got
        rendered = [pdf_pages(path), docx_pages(docx_path)]
        for pages in rendered:
            assert isinstance(pages, str) or pages
        if skipped := [pages for pages in rendered if isinstance(pages, str)]:
            pytest.skip("; ".join(skipped))


async def test_forms_0604_and_0605_add_up_what_each_unit_entered(ns: Namespace) -> None:
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        clerk, planner = auth("unit_clerk", unit="SYT"), auth("planner")
        url = "/reports/forms/0605/entries/2026"
        # Sở Y tế: two people aged 31–40 (one a woman), one over 60; by training and by years in the work
        first = {"03.1": 2, "03.2": 1, "07.1": 1, "11.1": 2, "12.1": 1, "13.1": 3}
        response = await reports.put(f"{url}/SYT", json={"unit_name": "Sở Y tế", "cells": first}, headers=clerk)
        assert response.status_code == 200, response.text
        snv = {"02.1": 4, "02.2": 3, "11.1": 3, "11.2": 2, "12.1": 1, "14.1": 4, "14.2": 3}
        assert (await reports.put(f"{url}/SNV", json={"unit_name": "Sở Nội vụ", "cells": snv},
                                  headers=planner)).status_code == 200
        # A unit enters again: the new figures replace the old.
        again = {**first, "03.1": 3, "13.1": 4}
        assert (await reports.put(f"{url}/SYT", json={"unit_name": "Sở Y tế", "cells": again},
                                  headers=clerk)).status_code == 200
        body = (await reports.get("/reports/forms/0605", params={"year": 2026}, headers=READER)).json()
        got = {r["code"]: r["values"] for r in body["rows"]}
        assert [r["code"] for r in body["rows"]] == [f"{n:02d}" for n in range(1, 16)]
        assert got["01"] == [4 + 3 + 1, 3 + 1]  # the rows by age added up
        assert (got["02"], got["03"], got["07"]) == ([4, 3], [3, 1], [1, 0])
        assert (got["11"], got["12"], got["13"], got["14"]) == ([5, 2], [2, 0], [4, 0], [4, 3])
        assert got["08"] == got["15"] == [0, 0]
        entered = (await reports.get("/reports/forms/0605/entries", params={"year": 2026}, headers=READER)).json()
        assert [(e["unit_code"], e["entered_by"], e["cells"]) for e in entered] == [
            ("SNV", "tester", snv), ("SYT", "tester", again)]

        f0604 = "/reports/forms/0604/entries/2026"
        assert (await reports.put(f"{f0604}/SNV", json={"unit_name": "Sở Nội vụ", "cells": {"04.1": 1, "05.1": 2}},
                                  headers=planner)).status_code == 200
        body = (await reports.get("/reports/forms/0604", params={"year": 2026}, headers=READER)).json()
        assert [(r["code"], r["values"]) for r in body["rows"]] == [("01", [3]), ("02", [0]), ("03", [0]),
                                                                    ("04", [1]), ("05", [2])]

        other = await reports.put(f"{url}/SNV", json={"unit_name": "Sở Nội vụ", "cells": {"02.1": 1}}, headers=clerk)
        assert other.status_code == 403 and "SYT" in other.json()["error"]["message"]
        for path, body, field in ((f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"01.1": 3}}, "01.1"),
                                  (f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"02.3": 3}}, "02.3"),
                                  (f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"2": 3}}, "cells"),
                                  ("/reports/forms/0603/entries/2026/SYT", {"unit_name": "Sở Y tế", "cells": {}},
                                   "0603"),
                                  (f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"02.1": -1}}, "cells"),
                                  (f"{url}/SYT", {"unit_name": "", "cells": {}}, "unit_name")):
            response = await reports.put(path, json=body, headers=clerk)
            assert response.status_code == 422, (body, response.text)
            assert field in response.json()["error"]["message"], response.json()
        missing = await reports.get("/reports/forms/0999", params={"year": 2026}, headers=READER)
        assert missing.status_code == 404 and "0603" in missing.json()["error"]["message"]
        assert (await reports.get("/reports/forms/0603", params={"year": 1999}, headers=READER)).status_code == 422


async def test_the_cli_writes_reports_and_forms_to_files(ns: Namespace, monkeypatch, capsys, tmp_path) -> None:
    import asyncio

    from openpyxl import load_workbook

    from tdkt.cli import main as cli
    from tests.support import TEST_SECRET, serve_on_port

    published = story()
    async with serve_on_port(create_app(ns.settings(ReportingSettings))) as url:
        monkeypatch.setenv("TDKT_HOST", "127.0.0.1")
        monkeypatch.setenv("TDKT_REPORTING_PORT", url.rsplit(":", 1)[1])
        monkeypatch.setenv("TDKT_JWT_SECRET", TEST_SECRET)
        await publish(ns, published.events)
        out = tmp_path / "h1.json"

        async def written() -> None:
            assert await asyncio.to_thread(cli, ["report", "half", "2026-H1", "-o", str(out)]) == 0
            assert json.loads(out.read_text("utf-8"))["position"]["complete_through"] == len(published.events)

        await eventually(written, timeout=60)
        body = json.loads(out.read_text("utf-8"))
        assert body["period"]["label"] == "6 tháng đầu năm 2026"
        xlsx = tmp_path / "bieu.xlsx"
        assert await asyncio.to_thread(cli, ["form", "0603", "2026", "-o", str(xlsx)]) == 0
        assert "Biểu 0603" in load_workbook(xlsx).sheetnames
        docx = tmp_path / "nam.docx"
        assert await asyncio.to_thread(cli, ["report", "year", "2026", "--format", "docx", "-o", str(docx)]) == 0
        assert docx.read_bytes()[:2] == b"PK"
        capsys.readouterr()
        assert await asyncio.to_thread(cli, ["report", "quarter", "2026-H1"]) == 2
        assert "không phải một kỳ loại quarter" in capsys.readouterr().err
        assert await asyncio.to_thread(cli, ["form", "0999", "2026"]) == 2
        assert "Không có biểu mẫu 0999" in capsys.readouterr().err


async def test_entries_of_the_first_column_only_layout_are_kept_aside_and_the_unambiguous_moved(
        ns: Namespace) -> None:
    import asyncpg

    async with serve(create_app(ns.settings(ReportingSettings))):
        pass  # the service's database and tables
    conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}reporting")
    try:
        for form, unit, cells in (("0605", "SYT", {"2": 3, "3": 1, "4": 2, "6": 3, "7": 1}),
                                  ("0604", "SNV", {"2": 1, "3": 2, "4": 1})):
            await conn.execute("INSERT INTO report_form_entries (form, year, unit_code, unit_name, cells, entered_by, "
                               "entered_at) VALUES ($1, 2026, $2, $2, $3, 'tester', now())", form, unit,
                               json.dumps(cells))
        for _ in range(2):  # on each start; the second changes nothing
            async with serve(create_app(ns.settings(ReportingSettings))) as reports:
                body = (await reports.get("/reports/forms/0605", params={"year": 2026}, headers=READER)).json()
                got = {r["code"]: r["values"] for r in body["rows"]}
                assert (got["11"], got["12"], got["01"]) == ([3, 0], [1, 0], [0, 0])
                entered = await reports.get("/reports/forms/0605/entries", params={"year": 2026}, headers=READER)
                assert entered.status_code == 200, entered.text
                assert [e["cells"] for e in entered.json()] == [{"11.1": 3, "12.1": 1}]
                f0604 = (await reports.get("/reports/forms/0604", params={"year": 2026}, headers=READER)).json()
                assert [r["values"] for r in f0604["rows"]] == [[0]] * 5  # no column of it is one cell: kept aside
            kept = {r["form"]: (json.loads(r["cells"]), json.loads(r["earlier_cells"])) for r in await conn.fetch(
                "SELECT form, cells, earlier_cells FROM report_form_entries ORDER BY form")}
            assert kept == {"0604": ({}, {"2": 1, "3": 2, "4": 1}),
                            "0605": ({"11.1": 3, "12.1": 1}, {"2": 3, "3": 1, "4": 2, "6": 3, "7": 1})}
    finally:
        await conn.close()
