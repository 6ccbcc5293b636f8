"""E-mail to the units' contact addresses: one mail per new inbox message, or one daily digest
for contacts who chose it; queued in the transaction that wrote the messages, sent by the mailer.

Texts are Vietnamese templates (subject, plain text and HTML) filled from the inbox message.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS unit_contacts (
    unit_code text NOT NULL,
    email text NOT NULL,
    name text NOT NULL DEFAULT '',
    digest boolean NOT NULL DEFAULT false,
    digested_up_to bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, email)
);
CREATE TABLE IF NOT EXISTS mails (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code text NOT NULL,
    recipient text NOT NULL,
    source text NOT NULL,
    subject text NOT NULL,
    plain text NOT NULL,
    html text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (recipient, source)
);
CREATE INDEX IF NOT EXISTS mails_due ON mails (next_attempt_at) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS mail_attempts (
    mail_id bigint NOT NULL REFERENCES mails (id),
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    error text,
    PRIMARY KEY (mail_id, attempt)
);
"""
INSERT = """
INSERT INTO mails (unit_code, recipient, source, subject, plain, html)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
ON CONFLICT (recipient, source) DO NOTHING
"""
DIGEST_LOCK = 7_310_007
FOOTER = "Hệ thống thông tin thi đua, khen thưởng tỉnh Cao Bằng — thư gửi tự động, xin đừng trả lời thư này."


def render(greeting: str, items: list[dict[str, Any]], link_base: str) -> tuple[str, str]:
    """The plain text and HTML of a mail holding `items` (inbox messages)."""
    plain = [f"Kính gửi {greeting},", ""]
    parts = [f"<p>Kính gửi {html.escape(greeting)},</p>"]
    for item in items:
        url = link_base + item["link"]
        plain += [item["title"], item["body"], f"Xem chi tiết: {url}", ""]
        parts.append(f'<h3>{html.escape(item["title"])}</h3><p>{html.escape(item["body"])}</p>'
                     f'<p><a href="{html.escape(url, quote=True)}">Xem chi tiết</a></p>')
    plain.append(FOOTER)
    parts.append(f'<hr><p style="color:#666">{html.escape(FOOTER)}</p>')
    page = "".join(parts)
    return "\n".join(plain), f'<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><body>{page}</body></html>'


async def queue_messages(conn: asyncpg.Connection, message_ids: list[int], link_base: str) -> None:
    """A mail per new message to each contact of its unit who takes mails one by one."""
    if not message_ids:
        return
    rows = await conn.fetch(
        "SELECT m.id, m.unit_code, m.title, m.body, m.link, c.email, c.name FROM inbox_messages m "
        "JOIN unit_contacts c ON c.unit_code = m.unit_code AND NOT c.digest WHERE m.id = ANY ($1::bigint[])",
        message_ids)
    mails = []
    for row in rows:
        plain, page = render(row["name"] or f"đơn vị {row['unit_code']}", [dict(row)], link_base)
        mails.append((row["unit_code"], row["email"], f"message:{row['id']}", f"[TĐKT] {row['title']}", plain, page))
    await _insert(conn, mails)


async def queue_digests(conn: asyncpg.Connection, now: datetime, zone: ZoneInfo, hour: int, link_base: str) -> int:
    """Once a day from `hour`: one mail per digest contact with its unit's messages since its
    last digest (none when there are none); the (recipient, day) row makes it once."""
    local = now.astimezone(zone)
    if local.hour < hour:
        return 0
    source = _digest_source(local.date())
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", DIGEST_LOCK)
        rows = await conn.fetch(
            "SELECT c.unit_code, c.email, c.name, m.id, m.title, m.body, m.link FROM unit_contacts c "
            "JOIN inbox_messages m ON m.unit_code = c.unit_code AND m.id > c.digested_up_to "
            "WHERE c.digest AND NOT EXISTS (SELECT 1 FROM mails x WHERE x.recipient = c.email AND x.source = $1) "
            "ORDER BY c.email, m.id", source)
        by_contact: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for row in rows:
            by_contact.setdefault((row["unit_code"], row["email"], row["name"]), []).append(dict(row))
        mails = []
        for (unit, email, name), items in by_contact.items():
            plain, page = render(name or f"đơn vị {unit}", items, link_base)
            subject = f"[TĐKT] Tổng hợp thông báo ngày {local.date():%d/%m/%Y}: {len(items)} thông báo"
            mails.append((unit, email, source, subject, plain, page))
            await conn.execute("UPDATE unit_contacts SET digested_up_to = $3 WHERE unit_code = $1 AND email = $2",
                               unit, email, items[-1]["id"])
        await _insert(conn, mails)
    return len(mails)


def _digest_source(day: date) -> str:
    return f"digest:{day.isoformat()}"


async def _insert(conn: asyncpg.Connection, mails: Sequence[Sequence[str]]) -> None:
    if mails:
        await conn.execute(INSERT, *[list(column) for column in zip(*mails, strict=True)])
