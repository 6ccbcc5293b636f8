"""Webhook signing secrets: made, encrypted at rest (AES-256-GCM), rotated with an overlap.

The key is `TDKT_NOTIFICATION_SECRETS_KEY` (32 bytes in base64) or, when unset, derived from
the service's JWT signing key with HKDF. The subscription's id is the associated data, so a
secret copied to another subscription's row does not decrypt.
"""

from __future__ import annotations

import secrets
from base64 import b64decode, b64encode
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.notification.settings import NotificationSettings


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


class SecretBox:
    def __init__(self, settings: NotificationSettings) -> None:
        self.aead = AESGCM(_key(settings))

    def seal(self, secret: str, subscription_id: UUID) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self.aead.encrypt(nonce, secret.encode(), subscription_id.bytes)

    def open(self, sealed: bytes, subscription_id: UUID) -> str:
        return self.aead.decrypt(sealed[:12], sealed[12:], subscription_id.bytes).decode()


def _key(settings: NotificationSettings) -> bytes:
    if settings.secrets_key is not None:
        key = b64decode(settings.secrets_key.get_secret_value())
        if len(key) != 32:
            raise ValueError("TDKT_NOTIFICATION_SECRETS_KEY must be 32 bytes in base64")
        return key
    if settings.jwt_secret is None:
        raise ValueError("set TDKT_NOTIFICATION_SECRETS_KEY (32 bytes in base64) to encrypt webhook secrets")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tdkt-notification-webhook-secrets")
    return hkdf.derive(settings.jwt_secret.get_secret_value().encode())


async def add(conn: asyncpg.Connection, box: SecretBox, subscription_id: UUID) -> str:
    """A new secret for the subscription, in force now."""
    secret = new_secret()
    await conn.execute("INSERT INTO subscription_secrets (subscription_id, sealed) VALUES ($1, $2)",
                       subscription_id, box.seal(secret, subscription_id))
    return secret


async def rotate(conn: asyncpg.Connection, box: SecretBox, subscription_id: UUID, now: datetime,
                 overlap_s: float) -> tuple[str, datetime]:
    """A new secret; the ones in force stay valid `overlap_s` longer (signatures carry both)."""
    retire_at = now + timedelta(seconds=overlap_s)
    await conn.execute("UPDATE subscription_secrets SET retire_at = $2 WHERE subscription_id = $1 "
                       "AND (retire_at IS NULL OR retire_at > $2)", subscription_id, retire_at)
    return await add(conn, box, subscription_id), retire_at


async def in_force(pool: asyncpg.Pool | asyncpg.Connection, box: SecretBox,
                   subscription_ids: list[UUID], now: datetime) -> dict[UUID, list[tuple[str, datetime | None]]]:
    """Each subscription's secrets in force, newest first, with when each retires."""
    rows = await pool.fetch(
        "SELECT subscription_id, sealed, retire_at FROM subscription_secrets WHERE subscription_id = ANY ($1) "
        "AND (retire_at IS NULL OR retire_at > $2) ORDER BY id DESC", subscription_ids, now)
    found: dict[UUID, list[tuple[str, datetime | None]]] = {}
    for row in rows:
        sid = row["subscription_id"]
        found.setdefault(sid, []).append((box.open(row["sealed"], sid), row["retire_at"]))
    return found
