"""A unit's spreadsheet of 5,000 nominees through the real nomination service: every valid row
becomes a dossier once, every invalid row is named, and every dossier reaches the bus once."""

from __future__ import annotations

import io
import json
from collections import Counter

import openpyxl
import pytest

from bench.bulk import nominee_name as name
from services.nomination.dossiers.bulk import COLUMNS
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.integration.test_nomination_dossiers import CLERK, nomination_app
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
ROWS = 5000
BROKEN = {17: {"Đối tượng": "Con vật"}, 256: {"Ngày sinh": "30/02/1990"}, 1024: {"Mã danh hiệu/hình thức": "KHONGCO"},
          4097: {"Số định danh cá nhân": "004290012345"}, 4999: {"Họ và tên / Tên tập thể": ""}}


def spreadsheet() -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách đề nghị")
    sheet.append(COLUMNS)
    for n in range(1, ROWS + 1):
        cells = dict(zip(COLUMNS, [n, "LDTT", 2025, "cong_trang", "Cá nhân", name(n), "",
                                   f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1970 + n % 30}", "Nữ" if n % 2 else "Nam",
                                   "Giáo viên", "Hoàn thành tốt nhiệm vụ", "", ""], strict=True))
        cells.update(BROKEN.get(n, {}))
        sheet.append(list(cells.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_five_thousand_nominees_become_dossiers_exactly_once(ns: Namespace, tmp_path) -> None:
    data = spreadsheet()
    valid = ROWS - len(BROKEN)
    async with serve(nomination_app(ns, tmp_path)) as client, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        def upload():
            return client.post("/submissions/spreadsheet", headers=CLERK, data={"title": "Tờ trình 99/TTr-SGDĐT",
                               "year": "2025"}, files={"file": ("danh-sach.xlsx", data, "application/octet-stream")})

        first = await upload()
        assert first.status_code == 200, first.text
        outcome = first.json()
        assert (outcome["rows"], outcome["created"]) == (ROWS, ROWS - len(BROKEN))
        assert sorted(e["row"] for e in outcome["errors"]) == sorted(n + 1 for n in BROKEN)  # header is row 1
        again = (await upload()).json()
        assert (again["created"], again["already_there"]) == (0, ROWS - len(BROKEN))
        broken = await client.post("/submissions/spreadsheet", headers=CLERK, data={"title": "Đợt lỗi", "year": "2025"},
                                   files={"file": ("x.xlsx", data[: len(data) // 2], "application/octet-stream")})
        assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_spreadsheet"
        progress = (await client.get(f"/submissions/{outcome['submission_id']}", headers=CLERK)).json()
        assert progress["dossiers"] == ROWS - len(BROKEN)

        async def on_the_bus():
            both = await read_stream(ns, f"{ns.subject_root}.nomination.NominationCreated.*")
            # version 1, and versions 2 (the movement) and 3 (the tier and the basis) beside
            assert len(both) >= 3 * (ROWS - len(BROKEN))
            return both

        both = await eventually(on_the_bus, timeout=120)
        messages = [m for m in both if m.subject.endswith(".v1")]
        for version in (messages, *([m for m in both if m.subject.endswith(f".v{n}")] for n in (2, 3))):
            ids = Counter(json.loads(m.data)["dossier_id"] for m in version)
            assert len(ids) == valid and set(ids.values()) == {1}

        async def in_the_read_model():
            consumer = (await reports.get("/admin/consumer", headers=auth("auditor"))).json()
            dossiers = consumer["consumers"]["reporting-dossiers"]
            assert dossiers["processed"] == len(both), dossiers
            return dossiers

        consumed = await eventually(in_the_read_model, timeout=120)
        by_state = (await reports.get("/reports/dossiers/by-state", params={"year": 2025, "unit": "SGDDT"},
                                      headers=auth("auditor"))).json()
        assert by_state["total"] == valid
        assert next(s["count"] for s in by_state["states"] if s["state"] == "draft") == valid
        assert consumed["dead_lettered"] == 0


async def test_the_downloaded_template_uploads_as_it_is_filled_in(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        downloaded = await client.get("/submissions/template", params={"year": 2025}, headers=CLERK)
        assert downloaded.status_code == 200
        untouched = await client.post("/submissions/spreadsheet", headers=CLERK, data={"title": "Đợt trống"},
                                      files={"file": ("mau.xlsx", downloaded.content, "application/octet-stream")})
        assert untouched.status_code == 200, untouched.text
        assert (untouched.json()["created"], untouched.json()["errors"]) == (0, [])  # the example is not a nominee
        book = openpyxl.load_workbook(io.BytesIO(downloaded.content))
        book["Đợt đề nghị"]["B1"] = "Tờ trình 7/TTr-SGDĐT"
        book["Danh sách đề nghị"].append([1, "LDTT", None, "cong_trang", "Cá nhân", "Ma Thị Lan", "", "02/09/1988",
                                          "Nữ", "Giáo viên", "Dạy giỏi", "", ""])
        buffer = io.BytesIO()
        book.save(buffer)
        filled = await client.post("/submissions/spreadsheet", headers=CLERK,
                                   files={"file": ("danh-sach.xlsx", buffer.getvalue(), "application/octet-stream")})
        assert filled.status_code == 200, filled.text
        assert (filled.json()["created"], filled.json()["errors"]) == (1, [])
        progress = (await client.get(f"/submissions/{filled.json()['submission_id']}", headers=CLERK)).json()
        assert (progress["title"], progress["year"], progress["dossiers"]) == ("Tờ trình 7/TTr-SGDĐT", 2025, 1)
