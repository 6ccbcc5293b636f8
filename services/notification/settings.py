from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings

Delay = Annotated[float, Field(ge=0)]


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_NOTIFICATION_", extra="ignore",
                                      populate_by_name=True)

    service: str = "notification"
    port: int = Field(default=8003, ge=1, le=65535)
    subscription_max_bytes: int = Field(default=16 * 1024, gt=0)

    # The dispatcher: how webhooks are called and retried.
    dispatch_timeout_s: float = Field(default=10.0, gt=0)
    dispatch_max_attempts: int = Field(default=8, ge=1)
    # Delay after the 1st, 2nd, … failed attempt; the last value repeats.
    dispatch_backoff_s: list[Delay] = Field(default=[1, 5, 30, 120, 600, 1800, 3600], min_length=1)
    dispatch_concurrency: int = Field(default=16, ge=1, le=256)
    dispatch_poll_interval_s: float = Field(default=5.0, gt=0)

