"""`POST /eligibility/check` and the standing facts of the history, in the running nomination
service on a real PostgreSQL and NATS: the shipped case tables answered through the API as
the command line answers them, a nominee's record checked by reference (G1 and G5 pass only on
a recorded confirmation), no dossier opened, and every bad input refused in Vietnamese."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.nomination.eligibility import evaluate
from services.nomination.eligibility.api import PURPOSE
from services.nomination.eligibility.cases import SHIPPED_CASES, case_files, load_cases
from services.nomination.eligibility.rules import DEFAULT_RULES
from services.nomination.eligibility.ruleset import load_rules
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.integration.test_nomination_dossiers import APPRAISER, CLERK, opened, record_history, to_appraisal
from tests.support import Namespace, auth, serve

pytestmark = pytest.mark.integration
TODAY = datetime(2026, 3, 2, 2, tzinfo=UTC)  # 09:00 in Cao Bằng
NUMBER = "004190012345"  # the nominee of the dossier helpers
CLEAN_CASE: dict[str, Any] = {
    "award": "LDTT", "year": 2025,
    "nominee": {"years": {"2025": "HTTNV"}, "attested": ["tu_luc_doan_ket"],
                "standing": {"no_pending": {"as_of": "2026-01-05", "confirmed_by": "Trưởng phòng Tổ chức cán bộ",
                                            "document": "12/XN-SGDĐT"}}},
}


def nomination_app(ns: Namespace, tmp_path: Path):
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents")
    return create_app(settings, clock=lambda: TODAY)


async def checked(client, body: dict, headers: dict = APPRAISER) -> dict:
    response = await client.post("/eligibility/check", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_rule(result: dict) -> dict[str, dict]:
    return {v["rule_id"]: v for v in result["verdicts"]}


async def test_every_shipped_case_gets_through_the_api_what_the_case_tables_expect(ns: Namespace, tmp_path) -> None:
    rules = load_rules(DEFAULT_RULES)
    cases = [case for path in case_files(SHIPPED_CASES) for case in load_cases(path, rules).cases]
    async with serve(nomination_app(ns, tmp_path)) as client:
        for case in cases:
            body = case.model_dump(mode="json", exclude_unset=True)
            result = await checked(client, body, headers=CLERK)
            # the same engine as the command line: the same verdicts, and every expectation met
            engine = evaluate(rules, case.award, case.year, case.nominee.facts(), case.on, basis=case.basis)
            assert {v["rule_id"]: (v["outcome"], v["reason"]) for v in result["verdicts"]} == \
                {v.rule_id: (v.outcome, v.reason) for v in engine}, case.name
            assert result["matches"] is True, (case.name, result["mismatches"])
            assert result["evaluated_on"] == case.on.isoformat()
        listed = await client.get("/dossiers", headers=APPRAISER)
        assert listed.status_code == 200 and listed.json() == []  # no dossier opened, no slot taken


async def test_a_clean_record_passes_only_with_its_standing_stated(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        result = await checked(client, CLEAN_CASE)
        verdicts = by_rule(result)
        assert (result["overall"]["outcome"], result["overall"]["provisional"]) == ("pass", False)
        assert verdicts["G1"]["outcome"] == "pass"
        assert "Trưởng phòng Tổ chức cán bộ tính đến ngày 05/01/2026, văn bản 12/XN-SGDĐT" in verdicts["G1"]["reason"]
        assert verdicts["R1"]["facts_used"] == ["2025: HTTNV", "Xác nhận: tu_luc_doan_ket"]
        assert "Điều 24" in verdicts["R1"]["legal_basis"] and result["evaluated_on"] == "2026-01-15"
        assert result["matches"] is None and result["award_name"] == "Lao động tiên tiến"

        # said nothing of its standing: G1 cannot tell, and neither can the whole
        silent = {**CLEAN_CASE, "nominee": {k: v for k, v in CLEAN_CASE["nominee"].items() if k != "standing"}}
        result = await checked(client, silent)
        assert (result["overall"]["outcome"], by_rule(result)["G1"]["outcome"]) == ("unknown", "unknown")
        assert any("khiếu nại" in m for m in result["overall"]["missing"])

        # an expectation that does not hold is named
        result = await checked(client, {**CLEAN_CASE, "expect": {"R1": "fail", "overall": "pass"}})
        assert (result["matches"], result["mismatches"]) == (False, ["R1: cần fail, được pass"])


async def test_a_nominee_record_is_checked_by_reference_and_a_dossier_still_opens(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        created = await client.post("/people", headers=APPRAISER, json={
            "personal_number": NUMBER, "full_name": "Nông Thị Hoa", "born_on": "1990-03-15", "sex": "nu",
            "unit_code": "SGDDT"})
        assert created.status_code == 201, created.text
        ref = created.json()["id"]
        await record_history(client, ref)  # 2024, 2025: HTXSNV and CSTĐCS
        body = {"award": "BKT", "year": 2025, "nominee_ref": NUMBER, "attested": ["guong_mau_chap_hanh"]}

        # the record says nothing of pending cases yet: G1 cannot tell; R9 (d) passes on the years
        result = await checked(client, body)
        assert result["evaluated_on"] == "2026-03-02" and result["nominee_ref"] == NUMBER
        assert by_rule(result)["R9"]["outcome"] == "pass"
        assert (by_rule(result)["G1"]["outcome"], result["overall"]["outcome"]) == ("unknown", "unknown")

        # a closed case says nothing of today either
        closed = {"kind": "case", "case_kind": "khieu_nai", "reference": "Đơn 7/2025", "opened_on": "2025-03-01",
                  "closed_on": "2025-04-01", "outcome": "Không có cơ sở"}
        assert (await client.post(f"/people/{ref}/facts", json=closed, headers=APPRAISER)).status_code == 201
        assert by_rule(await checked(client, body))["G1"]["outcome"] == "unknown"

        # stated: nothing pending as of 20/02/2026, by whom, on what document
        stated = {"kind": "standing", "as_of": "2026-02-20", "confirmed_by": "Giám đốc Sở Giáo dục và Đào tạo",
                  "document": "45/XN-SGDĐT"}
        response = await client.post(f"/people/{ref}/facts", json=stated, headers=APPRAISER)
        assert response.status_code == 201 and response.json()["recorded"] is True, response.text
        again = await client.post(f"/people/{ref}/facts", json=stated, headers=APPRAISER)
        assert again.status_code == 200 and again.json()["recorded"] is False
        result = await checked(client, body)
        assert (by_rule(result)["G1"]["outcome"], result["overall"]["outcome"]) == ("pass", "pass")
        assert "45/XN-SGDĐT" in by_rule(result)["G1"]["reason"]
        # evaluated before the confirmation's date, it does not count
        earlier = await checked(client, {**body, "evaluated_on": "2026-02-10"})
        assert by_rule(earlier)["G1"]["outcome"] == "unknown"
        record = (await client.get(f"/people/{ref}", headers=APPRAISER)).json()
        assert any(f["kind"] == "standing" and f["document"] == "45/XN-SGDĐT" for f in record["facts"])
        # every check of a person's record is in the read audit, as every read of it is
        reads = (await client.get(f"/people/{ref}/reads", headers=auth("auditor"))).json()
        assert sum(r["purpose"] == PURPOSE for r in reads) == 4

        # the check took no slot: the unit's clerk opens the dossier for the same award and year,
        # and its appraisal gives the same verdicts, with no unknown left to confirm
        dossier = await opened(client)
        assert dossier["nominee"]["ref"] == ref
        dossier_id = await to_appraisal(client, dossier)
        evaluation = (await client.get(f"/dossiers/{dossier_id}/eligibility", headers=APPRAISER)).json()
        assert evaluation["overall"] == "pass", evaluation
        appraised = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER, json={})
        assert appraised.status_code == 200, appraised.text


async def test_a_collective_passes_g5_only_when_stated_not_dissolved(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        created = await client.post("/collectives", headers=APPRAISER,
                                    json={"unit_code": "THPT01", "name": "Trường THPT Thành phố Cao Bằng"})
        assert created.status_code == 201, created.text
        facts = [{"kind": "rating", "year": 2025, "rating": "HTXSNV"},
                 {"kind": "members", "year": 2025, "members": 20, "at_least": {"HTNV": 20},
                  "titles": {"LDTT": 15, "CSTDCS": 1}},
                 {"kind": "standing", "as_of": "2026-02-25", "confirmed_by": "Sở Giáo dục và Đào tạo",
                  "document": "50/XN-SGDĐT"}]
        for fact in facts:
            response = await client.post("/collectives/THPT01/facts", json=fact, headers=APPRAISER)
            assert response.status_code == 201, response.text
        body = {"award": "TTLDXS", "year": 2025, "nominee_ref": "THPT01", "attested": ["noi_bo_doan_ket"]}
        result = await checked(client, body)
        assert (by_rule(result)["G1"]["outcome"], by_rule(result)["R6"]["outcome"]) == ("pass", "pass")
        assert (by_rule(result)["G5"]["outcome"], result["overall"]["outcome"]) == ("unknown", "unknown")
        stated = {"kind": "standing", "as_of": "2026-02-25", "confirmed_by": "Sở Nội vụ",
                  "document": "51/XN-SNV", "case_kinds": [], "not_dissolved": True}
        response = await client.post("/collectives/THPT01/facts", json=stated, headers=APPRAISER)
        assert response.status_code == 201, response.text
        result = await checked(client, body)
        assert (by_rule(result)["G5"]["outcome"], result["overall"]["outcome"]) == ("pass", "pass")
        assert result["subject_kind"] == "tap_the"

        # a person is never "not dissolved"
        person = await client.post("/people", headers=APPRAISER, json={
            "full_name": "Lục Văn Bình", "born_on": "1980-01-02", "unit_code": "THPT01"})
        refused = await client.post(f"/people/{person.json()['id']}/facts", json=stated, headers=APPRAISER)
        assert refused.status_code == 422 and "chỉ ghi cho tập thể" in refused.json()["error"]["message"]


@pytest.mark.parametrize(("body", "where", "words"), [
    ({**CLEAN_CASE, "award": "XYZ"}, "body.award", "không có trong mục labels"),
    ({**CLEAN_CASE, "nominee": {"years": {"2025": "HTTNV LDTX"}}}, "body.nominee.years.2025.titles.0",
     "mã 'LDTX'"),
    ({**CLEAN_CASE, "expect": {"R99": "pass"}}, "body.expect.R99", "không có quy tắc 'R99'"),
    ({**CLEAN_CASE, "nominee_ref": NUMBER}, "body", "cần đúng một trong hai"),
    ({"award": "LDTT", "year": 2025}, "body", "cần đúng một trong hai"),
    ({**CLEAN_CASE, "year": 1700}, "body.year", "lớn hơn hoặc bằng 1990"),
    ({**CLEAN_CASE, "evaluated_on": "15/01/2026"}, "body.evaluated_on", "YYYY-MM-DD"),
    ({**CLEAN_CASE, "nominee": {"years": {"2025": {"rating": "XUATSAC"}}}}, "body.nominee.years.2025.rating",
     "Phải là một trong"),
    ({**CLEAN_CASE, "nominee": {"standing": {"no_pending": {"as_of": "2026-01-05"}}}},
     "body.nominee.standing", "Thiếu trường bắt buộc"),
    ({**CLEAN_CASE, "name": "Ca\x00thử"}, "body.name", "ký tự điều khiển"),
    ({**CLEAN_CASE, "evaluated_on": "2024-12-31"}, "body", "trước năm thành tích 2025"),
    ({**CLEAN_CASE, "nominee": {"kind": "tap_the", "members": {"2025": {"members": 10, "titles": {"LDTT": 11}}}}},
     "body.nominee.members.2025", "từ 0 đến tổng số thành viên (10)"),
    ({**CLEAN_CASE, "surprise": 1}, "body.surprise", "không được phép"),
])
async def test_bad_input_is_refused_in_vietnamese_with_the_field_named(ns: Namespace, tmp_path, body: dict,
                                                                       where: str, words: str) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        response = await client.post("/eligibility/check", json=body, headers=APPRAISER)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert any(".".join(map(str, d["loc"])).startswith(where) for d in error["details"]), error
        assert words in response.text, error


async def test_who_may_check_and_what_a_reference_must_find(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        refused = await client.post("/eligibility/check", json=CLEAN_CASE, headers=auth("auditor"))
        assert refused.status_code == 403 and "unit_clerk" in refused.json()["error"]["message"]
        assert (await client.post("/eligibility/check", json=CLEAN_CASE)).status_code == 401
        missing = await client.post("/eligibility/check", headers=APPRAISER,
                                    json={"award": "LDTT", "year": 2025, "nominee_ref": "004099000111"})
        assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.json()["error"]["message"]
        schema = (await client.get("/openapi.json")).json()
        operation = schema["paths"]["/eligibility/check"]["post"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("CheckPublic")
        assert "unit_clerk" in operation["x-tdkt-policy"]["roles"]


async def test_the_appraisers_judgement_under_dieu_74_decides_a_bang_khen_in_the_dossier(ns: Namespace,
                                                                                        tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        # a clean record that misses Điều 74 khoản 1 (d): one year HTXSNV, no CSTĐCS, no innovation
        dossier = await opened(client)
        ref = dossier["nominee"]["ref"]
        facts = [{"kind": "rating", "year": 2024, "rating": "HTTNV"},
                 {"kind": "rating", "year": 2025, "rating": "HTXSNV"},
                 {"kind": "standing", "as_of": "2026-02-25", "confirmed_by": "Giám đốc Sở Giáo dục và Đào tạo",
                  "document": "46/XN-SGDĐT"}]
        for fact in facts:
            response = await client.post(f"/people/{ref}/facts", json=fact, headers=APPRAISER)
            assert response.status_code == 201, response.text
        dossier_id = await to_appraisal(client, dossier)
        evaluation = (await client.get(f"/dossiers/{dossier_id}/eligibility", headers=APPRAISER)).json()
        assert evaluation["overall"] == "fail", evaluation

        # without a judgement under (a)–(c) or (đ) the appraisal stops, naming the rules
        refused = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER, json={})
        assert refused.status_code == 409 and "R9" in refused.json()["error"]["message"], refused.text

        # the appraiser records (a): an outstanding record in a movement the province launched
        appraised = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER,
                                      json={"dossier_facts": {"bk_tieu_chi_a": True}})
        assert appraised.status_code == 200, appraised.text
        recorded = (await client.get(f"/dossiers/{dossier_id}", headers=APPRAISER)).text
        assert "Thẩm định ghi nhận: Tiêu chí a" in recorded

        # the standalone check of the same record answers the same with the same judgement
        body = {"award": "BKT", "year": 2025, "nominee_ref": ref, "attested": ["guong_mau_chap_hanh"],
                "dossier": {"bk_tieu_chi_a": True}}
        result = await checked(client, body)
        assert (result["overall"]["outcome"], by_rule(result)["R9-ABC"]["outcome"]) == ("pass", "pass")
