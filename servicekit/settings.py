"""Configuration from `TDKT_*` environment variables, read once at start-up.

Shared values (`TDKT_PG_DSN`, `TDKT_NATS_URL`, …) are declared here with explicit names;
each service subclasses `ServiceSettings` with its own prefix (`TDKT_PLAN_`) for the rest.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _shared(name: str, **kwargs: Any) -> Any:
    return Field(validation_alias=AliasChoices(f"TDKT_{name}"), **kwargs)


class ServiceSettings(BaseSettings):
    """Values every service reads; a subclass sets `service` and its own `env_prefix`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service: str = "service"

    pg_dsn: str = _shared("PG_DSN", default="postgresql://postgres@127.0.0.1:5432/postgres")
    db_prefix: str = _shared("DB_PREFIX", default="tdkt_", pattern=r"^[a-z][a-z0-9_]{0,40}$")
    nats_url: str = _shared("NATS_URL", default="nats://127.0.0.1:4222")  # a comma-separated list for a cluster
    subject_root: str = _shared("SUBJECT_ROOT", default="tdkt", pattern=r"^[a-z][a-z0-9_]*$")
    stream_name: str = _shared("STREAM", default="TDKT", pattern=r"^[A-Za-z0-9_-]+$")
    stream_replicas: int = _shared("STREAM_REPLICAS", default=1, ge=1, le=5)
    duplicate_window_s: float = _shared("DUPLICATE_WINDOW_S", default=600.0, gt=0)

    jwt_secret: SecretStr | None = _shared("JWT_SECRET", default=None)
    jwt_jwks_url: str | None = _shared("JWT_JWKS_URL", default=None)
    jwt_issuer: str = _shared("JWT_ISSUER", default="tdkt-local")
    jwt_audience: str = _shared("JWT_AUDIENCE", default="tdkt")

    log_level: str = _shared("LOG_LEVEL", default="INFO")
    log_format: Literal["json", "text"] = _shared("LOG_FORMAT", default="json")
    otlp_endpoint: str | None = _shared("OTLP_ENDPOINT", default=None)
    timezone: str = _shared("TIMEZONE", default="Asia/Ho_Chi_Minh")
    max_body_bytes: int = _shared("MAX_BODY_BYTES", default=1024 * 1024, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,62}$")
    consumer_max_deliver: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _identity_configured(self) -> ServiceSettings:
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            raise ValueError(
                "set TDKT_JWT_SECRET (local signing key) or TDKT_JWT_JWKS_URL (OIDC provider)"
            )
        return self

    @property
    def database_name(self) -> str:
        return self.database or f"{self.db_prefix}{self.service}"

    def dsn_for(self, database: str | None = None) -> str:
        """The server DSN with the database part replaced."""
        parts = urlsplit(self.pg_dsn)
        return urlunsplit(parts._replace(path=f"/{database or self.database_name}"))
