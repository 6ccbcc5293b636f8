"""Statutory forms 0601–0605: counted from the events (0601–0603) or entered per unit (0604, 0605),
equal to counts made here; the same numbers in XLSX, PDF and DOCX."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import publish
from tests.integration.rendering import docx_pages, pdf_pages, save
from tests.integration.report_story import UNITS, story
from tests.integration.test_reporting_period import settled
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
KINDS = {"02": "tap_the", "03": "ca_nhan", "04": "ho_gia_dinh", "05": "doanh_nghiep"}


def cells(body: dict[str, Any]) -> dict[str, list[int]]:
    return {r["code"]: r["values"] for r in body["rows"]}


async def test_forms_0601_to_0603_count_the_years_movements_and_awards(ns: Namespace) -> None:
    published = story()
    year = [a for a in published.awards if a["decided"].year == 2026 and not a["revoked"]]
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)
        listed = (await reports.get("/reports/forms", headers=READER)).json()
        assert [f["code"] for f in listed] == ["0601", "0602", "0603", "0604", "0605"]

        f0603 = (await reports.get("/reports/forms/0603", params={"year": 2026}, headers=READER)).json()
        assert f0603["symbol"] == "0603.N/BNV-TĐKT" and f0603["header"]["receiving_unit"] == "Bộ Nội vụ"
        province = [a for a in year if a["level"] == "tinh" and not a["central"]]
        got = cells(f0603)
        assert got["01"][:4] == [len(province), sum(a["category"] == "bang_khen" for a in province),
                                 sum(a["code"] == "CSTDT" for a in province), 0]
        for row, kind in KINDS.items():
            assert got[row][0] == sum(a["kind"] == kind for a in province), row
        units = {r["label"].removeprefix("Đơn vị: "): r["values"][0] for r in f0603["rows"][5:]}
        assert units == {UNITS[u]: n for u in sorted({a["unit"] for a in province})
                         if (n := sum(a["unit"] == u for a in province))}  # named as the plan's events name them

        f0602 = cells((await reports.get("/reports/forms/0602", params={"year": 2026}, headers=READER)).json())
        state = [a for a in year if a["level"] == "nha_nuoc"]
        assert f0602["01"][:2] == [len(state), sum(a["category"] == "huan_chuong" for a in state)]

        f0601 = cells((await reports.get("/reports/forms/0601", params={"year": 2026}, headers=READER)).json())
        launched = [m for m in published.movements if m["launched"].year == 2026]
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
        header_at = next(i for i, row in enumerate(values) if row[0] == "Chỉ tiêu")
        assert {row[1]: list(row[2:]) for row in values[header_at + 1:]} == got
        pdf = await reports.get("/reports/forms/0603", params={**params, "format": "pdf"}, headers=READER)
        path = save("bieu-0603-2026.pdf", pdf.content)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        for expected in ("Biểu số: 0603.N/BNV-TĐKT", "Đơn vị nhận báo cáo: Bộ Nội vụ", "Thủ trưởng đơn vị",
                         "Người lập biểu", "Cao Bằng, ngày 10 tháng 12 năm 2026"):
            assert expected in text, expected
        docx = await reports.get("/reports/forms/0603", params={**params, "format": "docx"}, headers=READER)
        docx_path = save("bieu-0603-2026.docx", docx.content)
        table = Document(io.BytesIO(docx.content)).tables[1]
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
        response = await reports.put(f"{url}/SYT", json={"unit_name": "Sở Y tế", "cells": {"2": 1, "3": 2, "4": 2}},
                                     headers=clerk)
        assert response.status_code == 200, response.text
        assert (await reports.put(f"{url}/SNV", json={"unit_name": "Sở Nội vụ", "cells": {"2": 4, "3": 1, "5": 1}},
                                  headers=planner)).status_code == 200
        # A unit enters again: the new figures replace the old.
        assert (await reports.put(f"{url}/SYT", json={"unit_name": "Sở Y tế", "cells": {"2": 1, "3": 3, "4": 2}},
                                  headers=clerk)).status_code == 200
        body = (await reports.get("/reports/forms/0605", params={"year": 2026}, headers=READER)).json()
        assert [(r["label"], r["values"]) for r in body["rows"]] == [
            ("Tổng số", [9, 5, 4, 2, 1, 0, 0]), ("Sở Nội vụ", [5, 4, 1, 0, 1, 0, 0]),
            ("Sở Y tế", [4, 1, 3, 2, 0, 0, 0])]
        entered = (await reports.get("/reports/forms/0605/entries", params={"year": 2026}, headers=READER)).json()
        assert [(e["unit_code"], e["entered_by"]) for e in entered] == [("SNV", "tester"), ("SYT", "tester")]

        other = await reports.put(f"{url}/SNV", json={"unit_name": "Sở Nội vụ", "cells": {"2": 1}}, headers=clerk)
        assert other.status_code == 403 and "SYT" in other.json()["error"]["message"]
        for path, body, field in ((f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"1": 3}}, "1"),
                                  ("/reports/forms/0603/entries/2026/SYT", {"unit_name": "Sở Y tế", "cells": {}},
                                   "0603"),
                                  (f"{url}/SYT", {"unit_name": "Sở Y tế", "cells": {"2": -1}}, "cells"),
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
