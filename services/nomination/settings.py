from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class NominationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_NOMINATION_", extra="ignore", populate_by_name=True)

    service: str = "nomination"
    port: int = Field(default=8002, ge=1, le=65535)
