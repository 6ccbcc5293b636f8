from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class PlanSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_PLAN_", extra="ignore", populate_by_name=True)

    service: str = "plan"
    port: int = Field(default=8001, ge=1, le=65535)
    deadline_check_interval_s: float = Field(default=60.0, gt=0)
    import_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
