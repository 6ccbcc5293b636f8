"""Settings of the web service (`TDKT_WEB_*`), beside the shared ones of every service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class WebSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_WEB_", extra="ignore", populate_by_name=True)

    service: str = "web"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str = "http://127.0.0.1:8000"  # the address people open; OIDC redirects back here
    plan_url: str = "http://127.0.0.1:8001"
    nomination_url: str = "http://127.0.0.1:8002"
    notification_url: str = "http://127.0.0.1:8003"
    reporting_url: str = "http://127.0.0.1:8004"
    api_timeout_s: float = Field(default=30.0, gt=0)

    accounts_file: Path | None = None  # local accounts (`tdkt user add`); none: OIDC only
    session_hours: float = Field(default=8.0, gt=0, le=24 * 7)
    token_ttl_s: int = Field(default=300, ge=30, le=3600)  # the services' token minted per request
    cookie_secure: bool = False  # True behind HTTPS
    login_delay_s: float = Field(default=1.0, ge=0, le=10)
    lock_after_failures: int = Field(default=5, ge=1, le=100)
    lock_minutes: int = Field(default=15, ge=1, le=24 * 60)

    oidc_issuer: str | None = None  # e.g. https://sso.tinh.gov.vn/realms/tdkt
    oidc_client_id: str = "tdkt-web"
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile email"
    oidc_unit_claim: str = "unit"
    oidc_roles_claim: str = "roles"  # a dotted path such as realm_access.roles
    oidc_name_claim: str = "name"
    oidc_role_map: dict[str, str] = {}  # the provider's role name -> ours (unmapped names kept as they are)

    comment_max_chars: int = Field(default=2000, ge=10, le=5000)
    comments_per_hour: int = Field(default=5, ge=1, le=1000)
    page_size: int = Field(default=50, ge=5, le=500)
