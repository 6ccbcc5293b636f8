"""A school's dossiers through its parent unit (Sở Giáo dục và Đào tạo) to Sở Nội vụ, on the
real nomination service, PostgreSQL and JetStream."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_nomination_dossiers import APPRAISER, PDF, nomination_app, schema_valid
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
SCHOOL = auth("unit_clerk", unit="THPT.CAOBINH", subject="canbo.caobinh")
SGD = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
SYT = auth("unit_clerk", unit="SYT", subject="canbo.syt")


async def submitted_by_the_school(client, name: str, id_number: str) -> str:
    created = await client.post("/dossiers", headers=SCHOOL, json={
        "award_code": "BKT", "year": 2025, "summary": "Giáo viên dạy giỏi cấp tỉnh hai năm liền",
        "nominee": {"name": name, "id_number": id_number, "date_of_birth": "1990-03-15", "gender": "nu"}})
    assert created.status_code == 201, created.text
    dossier = (await client.get(f"/dossiers/{created.json()['id']}", headers=SCHOOL)).json()
    dossier_id = dossier["dossier_id"]
    for kind in dossier["required_documents"]:
        attached = await client.post(f"/dossiers/{dossier_id}/documents", headers=SCHOOL, data={"kind": kind},
                                     files={"file": (f"{kind}.pdf", PDF, "application/pdf")})
        assert attached.status_code == 200, attached.text
    for step, body in (("unit-council", {"meeting_on": "2026-02-20", "agreed": 9, "present": 10}), ("submit", None)):
        response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=SCHOOL, json=body)
        assert response.status_code == 200, (step, response.text)
    return str(dossier_id)


async def test_a_schools_dossiers_go_through_the_department_of_education_to_the_province(
        ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        tree = {u["code"]: u for u in (await client.get("/parent-units", headers=SCHOOL)).json()["units"]}
        assert tree["THPT.CAOBINH"]["route"] == ["SGDDT"] and "THPT.CAOBINH" in tree["SGDDT"]["children"]
        first = await submitted_by_the_school(client, "Nông Thị Hoa", "004190012345")
        second = await submitted_by_the_school(client, "Lục Thị Mai", "004190054321")
        seen = (await client.get(f"/dossiers/{first}", headers=SGD)).json()
        assert (seen["state"], seen["level"], seen["level_name"]) == ("at_parent", "SGDDT", "Sở Giáo dục và Đào tạo")
        assert seen["allowed_commands"] == ["forward_up", "return_to_unit"]

        async def held_by_the_department() -> None:
            held = (await client.get("/dossiers", params={"level": "SGDDT"}, headers=SGD)).json()
            assert {d["dossier_id"] for d in held} == {first, second} and {d["level"] for d in held} == {"SGDDT"}

        await eventually(held_by_the_department)  # the list is a view: it follows the store

        # only the parent holding them acts; Sở Nội vụ has not received them yet
        refused = await client.post(f"/dossiers/{first}/return-to-unit", headers=SYT, json={"reasons": ["x"]})
        assert refused.status_code == 403 and "đơn vị cấp trên" in refused.json()["error"]["message"]
        assert (await client.get(f"/dossiers/{first}", headers=SYT)).status_code == 403
        early = await client.post(f"/dossiers/{first}/accept", headers=APPRAISER)
        assert early.status_code == 409 and "đơn vị cấp trên" in early.json()["error"]["message"]

        # the parent returns one to the school, which completes and submits it again
        empty = await client.post(f"/dossiers/{first}/return-to-unit", headers=SGD, json={"reasons": []})
        assert empty.status_code == 422 and "reasons" in empty.text
        returned = await client.post(f"/dossiers/{first}/return-to-unit", headers=SGD,
                                     json={"reasons": ["Bổ sung xác nhận sáng kiến cấp trường"]})
        assert returned.status_code == 200, returned.text
        back = (await client.get(f"/dossiers/{first}", headers=SCHOOL)).json()
        assert (back["state"], back["level"], back["returns"][-1]["by_level"]) == ("returned", "THPT.CAOBINH",
                                                                                 "SGDDT")
        again = await client.post(f"/dossiers/{first}/submit", headers=SCHOOL)
        assert again.status_code == 200, again.text

        # the parent sends both upward in one submission with its own tờ trình
        body = {"title": "Đề nghị Bằng khen năm học 2024-2025", "year": 2026, "dossier_ids": [first, second]}
        wrong = await client.post("/submissions/forward", headers=SGD, json={**body, "number": "45-SGDĐT"})
        assert wrong.status_code == 422 and "tờ trình" in wrong.text
        school_itself = await client.post("/submissions/forward", headers=SCHOOL, json={**body, "number": "1/TTr-THPT"})
        assert school_itself.status_code == 403, school_itself.text
        sent = await client.post("/submissions/forward", headers=SGD, json={**body, "number": "45/TTr-SGDĐT"})
        assert sent.status_code == 200, sent.text
        assert (sent.json()["to_level"], sent.json()["from_level"]) == ("tinh", "SGDDT")
        submission_id = sent.json()["submission_id"]
        submission = (await client.get(f"/submissions/{submission_id}", headers=APPRAISER)).json()
        assert (submission["unit_code"], submission["number"], submission["sent_to"]) == ("SGDDT", "45/TTr-SGDĐT",
                                                                                         "tinh")
        assert submission["by_state"] == {"submitted": 2}
        gone = await client.post(f"/dossiers/{first}/return-to-unit", headers=SGD, json={"reasons": ["x"]})
        assert gone.status_code == 409 and "Sở Nội vụ" in gone.json()["error"]["message"]

        # the province sees where each came from, and accepts them
        at_province = (await client.get("/dossiers", params={"level": "tinh", "submission_id": submission_id},
                                        headers=APPRAISER)).json()
        assert {d["dossier_id"] for d in at_province} == {first, second}
        for dossier_id in (first, second):
            accepted = await client.post(f"/dossiers/{dossier_id}/accept", headers=APPRAISER)
            assert accepted.status_code == 200, accepted.text
        detail = (await client.get(f"/dossiers/{first}", headers=APPRAISER)).json()
        assert detail["state"] == "appraising" and detail["level"] == "tinh"
        assert [(s["step"], s["from"], s["to"]) for s in detail["chain"]] == [
            ("submitted", "THPT.CAOBINH", "SGDDT"), ("returned", "SGDDT", "THPT.CAOBINH"),
            ("submitted", "THPT.CAOBINH", "SGDDT"), ("forwarded", "SGDDT", "tinh")]
        assert detail["chain"][-1]["number"] == "45/TTr-SGDĐT"
        timeline = (await client.get(f"/dossiers/{first}/timeline", headers=SCHOOL)).json()
        labels = {row["label"] for row in timeline}
        assert {"Gửi đơn vị cấp trên", "Đơn vị cấp trên trả lại để bổ sung", "Đơn vị cấp trên trình tiếp"} <= labels

        async def bus() -> list:
            messages = [m for m in await read_stream(ns, f"{ns.subject_root}.nomination.*.v1")
                        if json.loads(m.data)["dossier_id"] == first]
            kinds = [m.headers["ce-type"].split(".")[-2] for m in messages]
            assert kinds[-1] == "NominationProgressed", kinds  # accepted
            return messages

        messages = await eventually(bus)
        for message in messages:
            schema_valid(message)
        events = [(m.headers["ce-type"].split(".")[-2], json.loads(m.data)) for m in messages]
        levels = [(kind, data.get("level") or data.get("returned_by"), data["state"]) for kind, data in events
                  if kind in ("NominationSentToParent", "NominationReturnedByParent", "NominationSentUp",
                              "NominationSubmitted")]
        assert levels == [("NominationSentToParent", "SGDDT", "at_parent"),
                          ("NominationReturnedByParent", "SGDDT", "returned"),
                          ("NominationSentToParent", "SGDDT", "at_parent"),
                          ("NominationSentUp", "tinh", "at_parent"),
                          ("NominationSubmitted", None, "submitted")]
        up = next(data for kind, data in events if kind == "NominationSentUp")
        assert (up["submission_number"], up["submission_id"]) == ("45/TTr-SGDĐT", submission_id)


ADMIN = auth("admin", subject="quan.tri")


async def test_an_admin_replaces_the_units_hierarchy_and_the_next_submission_follows_it(
        ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        shipped = (await client.get("/admin/units", headers=ADMIN)).json()
        assert shipped["version"] >= 1 and {"code": "THPT.CAOBINH", "name": "Trường THPT Cao Bình",
                                            "parent": "SGDDT"} in shipped["units"]
        assert (await client.get("/admin/units", headers=SGD)).status_code == 403
        # the school moves out from under Sở Giáo dục và Đào tạo: it submits straight to the province
        units = [u if u["code"] != "THPT.CAOBINH" else {**u, "parent": None} for u in shipped["units"]]
        newer = {"version": shipped["version"] + 1, "source": "Quyết định 12/QĐ-UBND", "units": units}
        assert (await client.put("/admin/units", headers=SGD, json=newer)).status_code == 403

        # a parent that is not in the list, a cycle, or no newer version: refused, nothing changes
        unknown = {**newer, "units": [*units, {"code": "MN.HOA", "name": "Trường Mầm non Hoa", "parent": "PGD"}]}
        refused = await client.put("/admin/units", headers=ADMIN, json=unknown)
        assert refused.status_code == 422 and "đơn vị cấp trên 'PGD' không có trong danh sách" in refused.text
        cycle = {**newer, "units": [{"code": "A", "name": "Đơn vị A", "parent": "B"},
                                    {"code": "B", "name": "Đơn vị B", "parent": "A"}]}
        refused = await client.put("/admin/units", headers=ADMIN, json=cycle)
        assert refused.status_code == 422 and "vòng lặp cấp trên" in refused.json()["error"]["message"]
        stale = await client.put("/admin/units", headers=ADMIN, json={**newer, "version": shipped["version"]})
        assert stale.status_code == 409 and "không mới hơn" in stale.json()["error"]["message"]
        assert (await client.get("/admin/units", headers=ADMIN)).json() == shipped

        replaced = await client.put("/admin/units", headers=ADMIN, json=newer)
        assert replaced.status_code == 200, replaced.text
        document = (await client.get("/openapi.json")).json()["paths"]["/admin/units"]
        assert document["put"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/UnitsOut") and document["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        tree = {u["code"]: u for u in (await client.get("/parent-units", headers=SCHOOL)).json()["units"]}
        assert tree["THPT.CAOBINH"]["route"] == [] and "THPT.CAOBINH" not in tree["SGDDT"]["children"]
        dossier_id = await submitted_by_the_school(client, "Nông Thị Hoa", "004190012345")
        dossier = (await client.get(f"/dossiers/{dossier_id}", headers=SCHOOL)).json()
        assert (dossier["state"], dossier["level"]) == ("submitted", "tinh")

    # the replacement is kept: a restarted service serves it, not the file's older version
    async with serve(nomination_app(ns, tmp_path)) as client:
        assert (await client.get("/admin/units", headers=ADMIN)).json() == newer


async def test_every_replica_follows_a_units_replacement_without_restarting(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as one, serve(nomination_app(ns, tmp_path)) as two:
        shipped = (await two.get("/admin/units", headers=ADMIN)).json()
        before = {u["code"]: u for u in (await two.get("/parent-units", headers=SCHOOL)).json()["units"]}
        assert before["THPT.CAOBINH"]["route"] == ["SGDDT"]
        # the first replica moves the school out from under Sở Giáo dục và Đào tạo
        units = [u if u["code"] != "THPT.CAOBINH" else {**u, "parent": None} for u in shipped["units"]]
        newer = {"version": shipped["version"] + 1, "source": "Quyết định 12/QĐ-UBND", "units": units}
        assert (await one.put("/admin/units", headers=ADMIN, json=newer)).status_code == 200

        # the second one serves it at once, and routes the school's next dossier by it
        assert (await two.get("/admin/units", headers=ADMIN)).json() == newer
        tree = {u["code"]: u for u in (await two.get("/parent-units", headers=SCHOOL)).json()["units"]}
        assert tree["THPT.CAOBINH"]["route"] == [] and "THPT.CAOBINH" not in tree["SGDDT"]["children"]
        dossier_id = await submitted_by_the_school(two, "Nông Thị Hoa", "004190012345")
        dossier = (await two.get(f"/dossiers/{dossier_id}", headers=SCHOOL)).json()
        assert (dossier["state"], dossier["level"], dossier["route_names"]) == ("submitted", "tinh", [])

        # and refuses a replacement that does not pass the version the first one stored
        stale = await two.put("/admin/units", headers=ADMIN, json={**newer, "source": "Quyết định 13/QĐ-UBND"})
        assert stale.status_code == 409 and "không mới hơn" in stale.json()["error"]["message"]
        back = {**newer, "version": newer["version"] + 1, "units": shipped["units"]}
        assert (await two.put("/admin/units", headers=ADMIN, json=back)).status_code == 200
        assert (await one.get("/admin/units", headers=ADMIN)).json()["version"] == back["version"]
        second = await submitted_by_the_school(one, "Lục Thị Mai", "004190054321")
        assert (await one.get(f"/dossiers/{second}", headers=SCHOOL)).json()["level"] == "SGDDT"
