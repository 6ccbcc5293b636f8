"""The award history in the running nomination service, against a real PostgreSQL and NATS:
search with and without diacritics, idempotent import, audited and masked reads, merge."""

from __future__ import annotations

import asyncio
import io
import logging
import unicodedata
from datetime import UTC, date, datetime

import asyncpg
import pytest
from openpyxl import load_workbook

from services.nomination.history.application import History
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.support import Namespace, auth, serve
from tests.unit.nomination.history.support import HEADER, row, xlsx

pytestmark = pytest.mark.integration
APPRAISER = auth("appraiser", subject="tham-dinh")
MOMENT = datetime(2026, 3, 2, 2, tzinfo=UTC)
A = {"personal_number": "004085000123", "full_name": "Nguyễn Văn A", "born_on": "1985-03-05", "sex": "nam",
     "unit_code": "SNV"}
PEOPLE = [
    A,
    {"personal_number": "004088000456", "full_name": "Nguyễn Văn Anh", "born_on": "1988-07-01", "unit_code": "SYT"},
    {"full_name": "Đặng Thị Hoa", "born_on": "1992-01-20", "sex": "nu", "unit_code": "SNV"},
    {"full_name": "Trần Văn Đức", "born_on": "1979-12-31", "unit_code": "SGD"},
]
GOOD = [
    row(personal_number="004085000123", full_name="Nguyễn Văn A", born_on="05/03/1985", unit_code="SNV", year=2023,
        rating="HTXSNV"),
    row(personal_number="004085000123", full_name="Nguyễn Văn A", born_on="05/03/1985", unit_code="SNV", year=2024,
        rating="HTXSNV", award="CSTDCS", decision_ref="163/QĐ-UBND", decided_on="15/01/2025"),
    row(full_name="Hoàng Thị Bích", born_on="20/11/1990", sex="Nữ", unit_code="SNV", year=2024, award="BKT",
        decision_ref="201/QĐ-UBND"),
]


def nomination_app(ns: Namespace):
    return create_app(ns.settings(NominationSettings), clock=lambda: MOMENT)


async def add_people(client) -> dict[str, str]:
    ids = {}
    for person in PEOPLE:
        response = await client.post("/people", json=person, headers=APPRAISER)
        assert response.status_code == 201, response.text
        ids[person["full_name"]] = response.json()["id"]
    return ids


async def names(client, **params: str) -> list[str]:
    response = await client.get("/people", params=params, headers=auth("council_secretary"))
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()]


def upload(data: bytes, name: str = "ds-2024.xlsx") -> dict:
    return {"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


async def test_search_finds_people_with_or_without_diacritics(ns: Namespace, caplog) -> None:
    caplog.set_level(logging.INFO)
    async with serve(nomination_app(ns)) as client:
        await add_people(client)
        assert (await names(client, q="Nguyen Van A"))[0] == "Nguyễn Văn A"
        assert (await names(client, q="nguyễn văn a"))[0] == "Nguyễn Văn A"
        assert (await names(client, q=unicodedata.normalize("NFD", "NGUYỄN VĂN A")))[0] == "Nguyễn Văn A"
        assert await names(client, q="Nguyen Van Anh") == ["Nguyễn Văn Anh"]
        assert await names(client, q="dang thi hoa") == await names(client, q="Đặng") == ["Đặng Thị Hoa"]
        assert await names(client, q="duc") == ["Trần Văn Đức"]
        assert sorted(await names(client, q="Văn")) == ["Nguyễn Văn A", "Nguyễn Văn Anh", "Trần Văn Đức"]
        assert sorted(await names(client, unit="snv")) == ["Nguyễn Văn A", "Đặng Thị Hoa"]
        assert await names(client, q="Hoa", unit="SGD") == []
    assert "004******123" in caplog.text  # the module logs the people it creates, masked
    assert "004085000123" not in caplog.text and "1985-03-05" not in caplog.text


async def test_search_by_number_shows_masked_data_and_the_table_holds_no_number(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        ids = await add_people(client)
        response = await client.get("/people", params={"q": "004 085 000 123"}, headers=auth("council_secretary"))
        assert response.json() == [{"record_id": ids["Nguyễn Văn A"], "kind": "person", "name": "Nguyễn Văn A",
                                    "unit_code": "SNV", "birth_year": 1985, "masked_number": "004******123",
                                    "fact_count": 0}]
        bad = await client.get("/people", params={"q": "099085000123"}, headers=auth("council_secretary"))
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_personal_number")
        assert "Ba chữ số đầu (099)" in bad.json()["error"]["message"]
    conn = await asyncpg.connect(ns.settings(NominationSettings).dsn_for())
    try:
        rows = await conn.fetch("SELECT * FROM history_records")
        indexes = {r["indexname"] for r in await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'history_records'")}
    finally:
        await conn.close()
    dump = repr([dict(r) for r in rows])
    assert len(rows) == 4 and "004085000123" not in dump and "1985-03-05" not in dump
    assert indexes & {"history_records_name", "history_records_name_prefix"}


async def test_a_list_imported_twice_does_not_double(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        first = await client.post("/history/import", files=upload(xlsx(GOOD)), headers=APPRAISER)
        assert first.status_code == 200, first.text
        assert {k: first.json()[k] for k in ("rows", "valid_rows", "facts_added", "people_created", "saved")} == \
            {"rows": 3, "valid_rows": 3, "facts_added": 4, "people_created": 2, "saved": True}
        again = await client.post("/history/import", files=upload(xlsx(GOOD), "ds-2024-lan-2.xlsx"), headers=APPRAISER)
        assert (again.json()["facts_added"], again.json()["facts_unchanged"], again.json()["people_created"]) == \
            (0, 4, 0)
        # the record and the search view hold each fact once
        found = (await client.get("/people", params={"q": "Nguyen Van A"}, headers=APPRAISER)).json()
        assert [(r["name"], r["fact_count"]) for r in found] == [("Nguyễn Văn A", 3)]
        record = (await client.get(f"/people/{found[0]['record_id']}", headers=APPRAISER)).json()
        assert sorted(f["key"] for f in record["facts"]) == ["rating/2023", "rating/2024", "title/2024/CSTDCS"]
        assert record["facts"][0]["source"]["file"] == "ds-2024.xlsx"


async def test_bad_rows_are_reported_with_their_numbers_and_good_rows_saved(ns: Namespace) -> None:
    rows = [GOOD[0], row(personal_number="004085000123", full_name="Nguyễn Văn A", unit_code="SNV", year=2023,
                         rating="HTNV"),
            row(full_name="Lê Văn C", born_on="1990-01-01", unit_code="SNV", year=2024, rating="HTNV")]
    async with serve(nomination_app(ns)) as client:
        response = await client.post("/history/import", files=upload(xlsx(rows)), headers=APPRAISER)
        report = response.json()
        assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "Xếp loại"),
                                                                        (4, "Ngày sinh (dd/mm/yyyy)")]
        assert report["errors"][1]["message"].startswith("Dòng 4, cột 'Ngày sinh (dd/mm/yyyy)': '1990-01-01'")
        assert (report["valid_rows"], report["facts_added"]) == (1, 1)


async def test_a_broken_file_or_header_is_refused_and_nothing_saved(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        broken = await client.post("/history/import", files=upload(b"PK\x03\x04 not really"), headers=APPRAISER)
        assert (broken.status_code, broken.json()["error"]["code"]) == (422, "invalid_import_file")
        header = [h for h in HEADER if h != "Năm"]
        wrong = await client.post("/history/import", files=upload(xlsx([GOOD[0][:7] + GOOD[0][8:]], header)),
                                  headers=APPRAISER)
        assert wrong.json()["error"]["details"] == ["thiếu cột: Năm"]
        text = await client.post("/history/import", content=b"a,b", headers={**APPRAISER, "content-type": "text/csv"})
        assert text.status_code == 415
        clerk = await client.post("/history/import", files=upload(xlsx(GOOD)), headers=auth("unit_clerk", unit="SNV"))
        assert clerk.status_code == 403
        assert (await client.get("/people", params={"unit": "SNV"}, headers=APPRAISER)).json() == []


async def test_full_reads_are_audited_and_others_see_masked_records(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        person = (await add_people(client))["Nguyễn Văn A"]
        readers = [("appraiser", None, "tham-dinh-2"), ("unit_clerk", "SNV", "can-bo-snv"),
                   ("council_secretary", None, "thu-ky")]
        seen = {}
        for role, unit, subject in readers:
            response = await client.get(f"/people/{person}", params={"purpose": "Thẩm định hồ sơ BKT"},
                                        headers=auth(role, unit=unit, subject=subject))
            assert response.status_code == 200, response.text
            body = response.json()
            seen[subject] = (body["masked"], body["personal_number"], body["born_on"], body["birth_year"])
        assert seen == {"tham-dinh-2": (False, "004085000123", "1985-03-05", 1985),
                        "can-bo-snv": (False, "004085000123", "1985-03-05", 1985),
                        "thu-ky": (True, "004******123", None, 1985)}
        # Another unit's clerk, and roles whose work does not need people's records, are refused
        # (and neither search nor the number lookup reaches past the clerk's own unit).
        for role, unit in (("unit_clerk", "SYT"), ("council_member", None), ("chair", None), ("planner", None)):
            refused = await client.get(f"/people/{person}", headers=auth(role, unit=unit))
            assert refused.status_code == 403, (role, refused.text)
        other_unit = auth("unit_clerk", unit="SYT")
        assert (await client.get("/people", params={"unit": "SNV"}, headers=other_unit)).status_code == 403
        assert (await client.get("/people", params={"q": "004085000123"}, headers=other_unit)).json() == []
        found = (await client.get("/people", params={"q": "Nguyễn"}, headers=other_unit)).json()
        assert found and {row["unit_code"] for row in found} == {"SYT"}
        assert (await client.get(f"/people/{person}/reads", headers=auth("council_member"))).status_code == 403
        trail = (await client.get(f"/people/{person}/reads", headers=auth("auditor"))).json()
        assert [(r["read_by"], r["unmasked"], r["purpose"]) for r in trail] == [
            (subject, not seen[subject][0], "Thẩm định hồ sơ BKT") for _, _, subject in readers]
        assert all(r["address"] and r["record_id"] == person for r in trail)
    conn = await asyncpg.connect(ns.settings(NominationSettings).dsn_for())
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM history_reads")
    finally:
        await conn.close()


async def test_facts_are_recorded_once_and_corrections_need_a_reason(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        person = (await add_people(client))["Nguyễn Văn A"]
        clerk = auth("unit_clerk", unit="SNV")
        fact = {"kind": "rating", "year": 2024, "rating": "HTTNV"}
        first = await client.post(f"/people/{person}/facts", json=fact, headers=clerk)
        again = await client.post(f"/people/{person}/facts", json={**fact, "document": "BB-12"}, headers=clerk)
        assert (first.status_code, again.status_code, again.json()["recorded"]) == (201, 200, False)
        changed = await client.post(f"/people/{person}/facts", json={**fact, "rating": "HTXSNV"}, headers=clerk)
        assert (changed.status_code, changed.json()["error"]["code"]) == (409, "conflicting_fact")
        fixed = await client.post(f"/people/{person}/facts", headers=clerk,
                                  json={**fact, "rating": "HTXSNV", "correction_reason": "Theo QĐ 12/QĐ-SNV"})
        assert fixed.status_code == 201
        other = await client.post(f"/people/{person}/facts", json=fact, headers=auth("unit_clerk", unit="SYT"))
        assert other.status_code == 403
        unknown = await client.post(f"/people/{person}/facts", json={"kind": "rating", "year": 2024, "rating": "X"},
                                    headers=clerk)
        assert unknown.status_code == 422


async def test_a_decision_of_the_dossier_workflow_is_recorded_once(ns: Namespace) -> None:
    service = nomination_app(ns)
    async with serve(service) as client:
        person = (await add_people(client))["Nguyễn Văn A"]
        runtime = service.state.runtime
        history = History(runtime.app)
        decided = [await asyncio.to_thread(history.record_decided_award, ref, "CSTDCS", 2024, "163/QĐ-UBND",
                                           date(2025, 1, 15), "cong_trang", at=MOMENT)
                   for ref in (person, "004085000123")]
        assert decided == [True, False]
        await runtime.wait_for_views()
        record = (await client.get(f"/people/{person}", headers=APPRAISER)).json()
        assert [(f["key"], f["source"]["decision_ref"]) for f in record["facts"]] == \
            [("title/2024/CSTDCS", "163/QĐ-UBND")]
        found = (await client.get("/people", params={"q": "004085000123"}, headers=APPRAISER)).json()
        assert found[0]["fact_count"] == 1


async def test_a_merged_duplicate_leads_to_the_kept_record(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        kept = (await add_people(client))["Nguyễn Văn A"]
        duplicate = (await client.post("/people", json={**A, "personal_number": None, "unit_code": "SYT"},
                                       headers=APPRAISER)).json()["id"]
        await client.post(f"/people/{duplicate}/facts", json={"kind": "award", "year": 2020, "code": "GK"},
                          headers=APPRAISER)
        clerk = await client.post(f"/people/{kept}/merge", json={"duplicate_id": duplicate},
                                  headers=auth("unit_clerk", unit="SNV"))
        assert clerk.status_code == 403
        merged = await client.post(f"/people/{kept}/merge", json={"duplicate_id": duplicate}, headers=APPRAISER)
        assert merged.json() == {"id": kept, "merged": duplicate}
        followed = await client.get(f"/people/{duplicate}", headers=APPRAISER)
        assert followed.headers["content-location"] == f"/people/{kept}"
        assert [f["key"] for f in followed.json()["facts"]] == ["award/GK/2020/-"]
        assert [r["record_id"] for r in (await client.get("/people", params={"q": "Nguyen Van A"},
                                                          headers=APPRAISER)).json()][:1] == [kept]
        assert len(await names(client, q="Nguyen Van A")) == 2  # Nguyễn Văn A and Nguyễn Văn Anh, not the duplicate


async def test_collectives_and_their_members_counts(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        clerk = auth("unit_clerk", unit="SNV")
        created = await client.post("/collectives", json={"unit_code": "SNV", "name": "Sở Nội vụ"}, headers=clerk)
        assert created.status_code == 201
        counts = {"kind": "members", "year": 2024, "members": 40, "at_least": {"HTTNV": 30}, "titles": {"LDTT": 30},
                  "disciplined": 0}
        assert (await client.post("/collectives/snv/facts", json=counts, headers=clerk)).status_code == 201
        record = (await client.get("/collectives/SNV", headers=auth("council_member"))).json()
        assert (record["name"], [f["key"] for f in record["facts"]]) == ("Sở Nội vụ", ["members/2024"])
        assert (await client.get("/collectives/SYT", headers=clerk)).status_code == 404


async def test_the_import_template_can_be_downloaded(ns: Namespace) -> None:
    async with serve(nomination_app(ns)) as client:
        response = await client.get("/history/import/template", headers=auth("unit_clerk", unit="SNV"))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        assert [c.value for c in workbook["Danh sách"][1]] == HEADER
