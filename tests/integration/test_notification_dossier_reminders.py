"""Reminders before a dossier step's due date (`step_due_on` of the nomination events of version
2), with a moved clock: each fires once, also across a restart and with two replicas running; a
step that ended before (any later event of the dossier, of either version) is not reminded; the
unit's contacts get them by e-mail like any message. A webhook for every type still gets each
fact once (version 1); version 2 goes to those that name it."""


from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tests.integration.nomination_events import Dossier, publish
from tests.integration.test_notification_email import SGDDT, mail_app, received, smtp, text
from tests.integration.webhook_receivers import notification_app, receivers, subscribe
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
AUDITOR = auth("auditor")
AWARD = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
__all__ = ["receivers", "smtp"]  # fixtures: HTTP receivers, the SMTP server process


def app(ns: Namespace, now: list[datetime]) -> Any:
    settings = ns.settings(NotificationSettings, reminder_interval_s=0.1, dispatch_poll_interval_s=1.0,
                           dossier_reminder_days=[3, 1])
    return create_app(settings, clock=lambda: now[0])


async def reminders(client: Any) -> list[dict[str, Any]]:
    response = await client.get("/inbox", params={"kind": "dossier_due_soon", "limit": 200}, headers=AUDITOR)
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_step_reminder_fires_once_and_an_ended_step_is_not_reminded(ns: Namespace) -> None:
    now = [datetime(2026, 3, 1, 1, 0, tzinfo=UTC)]
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa", award_name=AWARD)  # waits in `submitted`, due 20/03
    lan = Dossier("SYT", "BKT", "Hoàng Văn Lan", award_name=AWARD)  # returned before its reminders
    minh = Dossier("SGDDT", "BKT", "Lục Văn Minh", award_name=AWARD)  # accepted: a new step, due 10/04
    old = Dossier("SYT", "BKT", "Bế Thị Mai", award_name=AWARD)  # version 1 only, as before the upgrade
    events = [
        hoa.event("NominationCreated", "draft"), *hoa.with_due("NominationSubmitted", "submitted", date(2026, 3, 20)),
        lan.event("NominationCreated", "draft"), *lan.with_due("NominationSubmitted", "submitted", date(2026, 3, 20)),
        lan.event("NominationReturned", "returned"),
        minh.event("NominationCreated", "draft"),
        *minh.with_due("NominationSubmitted", "submitted", date(2026, 3, 20)),
        *minh.with_due("NominationProgressed", "appraising", date(2026, 4, 10), step="accepted"),
        old.event("NominationCreated", "draft"), old.event("NominationSubmitted", "submitted"),
    ]
    stack = contextlib.AsyncExitStack()
    async with stack:
        one = await stack.enter_async_context(serve(app(ns, now)))
        two = await stack.enter_async_context(serve(app(ns, now)))
        await publish(ns, events)

        async def told() -> None:
            assert (await one.get("/readyz")).status_code == 200
            dossiers = (await one.get("/inbox", params={"topic": "dossier", "limit": 200}, headers=AUDITOR)).json()
            assert len(dossiers) == 10  # once per fact: version 2 beside version 1 adds no message

        await eventually(told)
        await asyncio.sleep(0.3)
        assert await reminders(one) == []  # nothing is due on 01/03

        # 08:00 on 17/03 in Cao Bằng: 3 days before 20/03. Only Hoa's step is still running.
        now[0] = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)
        await eventually(lambda: _count(one, 1))
        [first] = await reminders(two)
        assert (first["unit_code"], first["ref_id"]) == ("SGDDT", str(hoa.dossier_id))
        assert first["title"] == "Hồ sơ của Nông Thị Hoa sắp đến hạn bước tiếp nhận hồ sơ (còn 3 ngày)"
        assert first["body"] == (f"Hồ sơ đề nghị {AWARD} cho Nông Thị Hoa (2025) đang ở bước tiếp nhận hồ sơ, "
                                 "hạn hoàn thành bước này là ngày 20/03/2026 (còn 3 ngày).")
        assert first["link"] == f"/dossiers/{hoa.dossier_id}"
        await stack.aclose()  # both replicas stop

    async with serve(app(ns, now)) as three, serve(app(ns, now)) as four:
        now[0] = datetime(2026, 4, 9, 2, 0, tzinfo=UTC)  # past Hoa's 1-day mark and both of Minh's
        await eventually(lambda: _count(three, 4))
        await asyncio.sleep(0.5)  # time for a repeat, were one sent
        sent = await reminders(four)
        assert sorted((m["title"], m["body"].split("là ngày ")[1]) for m in sent) == [
            ("Hồ sơ của Lục Văn Minh sắp đến hạn bước thẩm định (còn 3 ngày)", "10/04/2026 (còn 3 ngày)."),
            ("Hồ sơ của Lục Văn Minh sắp đến hạn bước thẩm định (ngày mai)", "10/04/2026 (ngày mai)."),
            ("Hồ sơ của Nông Thị Hoa sắp đến hạn bước tiếp nhận hồ sơ (còn 3 ngày)", "20/03/2026 (còn 3 ngày)."),
            ("Hồ sơ của Nông Thị Hoa sắp đến hạn bước tiếp nhận hồ sơ (ngày mai)", "20/03/2026 (ngày mai)."),
        ]
        assert {m["ref_id"] for m in sent} == {str(hoa.dossier_id), str(minh.dossier_id)}


async def test_a_step_reminder_reaches_the_units_contacts_by_mail(ns: Namespace, smtp: dict[str, Any]) -> None:
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa", award_name=AWARD)
    now = [datetime(2026, 3, 1, 1, 0, tzinfo=UTC)]
    async with serve(mail_app(ns, smtp, clock=lambda: now[0], reminder_interval_s=0.1,
                              dossier_reminder_days=[1])) as client:
        contacts = {"contacts": [{"email": "vanthu@sgddt.caobang.gov.vn", "name": "Văn thư Sở Giáo dục"}]}
        assert (await client.put("/units/SGDDT/contacts", json=contacts, headers=SGDDT)).status_code == 200
        await publish(ns, hoa.with_due("NominationSubmitted", "submitted", date(2026, 3, 20)))
        await eventually(lambda: _mails(smtp, 1), timeout=60)  # the submission itself
        now[0] = datetime(2026, 3, 19, 1, 0, tzinfo=UTC) + timedelta(minutes=1)
        await eventually(lambda: _mails(smtp, 2), timeout=60)
        await asyncio.sleep(0.5)
        assert len(received(smtp)) == 2
        reminder = received(smtp)[-1]
        assert reminder["To"] == "vanthu@sgddt.caobang.gov.vn"
        assert str(reminder["Subject"]) == "[TĐKT] Hồ sơ của Nông Thị Hoa sắp đến hạn bước tiếp nhận hồ sơ (ngày mai)"
        assert "hạn hoàn thành bước này là ngày 20/03/2026 (ngày mai)." in text(reminder, "plain")


async def test_a_webhook_for_every_type_gets_version_1_and_one_naming_version_2_gets_it(ns: Namespace,
                                                                                       receivers) -> None:
    everything, due_dates = await receivers(), await receivers()
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa", award_name=AWARD)
    events = [hoa.event("NominationCreated", "draft"),
              *hoa.with_due("NominationSubmitted", "submitted", date(2026, 3, 20)),
              hoa.event("NominationReturned", "returned")]
    async with serve(notification_app(ns)) as client:
        await subscribe(client, everything.url)
        await subscribe(client, due_dates.url, "vn.gov.tdkt.nomination.NominationSubmitted.v2")
        await publish(ns, events)

        async def delivered() -> None:
            assert len(everything.requests) == 3 and len(due_dates.requests) == 1

        await eventually(delivered)
        await asyncio.sleep(0.3)
        assert [r.headers["ce-type"].removeprefix("vn.gov.tdkt.nomination.") for r in everything.requests] == [
            "NominationCreated.v1", "NominationSubmitted.v1", "NominationReturned.v1"]
        [v2] = due_dates.requests
        assert v2.headers["ce-id"] == str(events[2].event_id) and b'"step_due_on":"2026-03-20"' in v2.body


async def _count(client: Any, expected: int) -> None:
    assert len(await reminders(client)) == expected


async def _mails(smtp: dict[str, Any], expected: int) -> None:
    assert len(received(smtp)) == expected
