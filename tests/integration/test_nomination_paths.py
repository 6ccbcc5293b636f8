"""The other paths of a dossier, and every bad input, through the real nomination service."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import pytest

from services.nomination.eligibility import DEFAULT_RULES
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.integration.test_nomination_dossiers import (
    APPRAISER,
    CHAIR,
    CLERK,
    PDF,
    opened,
    record_history,
    through_council,
    to_appraisal,
)
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
CONFIRM = {"confirmed_unknown": "Đã đối chiếu hồ sơ gốc; không có kỷ luật, khiếu nại"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def service(ns: Namespace, tmp_path, clock: Clock):
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents", document_max_bytes=64 * 1024)
    async with serve(create_app(settings, clock=clock)) as client:
        yield client


async def post(client, dossier_id: str, step: str, who: dict, body: dict | None = None, status: int = 200) -> dict:
    response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=who, json=body)
    assert response.status_code == status, (step, response.text)
    return response.json()


async def state(client, dossier_id: str) -> str:
    return (await client.get(f"/dossiers/{dossier_id}", headers=APPRAISER)).json()["state"]


async def published(ns: Namespace, dossier_id: str) -> list[str]:
    """The events of version 1 published about the dossier (version 2 of some goes beside them)."""
    messages = await read_stream(ns, f"{ns.subject_root}.nomination.*.v1")
    return [m.headers["ce-type"].split(".")[-2] for m in messages if json.loads(m.data)["dossier_id"] == dossier_id]


async def test_returned_twice_then_on_hold_and_resumed(service, ns: Namespace) -> None:
    dossier = await opened(service)
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "return", APPRAISER, {"reasons": ["Thiếu xác nhận sáng kiến"]})
    await post(service, dossier_id, "submit", CLERK)
    await post(service, dossier_id, "return", APPRAISER, {"reasons": ["Báo cáo chưa có xác nhận của cấp trình"]})
    assert await state(service, dossier_id) == "returned"
    await post(service, dossier_id, "submit", CLERK)
    await post(service, dossier_id, "accept", APPRAISER)
    await post(service, dossier_id, "hold", APPRAISER, {"ground": "complaint", "note": "Đơn khiếu nại ngày 05/3/2026"})
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM, status=409)
    await post(service, dossier_id, "resume", APPRAISER)
    assert await state(service, dossier_id) == "appraising"

    async def events():
        kinds = await published(ns, dossier_id)
        assert kinds.count("NominationReturned") == 2 and kinds[-1] == "NominationProgressed"
        return kinds

    kinds = await eventually(events)
    assert "NominationPutOnHold" in kinds and kinds.count("NominationSubmitted") == 3


async def test_a_failed_council_vote_ends_with_a_written_rejection(service, ns: Namespace) -> None:
    dossier = await opened(service)
    await record_history(service, dossier["nominee"]["ref"])
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    result = await through_council(service, dossier_id, votes=3)
    assert (result["yes"], result["passed"]) == (3, False)  # 3/5 < 80 %
    await post(service, dossier_id, "send-for-decision", APPRAISER, status=409)
    await post(service, dossier_id, "reject", APPRAISER, {"reason": "Hội đồng không thông qua (3/5 phiếu)"})
    assert await state(service, dossier_id) == "not_awarded"


async def test_the_simplified_procedure_and_a_posthumous_award(service) -> None:
    created = await service.post("/dossiers", headers=CLERK, json={
        "award_code": "BKT", "year": 2025, "simplified": True, "posthumous": True, "basis": "dot_xuat",
        "nominee": {"name": "Lục Văn Dũng", "date_of_birth": "1978-05-02", "gender": "nam", "deceased": True},
        "summary": "Dũng cảm cứu người trong lũ quét tháng 8/2025"})
    assert created.status_code == 201, created.text
    dossier = (await service.get(f"/dossiers/{created.json()['id']}", headers=CLERK)).json()
    dossier_id = dossier["dossier_id"]
    for kind in dossier["required_documents"]:
        await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": kind},
                           files={"file": (f"{kind}.pdf", PDF, "application/pdf")})
    await post(service, dossier_id, "submit", CLERK)  # no unit council: simplified procedure
    await post(service, dossier_id, "accept", APPRAISER)
    # Luật Điều 74 khoản 1 điểm b (đột xuất) is the appraiser's judgement, recorded at appraisal
    await post(service, dossier_id, "appraise", APPRAISER, {**CONFIRM, "dossier_facts": {"bk_tieu_chi_b": True}})
    assert await state(service, dossier_id) == "awaiting_decision"
    await post(service, dossier_id, "decide", CHAIR, {"number": "170/QĐ-UBND", "decided_on": "2026-03-10"})
    await post(service, dossier_id, "confer", APPRAISER, {"conferred_on": "2026-03-20"}, status=422)
    await post(service, dossier_id, "confer", APPRAISER, {"conferred_on": "2026-03-20",
                                                          "received_by": "Lục Thị Mai (vợ)"})
    assert await state(service, dossier_id) == "awarded"


async def test_an_order_under_public_notice_is_forwarded_and_decided_centrally(service, ns: Namespace,
                                                                              clock: Clock) -> None:
    dossier = await opened(service, award="HCLD3")
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    notice = (await service.get(f"/public/notices/{dossier_id}")).json()
    assert (notice["name"], notice["notice_until"]) == ("Nông Thị Hoa", "2026-03-16")  # 10 working days
    public = json.dumps(notice, ensure_ascii=False)
    assert "004190012345" not in public and "1990" not in public and "masked_id" not in public
    await post(service, dossier_id, "notice/comments", APPRAISER, {"author": "Bạn đọc", "content": "Đồng tình"})
    await post(service, dossier_id, "notice/close", APPRAISER, status=409)  # the window is still open
    clock.now = datetime(2026, 3, 17, 2, tzinfo=UTC)
    await post(service, dossier_id, "notice/close", APPRAISER)
    assert (await through_council(service, dossier_id))["passed"] is True
    await post(service, dossier_id, "send-for-decision", APPRAISER)
    await post(service, dossier_id, "decide", CHAIR, {"number": "1/QĐ-UBND", "decided_on": "2026-04-01"}, status=409)
    await post(service, dossier_id, "forward", APPRAISER, {"submission_number": "45/TTr-UBND",
                                                           "forwarded_on": "2026-04-05"})
    await post(service, dossier_id, "central-decision", APPRAISER, {"number": "1234/QĐ-CTN", "decided_on": "2026-08-19",
                                                                    "authority": "Chủ tịch nước"})
    assert await state(service, dossier_id) == "central_decided"

    async def events():
        kinds = await published(ns, dossier_id)
        assert kinds[-1] == "AwardDecided"
        return kinds

    kinds = await eventually(events)
    assert {"NominationDisclosed", "NominationForwarded", "CouncilVoted"} <= set(kinds)


async def test_a_decided_award_is_revoked_on_a_legal_ground(service, ns: Namespace) -> None:
    dossier = await opened(service)
    await record_history(service, dossier["nominee"]["ref"])
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    await through_council(service, dossier_id)
    await post(service, dossier_id, "send-for-decision", APPRAISER)
    await post(service, dossier_id, "decide", CHAIR, {"number": "163/QĐ-UBND", "decided_on": "2026-04-02"})
    refused = await post(service, dossier_id, "revoke", CHAIR, {"ground": "x", "number": "201/QĐ-UBND",
                                                                "revoked_on": "2026-09-01"}, status=422)
    assert refused["error"]["code"] == "invalid_input"
    await post(service, dossier_id, "revoke", CHAIR, {"ground": "a", "number": "201/QĐ-UBND",
                                                      "revoked_on": "2026-09-01", "note": "Kết luận thanh tra"})
    person = json.dumps((await service.get(f"/people/{dossier['nominee']['ref']}", headers=APPRAISER)).json(),
                        ensure_ascii=False)
    assert "201/QĐ-UBND" in person or "revoked" in person

    async def events():
        assert (await published(ns, dossier_id))[-1] == "AwardRevoked"

    await eventually(events)


async def test_a_step_past_its_time_limit_is_published_once(service, ns: Namespace, clock: Clock) -> None:
    dossier = await opened(service)
    dossier_id = await to_appraisal(service, dossier)  # appraising: 10 working days
    clock.now = datetime(2026, 3, 30, 2, tzinfo=UTC)
    admin = auth("admin")
    assert (await service.post("/admin/check-lateness", headers=admin)).json() == {"marked_late": 1}
    assert (await service.post("/admin/check-lateness", headers=admin)).json() == {"marked_late": 0}

    async def listed_late():
        late = (await service.get("/dossiers", params={"late": "true"}, headers=APPRAISER)).json()
        assert [row["dossier_id"] for row in late] == [dossier_id]

    await eventually(listed_late)

    async def events():
        assert (await published(ns, dossier_id)).count("NominationLate") == 1

    await eventually(events)


async def test_bad_inputs_get_clear_errors_and_change_nothing(service) -> None:
    dossier = await opened(service)
    dossier_id = dossier["dossier_id"]
    wrong_state = await post(service, dossier_id, "decide", CHAIR, {"number": "1/QĐ-UBND",
                                                                    "decided_on": "2026-04-01"}, status=409)
    assert wrong_state["error"]["details"]["state"] == "draft"
    assert "record_unit_council" in wrong_state["error"]["details"]["allowed_commands"]
    await post(service, dossier_id, "accept", CLERK, status=403)
    other_unit = await service.get(f"/dossiers/{dossier_id}", headers=auth("unit_clerk", unit="SYT"))
    assert other_unit.status_code == 403
    unknown_award = await service.post("/dossiers", headers=CLERK, json={"award_code": "KHONGCO", "year": 2025,
                                                                         "nominee": {"name": "A"}})
    assert unknown_award.status_code == 404 and "KHONGCO" in unknown_award.text
    bad_number = await service.post("/dossiers", headers=CLERK, json={
        "award_code": "BKT", "year": 2025, "nominee": {"name": "B", "id_number": "004290012345",
                                                       "date_of_birth": "1990-03-15"}})
    assert bad_number.status_code == 422 and bad_number.json()["error"]["code"] == "invalid_personal_number"
    big = await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": "to_trinh"},
                             files={"file": ("to-trinh.pdf", PDF + b"0" * 70_000, "application/pdf")})
    assert big.status_code in (413, 422), big.text
    disguised = await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": "to_trinh"},
                                   files={"file": ("to-trinh.pdf", b"MZ\x90\x00program", "application/pdf")})
    assert disguised.status_code == 422 and disguised.json()["error"]["code"] == "document_rejected"
    malformed = await service.post(f"/dossiers/{dossier_id}/unit-council", headers={**CLERK,
                                   "content-type": "application/json"}, content=b'{"agreed": ')
    assert malformed.status_code == 400
    stale = await service.patch(f"/dossiers/{dossier_id}", headers={**CLERK, "If-Match": '"0"'},
                                json={"summary": "sửa"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_mismatch"
    after = (await service.get(f"/dossiers/{dossier_id}", headers=CLERK)).json()
    assert (after["version"], after["documents"], after["summary"]) == (1, [], dossier["summary"])


async def test_a_broken_rules_file_is_reported_and_the_last_good_rules_keep_working(ns: Namespace, tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(DEFAULT_RULES.read_text(encoding="utf-8"), encoding="utf-8")
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents", rules_file=rules)
    async with serve(create_app(settings, clock=Clock())) as client:
        dossier = await opened(client)
        before = (await client.get(f"/dossiers/{dossier['dossier_id']}/eligibility", headers=APPRAISER)).json()
        assert (await client.get("/eligibility/rules", headers=APPRAISER)).json()["problems"] == []
        text = rules.read_text(encoding="utf-8").replace("min: HTXSNV", "min: RAT_TOT", 1)
        rules.write_text(text, encoding="utf-8")
        os.utime(rules, (rules.stat().st_atime, rules.stat().st_mtime + 5))
        status = (await client.get("/eligibility/rules", headers=APPRAISER)).json()
        line = text.count("\n", 0, text.index("min: RAT_TOT")) + 1
        assert status["problems"] and status["problems"][0].startswith(f"{rules}:{line}:")
        after = (await client.get(f"/dossiers/{dossier['dossier_id']}/eligibility", headers=APPRAISER)).json()
        assert after == before


async def test_an_exceeded_quota_needs_the_appraisers_confirmation(ns: Namespace, tmp_path) -> None:
    quota = await service_quota(ns, tmp_path)
    assert quota["problems"] and "CSTĐCS" in quota["problems"][0]


async def service_quota(ns: Namespace, tmp_path) -> dict:
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents")
    async with serve(create_app(settings, clock=Clock())) as client:
        people = [("Hoàng Văn Sơn", "LDTT"), ("Hoàng Văn Sơn", "CSTDCS"), ("Bế Thị Yến", "LDTT")]
        for name, award in people:
            created = await client.post("/dossiers", headers=CLERK, json={"award_code": award, "year": 2025,
                                        "nominee": {"name": name, "date_of_birth": "1985-01-01"}})
            assert created.status_code == 201, created.text
        quota = (await client.get("/quotas", params={"unit": "SGDDT", "year": 2025, "award": "CSTDCS"},
                                  headers=APPRAISER)).json()
        assert quota["counts"] == {"LDTT": 2, "CSTDCS": 1}
        dossier_id = next(r["dossier_id"] for r in (await client.get("/dossiers", params={"award": "CSTDCS"},
                                                                       headers=APPRAISER)).json())
        dossier = (await client.get(f"/dossiers/{dossier_id}", headers=CLERK)).json()
        await to_appraisal(client, dossier)
        refused = await post(client, dossier_id, "appraise", APPRAISER, {}, status=409)
        assert refused["error"]["details"]["quotas"] == quota["problems"]
        await post(client, dossier_id, "appraise", APPRAISER, CONFIRM)
        return quota


async def test_the_prime_ministers_path_takes_the_numbers_as_the_gazette_writes_them(service) -> None:
    dossier = await opened(service, award="BKTTG")
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    assert (await through_council(service, dossier_id))["passed"] is True
    await post(service, dossier_id, "send-for-decision", APPRAISER)
    for wrong in ("45/TT-UBND", "TTr-UBND", "45/TTr-", "45 TTr UBND"):
        refused = await post(service, dossier_id, "forward", APPRAISER, {"submission_number": wrong,
                                                                         "forwarded_on": "2026-04-05"}, status=422)
        assert refused["error"]["message"] == (f"Dữ liệu không hợp lệ (body.submission_number): Số tờ trình '{wrong}' "
                                               "không đúng dạng (ví dụ 45/TTr-UBND, 12/TTr-SGDĐT).")
    await post(service, dossier_id, "forward", APPRAISER, {"submission_number": "45/TTr-UBND",
                                                           "forwarded_on": "2026-04-05"})
    for wrong in ("1234/QD-TTg", "1234/QĐ", "QĐ-TTg", "1234/QĐ-TTg/", "1234/NQ-CP"):
        refused = await post(service, dossier_id, "central-decision", APPRAISER, {
            "number": wrong, "decided_on": "2026-08-19", "authority": "Thủ tướng Chính phủ"}, status=422)
        assert refused["error"]["message"].startswith(f"Dữ liệu không hợp lệ (body.number): Số quyết định '{wrong}' "
                                                      "không đúng dạng (ví dụ 163/QĐ-UBND, 1234/QĐ-TTg")
    assert await state(service, dossier_id) == "forwarded_central"  # nothing changed by the refusals
    await post(service, dossier_id, "central-decision", APPRAISER, {"number": "1234/QĐ-TTg", "decided_on": "2026-08-19",
                                                                    "authority": "Thủ tướng Chính phủ"})
    decided = (await service.get(f"/dossiers/{dossier_id}", headers=APPRAISER)).json()
    assert decided["state"] == "central_decided"
    assert "1234/QĐ-TTg" in json.dumps(decided, ensure_ascii=False)


@pytest.mark.parametrize("number", ["12/QĐ-UBND", "56/qđ-ubnd", "7/Qđ-SGDĐT", "163/2026/QĐ-UBND"])
async def test_the_province_decides_with_its_own_numbers_in_any_letter_case(service, number: str) -> None:
    dossier = await opened(service)
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    assert (await through_council(service, dossier_id))["passed"] is True
    await post(service, dossier_id, "send-for-decision", APPRAISER)
    await post(service, dossier_id, "decide", CHAIR, {"number": number, "decided_on": "2026-04-02"})
    decided = (await service.get(f"/dossiers/{dossier_id}", headers=APPRAISER)).json()
    assert decided["state"] == "decided" and number in json.dumps(decided, ensure_ascii=False)


async def test_the_unit_council_first_and_the_documents_afterwards_reaches_a_decision(service) -> None:
    dossier = await opened(service)
    dossier_id = dossier["dossier_id"]
    await post(service, dossier_id, "unit-council", CLERK, {"meeting_on": "2026-02-20", "agreed": 9, "present": 10})
    await post(service, dossier_id, "submit", CLERK, status=409)  # documents missing, named in the refusal
    hashes = {}
    for kind in dossier["required_documents"]:
        attached = await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": kind},
                                      files={"file": (f"{kind}.pdf", PDF + kind.encode(), "application/pdf")})
        assert attached.status_code == 200, attached.text
        hashes[kind] = hashlib.sha256(PDF + kind.encode()).hexdigest()
    replaced = await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK,
                                  data={"kind": "to_trinh", "replaces": hashes["to_trinh"]},
                                  files={"file": ("to_trinh_ky.pdf", PDF + b"signed", "application/pdf")})
    assert replaced.status_code == 200, replaced.text
    documents = (await service.get(f"/dossiers/{dossier_id}", headers=CLERK)).json()["documents"]
    assert hashes["to_trinh"] not in json.dumps(documents) and len(documents) == len(hashes)
    await post(service, dossier_id, "submit", CLERK)
    await post(service, dossier_id, "accept", APPRAISER)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    assert (await through_council(service, dossier_id))["passed"] is True
    await post(service, dossier_id, "send-for-decision", APPRAISER)
    await post(service, dossier_id, "decide", CHAIR, {"number": "163/QĐ-UBND", "decided_on": "2026-04-02"})
    assert await state(service, dossier_id) == "decided"
    late = await service.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": "to_trinh"},
                              files={"file": ("x.pdf", PDF + b"late", "application/pdf")})
    assert late.status_code == 409  # submitted: the unit no longer changes it


async def test_the_notice_window_counts_the_provinces_days_over_tet_not_utc_dates(service, clock: Clock) -> None:
    clock.now = datetime(2026, 2, 12, 17, 30, tzinfo=UTC)  # 00:30 on Friday 13/2 in the province, 12/2 in UTC
    dossier = await opened(service, award="HCLD3")
    dossier_id = await to_appraisal(service, dossier)
    await post(service, dossier_id, "appraise", APPRAISER, CONFIRM)
    notice = (await service.get(f"/public/notices/{dossier_id}")).json()
    # ten working days from 13/2: Tết 16–20/2 and the weekends are not counted
    assert (notice["notice_from"], notice["notice_until"]) == ("2026-02-13", "2026-03-06")
    clock.now = datetime(2026, 3, 6, 16, 59, tzinfo=UTC)  # 23:59 on 6/3: the last day of the window
    await post(service, dossier_id, "notice/close", APPRAISER, status=409)
    clock.now = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # midnight: 7/3 in the province, still 6/3 in UTC
    await post(service, dossier_id, "notice/close", APPRAISER)
    assert await state(service, dossier_id) == "council_review"


async def test_a_time_limit_runs_from_the_provinces_day_the_step_began(service, clock: Clock) -> None:
    clock.now = datetime(2026, 2, 12, 17, 30, tzinfo=UTC)  # accepted at 00:30 on 13/2 in the province
    dossier = await opened(service)
    dossier_id = await to_appraisal(service, dossier)  # appraising: 10 working days, due on 6/3
    admin = auth("admin")
    clock.now = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)  # 00:30 on 6/3: the last day, not late
    assert (await service.post("/admin/check-lateness", headers=admin)).json() == {"marked_late": 0}
    clock.now = datetime(2026, 3, 6, 17, 30, tzinfo=UTC)  # 00:30 on 7/3 (a Saturday; 6/3 in UTC)
    assert (await service.post("/admin/check-lateness", headers=admin)).json() == {"marked_late": 1}

    async def listed_late() -> None:
        late = (await service.get("/dossiers", params={"late": "true"}, headers=APPRAISER)).json()
        assert [row["dossier_id"] for row in late] == [dossier_id]

    await eventually(listed_late)


async def test_the_accepted_step_goes_on_the_bus_with_its_due_date_beside_version_1(service, ns: Namespace,
                                                                                   clock: Clock) -> None:
    clock.now = datetime(2026, 2, 12, 17, 30, tzinfo=UTC)  # accepted at 00:30 on 13/2 in the province
    dossier = await opened(service)
    dossier_id = await to_appraisal(service, dossier)  # appraising: 10 working days over Tết, due on 6/3

    async def accepted() -> list[dict]:
        messages = [m for m in await read_stream(ns, f"{ns.subject_root}.nomination.NominationProgressed.*")
                    if json.loads(m.data)["dossier_id"] == dossier_id and json.loads(m.data)["step"] == "accepted"]
        assert len(messages) == 2
        return [{"type": m.headers["ce-type"], "msg_id": m.headers["Nats-Msg-Id"], **json.loads(m.data)}
                for m in messages]

    v1, v2 = await eventually(accepted)
    assert (v1["type"], v2["type"]) == ("vn.gov.tdkt.nomination.NominationProgressed.v1",
                                        "vn.gov.tdkt.nomination.NominationProgressed.v2")
    assert v2["step_due_on"] == "2026-03-06" and v2["state"] == "appraising" and "step_due_on" not in v1
    assert v2["msg_id"] == f"{v1['msg_id']}:v2" and v2["event_id"] != v1["event_id"]
    assert v2["dossier_version"] == v1["dossier_version"]
    submitted = [json.loads(m.data) for m in await read_stream(ns, f"{ns.subject_root}.nomination.*.v2")
                 if json.loads(m.data)["dossier_id"] == dossier_id and json.loads(m.data)["state"] == "submitted"]
    assert [m["step_due_on"] for m in submitted] == ["2026-02-25"]  # 3 working days from 13/2 over Tết

    # Reconciliation counts each version as a message of its own: nothing lost, nothing duplicated.
    async def reconciled() -> None:
        response = await service.post("/admin/reconcile", params={"republish": "false"}, headers=auth("admin"))
        assert response.status_code == 200, response.text
        [publisher] = [f for f in response.json()["findings"] if f["kind"] == "publisher"]
        assert (publisher["lost"], publisher["duplicated"], publisher["pending"]) == (0, 0, 0), publisher
        assert publisher["expected"] == publisher["found"] > 0

    await eventually(reconciled)
