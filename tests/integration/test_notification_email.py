"""E-mail to the units' addresses, read back from a real SMTP server process (aiosmtpd with
STARTTLS and authentication)."""

from __future__ import annotations

import email
import ipaddress
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tdkt.embedded import free_port
from tests.integration.nomination_events import Dossier, publish
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
SGDDT = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
USER, PASSWORD = "tdkt-mailer", "mật-khẩu-thư"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The SMTP server process; what it received lands in `inbox` as .eml files."""
    cert, key = self_signed(tmp_path)
    inbox = tmp_path / "received"
    inbox.mkdir()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.integration.smtp_server", str(port), str(cert),
                                str(key), USER, PASSWORD, str(inbox)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield {"port": port, "ca": str(cert), "inbox": inbox}
    finally:
        process.terminate()
        process.wait(10)


def mail_app(ns: Namespace, smtp: dict[str, Any], clock: Any = None, **overrides: Any):
    values = {"smtp_host": "127.0.0.1", "smtp_port": smtp["port"], "smtp_username": USER, "smtp_password": PASSWORD,
              "smtp_ca_file": smtp["ca"], "mail_poll_s": 0.2, "digest_hour": 0, "dispatch_backoff_s": [0.05],
              "mail_link_base": "https://tdkt.caobang.gov.vn", **overrides}
    return create_app(ns.settings(NotificationSettings, **values), clock=clock)


def received(smtp: dict[str, Any]) -> list[EmailMessage]:
    files = sorted(smtp["inbox"].iterdir(), key=lambda p: p.stat().st_mtime_ns)
    return [email.message_from_bytes(p.read_bytes(), policy=default) for p in files]  # type: ignore[misc,unused-ignore]


def text(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


async def test_units_get_their_messages_by_mail_one_by_one_or_in_a_daily_digest(ns: Namespace, smtp) -> None:
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa", award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    now = [datetime(2026, 12, 1, 23, 0, tzinfo=UTC)]  # 06:00 on 02/12 in Cao Bằng, before the digest hour
    async with serve(mail_app(ns, smtp, clock=lambda: now[0], digest_hour=7)) as client:
        contacts = {"contacts": [{"email": "vanthu@sgddt.caobang.gov.vn", "name": "Văn thư Sở Giáo dục"},
                                 {"email": "giamdoc@sgddt.caobang.gov.vn", "digest": True}]}
        saved = await client.put("/units/SGDDT/contacts", json=contacts, headers=SGDDT)
        assert saved.status_code == 200, saved.text
        assert [c["email"] for c in (await client.get("/units/SGDDT/contacts", headers=SGDDT)).json()["contacts"]] == [
            "giamdoc@sgddt.caobang.gov.vn", "vanthu@sgddt.caobang.gov.vn"]
        other = await client.put("/units/SGDDT/contacts", json=contacts, headers=auth("unit_clerk", unit="SYT"))
        assert (other.status_code, other.json()["error"]["code"]) == (403, "other_unit")
        bad = await client.put("/units/SGDDT/contacts", json={"contacts": [{"email": "không-phải-thư"}]},
                               headers=SGDDT)
        assert bad.status_code == 422
        await publish(ns, [hoa.event("NominationCreated", "draft"), hoa.event("NominationReturned", "returned")])

        await eventually(lambda: _count(smtp, 2), timeout=60)  # one by one; the digest waits for 07:00
        now[0] += timedelta(hours=2)
        await eventually(lambda: _count(smtp, 3), timeout=60)
        one_by_one = [m for m in received(smtp) if m["To"] == "vanthu@sgddt.caobang.gov.vn"]
        assert sorted(str(m["Subject"]) for m in one_by_one) == [
            "[TĐKT] Hồ sơ của Nông Thị Hoa bị trả lại để bổ sung",
            "[TĐKT] Đã lập hồ sơ đề nghị khen thưởng cho Nông Thị Hoa"]
        returned = next(m for m in one_by_one if "trả lại" in str(m["Subject"]))
        assert returned["From"] == "TĐKT Cao Bằng <tdkt@caobang.gov.vn>"
        plain = text(returned, "plain")
        page = text(returned, "html")
        assert plain.startswith("Kính gửi Văn thư Sở Giáo dục,")
        assert "bị trả lại: Thiếu biên bản bình xét của Hội đồng TĐKT đơn vị." in plain
        assert f"Xem chi tiết: https://tdkt.caobang.gov.vn/dossiers/{hoa.dossier_id}" in plain
        assert f'href="https://tdkt.caobang.gov.vn/dossiers/{hoa.dossier_id}"' in page and 'lang="vi"' in page
        [digest] = [m for m in received(smtp) if m["To"] == "giamdoc@sgddt.caobang.gov.vn"]
        assert str(digest["Subject"]) == "[TĐKT] Tổng hợp thông báo ngày 02/12/2026: 2 thông báo"
        assert text(digest, "plain").startswith("Kính gửi đơn vị SGDDT,")

        # A later message: one mail at once, and the next day's digest holds only it.
        await publish(ns, [hoa.event("NominationSubmitted", "submitted")])
        await eventually(lambda: _count(smtp, 4), timeout=60)
        now[0] += timedelta(days=1)
        await eventually(lambda: _count(smtp, 5), timeout=60)
        latest = [m for m in received(smtp) if m["To"] == "giamdoc@sgddt.caobang.gov.vn"][-1]
        assert str(latest["Subject"]) == "[TĐKT] Tổng hợp thông báo ngày 03/12/2026: 1 thông báo"

        async def all_sent() -> None:
            # a mail is marked sent once the SMTP server has answered: just after it lands in the inbox
            mails = (await client.get("/mails", headers=auth("admin"))).json()
            assert len(mails) == 5 and {m["status"] for m in mails} == {"sent"}
            assert all(m["attempts"] == 1 for m in mails)

        await eventually(all_sent, timeout=30)


async def test_a_mail_server_that_cannot_be_reached_is_retried_then_given_up(ns: Namespace, smtp) -> None:
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa")
    async with serve(mail_app(ns, smtp, smtp_port=free_port(), mail_max_attempts=2)) as client:
        await client.put("/units/SGDDT/contacts", json={"contacts": [{"email": "vanthu@sgddt.caobang.gov.vn"}]},
                         headers=SGDDT)
        await publish(ns, [hoa.event("NominationCreated", "draft")])

        async def given_up():
            mails = (await client.get("/mails", params={"status": "failed"}, headers=auth("auditor"))).json()
            assert [(m["attempts"], m["last_error"]) for m in mails] == [(2, "không kết nối được máy chủ thư")]

        await eventually(given_up, timeout=60)
        assert received(smtp) == []


async def _count(smtp: dict[str, Any], expected: int) -> None:
    assert len(received(smtp)) == expected

