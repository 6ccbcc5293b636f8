"""The mailer: sends queued mails over SMTP (STARTTLS or TLS, with authentication), with the
webhooks' rules: back-off between attempts, given up (dead letter, status 'failed') after the
last, every attempt recorded. Claims use `FOR UPDATE SKIP LOCKED` and a lease, so replicas
share the queue; a replica that dies mid-send leaves the lease to expire (at least once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

import aiosmtplib
import asyncpg

from services.notification import mail
from services.notification.settings import NotificationSettings

log = logging.getLogger(__name__)
CLAIM = """
WITH due AS (SELECT id FROM mails WHERE status = 'pending' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
UPDATE mails m SET next_attempt_at = now() + make_interval(secs => $1) FROM due WHERE m.id = due.id
RETURNING m.id, m.recipient, m.subject, m.plain, m.html, m.attempts
"""
RECORD = """
WITH attempt AS (INSERT INTO mail_attempts (mail_id, attempt, error) VALUES ($1, $2, $3))
UPDATE mails SET attempts = $2, status = $4, last_error = $3, next_attempt_at = now() + make_interval(secs => $5),
    sent_at = CASE WHEN $4 = 'sent' THEN now() END WHERE id = $1
"""


class Mailer:
    def __init__(self, settings: NotificationSettings, pool: asyncpg.Pool, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.pool = pool
        self.clock = clock
        self.tls = ssl.create_default_context(cafile=settings.smtp_ca_file)
        self.sent = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with self.pool.acquire() as conn:
                    await mail.queue_digests(conn, self.clock(), _zone(self.settings), self.settings.digest_hour,
                                             self.settings.mail_link_base)
                while await self.send_due():
                    pass
            except Exception as error:
                log.warning("mailer: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.mail_poll_s)

    async def send_due(self) -> int:
        rows = await self.pool.fetch(CLAIM, self.settings.smtp_timeout_s * 2 + 10)
        for row in rows:
            error = await self._send(row)
            attempts = row["attempts"] + 1
            status, delay = self._next(error, attempts)
            await self.pool.execute(RECORD, row["id"], attempts, error, status, delay)
        return len(rows)

    def _next(self, error: str | None, attempts: int) -> tuple[str, float]:
        if error is None:
            self.sent += 1
            return "sent", 0.0
        if attempts >= self.settings.mail_max_attempts:
            return "failed", 0.0
        backoff = self.settings.dispatch_backoff_s
        return "pending", backoff[min(attempts, len(backoff)) - 1]

    async def _send(self, row: Any) -> str | None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.smtp_sender, row["recipient"], row["subject"]
        message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="tdkt")
        message.set_content(row["plain"])
        message.add_alternative(row["html"], subtype="html")
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        try:
            await aiosmtplib.send(message, hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
                                  password=password, start_tls=s.smtp_tls == "starttls", use_tls=s.smtp_tls == "tls",
                                  tls_context=self.tls, timeout=s.smtp_timeout_s)
        except aiosmtplib.SMTPResponseException as error:
            return f"SMTP {error.code}"
        except Exception as error:
            log.info("mail %s not sent: %s: %s", row["id"], type(error).__name__, error)
            return "không kết nối được máy chủ thư"
        return None


def _zone(settings: NotificationSettings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)
