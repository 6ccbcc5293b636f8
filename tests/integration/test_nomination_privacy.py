"""Personal data in the nomination service: personal numbers and dates of birth never in clear
in its database (events, snapshots, views, the read audit), its logs or on the bus; readable after the key rotates."""

from __future__ import annotations

import io
import logging
from base64 import b64decode
from datetime import UTC, datetime
from typing import Any

import asyncpg
import openpyxl
import pytest

from servicekit.crypto import MAGIC, fingerprint, new_key
from services.nomination.dossiers.bulk import COLUMNS
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
APPRAISER = auth("appraiser", subject="tham-dinh")
AUDITOR = auth("auditor", subject="kiem-tra")
NUMBER, BORN = "004085000123", "1985-03-05"
PERSON = {"personal_number": NUMBER, "full_name": "Nguyễn Văn A", "born_on": BORN, "sex": "nam", "unit_code": "SNV"}
SECRETS = (NUMBER, BORN, "05/03/1985", "19850305")


def clock() -> datetime:
    return datetime(2026, 3, 2, 2, tzinfo=UTC)


def app(ns: Namespace, keys: str, **settings: Any) -> Any:
    return create_app(ns.settings(NominationSettings, cipher_keys=keys, **settings), clock=clock)


async def database_rows(ns: Namespace) -> dict[str, list[asyncpg.Record]]:
    """Every row of every table of the service's database (all schemas but the catalogue)."""
    conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}nomination")
    try:
        tables = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')")
        return {f"{t['table_schema']}.{t['table_name']}":
                await conn.fetch(f'SELECT * FROM "{t["table_schema"]}"."{t["table_name"]}"') for t in tables}
    finally:
        await conn.close()


def clear_text_found(rows: dict[str, list[asyncpg.Record]], secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """Where a personal number or a date of birth appears in clear (table.column)."""
    found = []
    for table, records in rows.items():
        for record in records:
            for column, value in record.items():
                raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                found += [f"{table}.{column}: {s}" for s in secrets if s.encode() in raw]
    return found


async def stored_keys(ns: Namespace) -> list[bytes | None]:
    conn = await asyncpg.connect(ns.pg_dsn.rsplit("/", 1)[0] + f"/{ns.db_prefix}nomination")
    try:
        rows = await conn.fetch("SELECT state FROM nominations_events ORDER BY notification_id")
    finally:
        await conn.close()
    return [bytes(r["state"])[len(MAGIC):len(MAGIC) + 4] if bytes(r["state"]).startswith(MAGIC) else None
            for r in rows]


async def test_personal_data_is_never_stored_in_clear_and_keys_rotate(ns: Namespace) -> None:
    old, new = new_key(), new_key()
    async with serve(app(ns, old)) as client:
        created = await client.post("/people", json=PERSON, headers=APPRAISER)
        assert created.status_code == 201, created.text
        person_id = created.json()["id"]
        fact = {"kind": "rating", "year": 2024, "rating": "HTXSNV"}
        assert (await client.post(f"/people/{person_id}/facts", json=fact, headers=APPRAISER)).status_code == 201
        read = await client.get(f"/people/{person_id}", headers=AUDITOR, params={"purpose": f"đơn của {NUMBER}"})
        assert read.json()["personal_number"] == NUMBER and read.json()["born_on"] == BORN
        trail = (await client.get(f"/people/{person_id}/reads", headers=AUDITOR)).json()
        assert [r["purpose"] for r in trail] == ["đơn của 004******123"]  # a number typed in is kept masked
        found = await client.get("/people", params={"q": NUMBER}, headers=APPRAISER)
        assert [r["record_id"] for r in found.json()] == [person_id]
    rows = await database_rows(ns)
    assert rows["public.nominations_events"] and rows["public.history_reads"] and rows["public.history_records"]
    assert clear_text_found(rows) == []
    assert set(await stored_keys(ns)) == {fingerprint(b64decode(old))}

    async with serve(app(ns, f"{new},{old}")) as client:  # a new key put first: old events still read
        read = await client.get(f"/people/{person_id}", headers=AUDITOR)
        assert read.status_code == 200 and read.json()["personal_number"] == NUMBER
        assert [f["rating"] for f in read.json()["facts"]] == ["HTXSNV"]
        other = {**PERSON, "personal_number": "004190000321", "full_name": "Lê Thị B", "born_on": "1990-06-01",
                 "sex": "nu"}
        assert (await client.post("/people", json=other, headers=APPRAISER)).status_code == 201
    keys = await stored_keys(ns)
    assert keys[0] == fingerprint(b64decode(old)) and keys[-1] == fingerprint(b64decode(new))
    assert clear_text_found(await database_rows(ns)) == []


CLERK = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
NOMINEE = {"name": "Nông Thị Hoa", "id_number": "004190012345", "date_of_birth": "1990-03-15", "gender": "nu",
           "position": "Giáo viên"}
IN_CLEAR = ("004190012345", "1990-03-15", "15/03/1990", "004290012399", "004190054321", "004085000123", "1985-03-05")


def submission(*rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách đề nghị"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_logs_and_the_bus_never_carry_a_personal_number_or_date_of_birth(ns: Namespace, tmp_path,
                                                                               caplog) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve(app(ns, new_key(), documents_dir=tmp_path / "documents")) as client:
        person = (await client.post("/people", json=PERSON, headers=APPRAISER)).json()["id"]
        assert (await client.get("/people", params={"q": NUMBER}, headers=APPRAISER)).status_code == 200
        assert (await client.get(f"/people/{person}", headers=APPRAISER)).status_code == 200
        again = await client.post("/people", json={**PERSON, "full_name": "Trần Văn C"}, headers=APPRAISER)
        assert again.status_code == 409  # another name under the same number: refused, number not echoed
        assert NUMBER not in again.text
        body = {"award_code": "BKT", "year": 2025, "nominee": NOMINEE, "summary": "Giáo viên dạy giỏi"}
        opened = await client.post("/dossiers", json=body, headers={**CLERK, "Idempotency-Key": "ho-so-1"})
        assert opened.status_code == 201, opened.text
        dossier = (await client.get(f"/dossiers/{opened.json()['id']}", headers=CLERK)).json()
        assert dossier["nominee"]["masked_id"] == "004******345" and "004190012345" not in str(dossier)
        household = {**body, "nominee_kind": "ho_gia_dinh", "nominee": {**NOMINEE, "name": "Hộ gia đình ông Nông"}}
        assert (await client.post("/dossiers", json=household, headers=CLERK)).status_code == 201
        sheet = submission(*([n, "LDTT", 2025, "cong_trang", "Cá nhân", name, number, "15/03/1990", sex, "Giáo viên",
                              "Dạy giỏi", "", ""] for n, name, number, sex in (
            (1, "Ma Thị Lan", "004190054321", "Nữ"), (2, "Bế Văn Sơn", "004290012399", "Nam"),
            (3, "Ma Thị Lan", "004190012345", "Nữ"))))
        uploaded = await client.post("/submissions/spreadsheet", headers=CLERK,
                                     data={"title": "Tờ trình 9/TTr-SGDĐT", "year": "2025"},
                                     files={"file": ("ds.xlsx", sheet, "application/octet-stream")})
        assert uploaded.status_code == 200, uploaded.text
        errors = uploaded.json()["errors"]  # row 3: a number not of the sex; row 4: another person's number
        assert [e["row"] for e in errors] == [3, 4] and [s for s in IN_CLEAR if s in str(errors)] == [], errors

        async def published() -> list[Any]:
            messages = await read_stream(ns)
            assert len(messages) >= 3  # the three dossiers opened (one from the spreadsheet)
            return messages

        messages = await eventually(published)
    assert any(r.name.startswith("services.nomination") for r in caplog.records)  # the service did log
    service = [r for r in caplog.records if r.name != "httpx"]  # httpx: the test's own client
    logged = "".join(f"{r.getMessage()} {r.__dict__} {r.exc_text or ''}" for r in service)
    assert [s for s in IN_CLEAR if s in logged] == []
    on_the_bus = [m.data + str(m.headers).encode() for m in messages]
    assert [s for s in IN_CLEAR for m in on_the_bus if s.encode() in m] == []
    assert clear_text_found(await database_rows(ns), IN_CLEAR) == []  # dossiers, submissions, retries too


async def test_a_persons_data_is_exported_in_one_document_and_the_export_is_recorded(ns: Namespace,
                                                                                     tmp_path) -> None:
    async with serve(app(ns, new_key(), documents_dir=tmp_path / "documents")) as client:
        person = await client.post("/people", headers=APPRAISER, json={**PERSON, "unit_code": "SGDDT"})
        person_id = person.json()["id"]
        fact = {"kind": "rating", "year": 2024, "rating": "HTXSNV"}
        assert (await client.post(f"/people/{person_id}/facts", json=fact, headers=APPRAISER)).status_code == 201
        assert (await client.get(f"/people/{person_id}", headers=AUDITOR, params={"purpose": "thanh tra"})).is_success
        nominee = {"name": PERSON["full_name"], "id_number": NUMBER, "date_of_birth": BORN, "gender": "nam"}
        opened = await client.post("/dossiers", headers=CLERK, json={"award_code": "BKT", "year": 2025,
                                                                     "nominee": nominee, "summary": "Dạy giỏi"})
        assert opened.status_code == 201, opened.text
        other = {**NOMINEE, "id_number": "004190054321", "name": "Ma Thị Lan"}
        assert (await client.post("/dossiers", headers=CLERK, json={"award_code": "BKT", "year": 2025,
                                                                    "nominee": other})).status_code == 201

        for refused in (CLERK, auth("council_secretary"), auth("unit_clerk", unit="SNV"), auth()):
            assert (await client.get(f"/people/{person_id}/export", headers=refused)).status_code == 403
        exported = await client.get(f"/people/{person_id}/export", headers=APPRAISER,
                                    params={"purpose": "đơn yêu cầu ngày 02/03/2026"})
        assert exported.status_code == 200, exported.text
        document = exported.json()
        assert document["format"] == "tdkt-person-export/1" and document["exported_by"] == "tham-dinh"
        record = document["record"]
        assert (record["id"], record["personal_number"], record["born_on"], record["full_name"]) == (
            person_id, NUMBER, BORN, "Nguyễn Văn A")
        assert [(f["kind"], f["year"], f["rating"]) for f in record["facts"]] == [("rating", 2024, "HTXSNV")]
        assert [d["dossier_id"] for d in document["dossiers"]] == [opened.json()["id"]]
        assert document["dossiers"][0]["award_code"] == "BKT" and document["dossiers"][0]["nominee_ref"] == person_id
        assert [(r["read_by"], r["unmasked"], r["purpose"]) for r in document["reads"]] == [
            ("kiem-tra", True, "thanh tra"),
            ("tham-dinh", True, "xuất dữ liệu cá nhân theo yêu cầu: đơn yêu cầu ngày 02/03/2026")]
        by_auditor = await client.get(f"/people/{person_id}/export", headers=AUDITOR)
        assert by_auditor.status_code == 200 and len(by_auditor.json()["reads"]) == 3
        trail = (await client.get(f"/people/{person_id}/reads", headers=AUDITOR)).json()
        assert [r["purpose"] for r in trail][-1] == "xuất dữ liệu cá nhân theo yêu cầu"
        missing = await client.get("/people/00000000-0000-4000-8000-000000000000/export", headers=AUDITOR)
        assert missing.status_code == 404

        schema = (await client.get("/openapi.json")).json()
        operation = schema["paths"]["/people/{record_id}/export"]["get"]
        assert operation["x-tdkt-policy"]["roles"] == ["appraiser", "auditor"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PersonExport")


async def test_without_cipher_keys_the_service_warns_and_the_scan_sees_the_number(ns: Namespace, caplog) -> None:
    caplog.set_level(logging.WARNING)
    async with serve(create_app(ns.settings(NominationSettings), clock=clock)) as client:
        assert (await client.post("/people", json=PERSON, headers=APPRAISER)).status_code == 201
    assert "TDKT_NOMINATION_CIPHER_KEYS is not set" in caplog.text
    assert "public.nominations_events.state: 004085000123" in clear_text_found(await database_rows(ns))
