"""The notification service: the unit's inbox, webhook subscriptions and their deliveries."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import Api


class NotificationApi(Api):
    service = "thông báo"

    async def inbox(self, *, unread: bool = False, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return await self.get("/inbox", unread=str(unread).lower(), limit=limit, offset=offset)

    async def unread(self) -> int:
        return int((await self.get("/inbox/unread-count"))["unread"])

    async def mark_read(self, message_id: int) -> Any:
        return await self.post(f"/inbox/{message_id}/read")

    async def subscriptions(self) -> list[dict[str, Any]]:
        return await self.get("/subscriptions")

    async def deliveries(self, subscription_id: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return await self.get(f"/subscriptions/{subscription_id}/deliveries", limit=limit, offset=offset)
