from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_REPORTING_", extra="ignore", populate_by_name=True)

    service: str = "reporting"
    port: int = Field(default=8004, ge=1, le=65535)
