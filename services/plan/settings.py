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
    # The members' vote for a cluster's leading unit, unless a vote names its own (UNVERIFIED rules:
    # the province's guidance on clusters and blocks decides; 2/3 present, more than half of all).
    cluster_vote_quorum: str = Field(default="2/3", pattern=r"^[1-9][0-9]{0,2}/[1-9][0-9]{0,2}$")
    cluster_vote_threshold: str = Field(default="1/2", pattern=r"^[1-9][0-9]{0,2}/[1-9][0-9]{0,2}$")
    cluster_vote_strictly_more: bool = True
    # The public feed of exemplary models (Atom, RSS, JSON Feed): where it is reached from outside.
    public_base_url: str = "http://127.0.0.1:8001"
    public_feed_size: int = Field(default=50, ge=1, le=500)
    public_feed_title: str = "Điển hình tiên tiến tỉnh Cao Bằng"
    public_feed_author: str = "Sở Nội vụ tỉnh Cao Bằng"
