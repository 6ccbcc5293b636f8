"""The exemplary models registry and its public feed through the plan service: found through the
2026 movement, followed, covered by the press, published; the feed read without signing in, as
JSON Feed, Atom and RSS, with nothing private in it."""

from __future__ import annotations

import json
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from tests.integration.plan_stories import PLANNER, Clock, clerk, movement_2026, ok, plan_app, seed_plan
from tests.support import Namespace, serve

pytestmark = pytest.mark.integration
ATOM = "{http://www.w3.org/2005/Atom}"
PRIVATE = ("0912 345 678", "canbo.", "chuyenvien.", "Liên hệ")


async def found(client, movement_id: str) -> tuple[str, str]:
    cooperative = await ok(await client.post("/exemplary-models", headers=clerk("X.QUANGLAM"), json={
        "name": "Hợp tác xã Nông nghiệp Quảng Lâm", "subject_kind": "tap_the", "unit": "X.QUANGLAM",
        "field": "nông nghiệp", "movement_id": movement_id, "found_by_unit": "X.QUANGLAM",
        "achievement": "Liên kết 120 hộ đồng bào trồng và tiêu thụ thạch đen.", "found_on": "2026-04-02",
        "contact": "Liên hệ chủ nhiệm: 0912 345 678"}), 201)
    teacher = await ok(await client.post("/exemplary-models", headers=PLANNER, json={
        "name": "Nông Thị Hoa", "subject_kind": "ca_nhan", "unit": "SGDDT", "field": "giáo dục",
        "movement_id": movement_id, "found_by_unit": "SNV", "found_on": "2026-04-10",
        "achievement": "Giáo viên cắm bản 15 năm."}), 201)
    return cooperative["id"], teacher["id"]


async def test_published_models_reach_the_public_feed_without_anything_private(ns: Namespace) -> None:
    clock = Clock(date(2026, 2, 10))
    async with serve(plan_app(ns, clock)) as client:
        movement_id = await movement_2026(client, await seed_plan(client))
        clock.day = date(2026, 5, 25)
        cooperative, teacher = await found(client, movement_id)
        await ok(await client.post(f"/exemplary-models/{cooperative}/stage", headers=PLANNER,
                                   json={"to": "boi_duong", "note": "Hỗ trợ xây dựng nhãn hiệu"}))
        skipped = await client.post(f"/exemplary-models/{cooperative}/stage", headers=PLANNER,
                                    json={"to": "nhan_rong"})
        assert (skipped.status_code, skipped.json()["error"]["code"]) == (409, "stage_order")
        await ok(await client.post(f"/exemplary-models/{cooperative}/coverage", headers=PLANNER, json={
            "outlet": "Báo và Phát thanh, truyền hình Cao Bằng", "title": "Thạch đen Quảng Lâm vươn xa",
            "url": "https://baocaobang.vn/thach-den-quang-lam", "published_on": "2026-05-20"}))
        await ok(await client.post(f"/exemplary-models/{cooperative}/publication", headers=PLANNER, json={
            "public_summary": "Hợp tác xã liên kết 120 hộ đồng bào trồng thạch đen, thu nhập tăng gấp đôi."}))
        registry = await ok(await client.get("/exemplary-models", params={"unit": "X.QUANGLAM"}, headers=PLANNER))
        assert [(m["stage"], m["public_summary"] is not None) for m in registry] == [("boi_duong", True)]

        # the feed, read by a Zalo Official Account or the portal: no sign-in
        feed = await client.get("/public/exemplary-models.json")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/feed+json")
        document = feed.json()
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert [(i["title"], i["_tdkt"]["stage"], i["_tdkt"]["unit"]) for i in document["items"]] == [
            ("Hợp tác xã Nông nghiệp Quảng Lâm", "bồi dưỡng", "UBND xã Quảng Lâm")]
        assert document["items"][0]["_tdkt"]["coverage"][0]["title"] == "Thạch đen Quảng Lâm vươn xa"
        atom = await client.get("/public/exemplary-models.atom")
        root = ET.fromstring(atom.content)
        assert root.tag == f"{ATOM}feed" and atom.headers["content-type"].startswith("application/atom+xml")
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == ["Hợp tác xã Nông nghiệp Quảng Lâm"]
        assert all(entries[0].findtext(f"{ATOM}{tag}") for tag in ("id", "updated", "summary", "content"))
        rss = ET.fromstring((await client.get("/public/exemplary-models.rss")).content)
        assert [i.findtext("title") for i in rss.iter("item")] == ["Hợp tác xã Nông nghiệp Quảng Lâm"]
        for body in (feed.text, atom.text, (await client.get(f"/public/exemplary-models/{cooperative}")).text):
            assert not any(secret in body for secret in PRIVATE), body
        # a puller that has the latest copy gets 304; an unpublished model is not public
        again = await client.get("/public/exemplary-models.atom", headers={"If-None-Match": atom.headers["etag"]})
        assert again.status_code == 304
        hidden = await client.get(f"/public/exemplary-models/{teacher}")
        assert hidden.status_code == 404 and "được công khai" in hidden.json()["error"]["message"]
        # the private contact: for Ban TĐKT and the finder only
        own = await ok(await client.get(f"/exemplary-models/{cooperative}", headers=clerk("X.QUANGLAM")))
        other = await ok(await client.get(f"/exemplary-models/{cooperative}", headers=clerk("STC")))
        assert (own["contact"], other["contact"]) == ("Liên hệ chủ nhiệm: 0912 345 678", None)
        # taken out of the feed
        await ok(await client.post(f"/exemplary-models/{cooperative}/withdrawal", headers=PLANNER,
                                   json={"reason": "Đơn vị đề nghị cập nhật số liệu"}))
        empty = json.loads((await client.get("/public/exemplary-models.json")).content)
        assert empty["items"] == []
        unsigned = await client.post(f"/exemplary-models/{teacher}/publication", json={"public_summary": "x"})
        assert unsigned.status_code == 401  # only the feed is open to all
