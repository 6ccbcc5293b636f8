"""Configuration from `TDKT_*` environment variables, read once at start-up.

Shared values (`TDKT_PG_DSN`, `TDKT_NATS_URL`, …) are declared here with explicit names;
each service subclasses `ServiceSettings` with its own prefix (`TDKT_PLAN_`) for the rest.
"""

from __future__ import annotations

import sys
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32  # an HS256 key shorter than its hash is guessable offline from one token


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
    # How often a standby replica tries for the lock of work one replica does (servicekit.leader).
    leader_interval_s: float = _shared("LEADER_INTERVAL_S", default=2.0, gt=0, le=60)

    jwt_secret: SecretStr | None = _shared("JWT_SECRET", default=None)
    jwt_jwks_url: str | None = _shared("JWT_JWKS_URL", default=None)
    jwt_issuer: str = _shared("JWT_ISSUER", default="tdkt-local")
    jwt_audience: str = _shared("JWT_AUDIENCE", default="tdkt")
    audit_key: SecretStr | None = _shared("AUDIT_KEY", default=None)  # the events' hash chain (services with a store)
    command_budget_s: float = _shared("COMMAND_BUDGET_S", default=10.0, ge=2, le=120)
    jwt_jwks_lifespan_s: float = _shared("JWT_JWKS_LIFESPAN_S", default=300.0, gt=0)
    jwt_jwks_cooldown_s: float = _shared("JWT_JWKS_COOLDOWN_S", default=30.0, ge=0)

    log_level: str = _shared("LOG_LEVEL", default="INFO")
    log_format: Literal["json", "text"] = _shared("LOG_FORMAT", default="json")
    otlp_endpoint: str | None = _shared("OTLP_ENDPOINT", default=None)
    timezone: str = _shared("TIMEZONE", default="Asia/Ho_Chi_Minh")
    max_body_bytes: int = _shared("MAX_BODY_BYTES", default=1024 * 1024, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,62}$")
    # The service's own PostgreSQL role (made by the migration step), in place of the DSN's user.
    pg_user: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,62}$")
    pg_password: SecretStr | None = None
    # The service's own NATS user (infra/nats, servicekit.natsauth); None: the URL's credentials, if any.
    # Keys that encrypt the service's events at rest, newest first (servicekit.crypto).
    cipher_keys: SecretStr | None = None
    nats_user: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    nats_password: SecretStr | None = None
    consumer_max_deliver: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _identity_configured(self) -> ServiceSettings:
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            raise ValueError(
                "đặt TDKT_JWT_SECRET (khóa ký cục bộ) hoặc TDKT_JWT_JWKS_URL (nhà cung cấp OIDC)"
            )
        if self.audit_key is not None and len(self.audit_key.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"TDKT_AUDIT_KEY phải dài ít nhất {MIN_SECRET_BYTES} byte")
        if self.jwt_secret is not None and len(self.jwt_secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"TDKT_JWT_SECRET phải dài ít nhất {MIN_SECRET_BYTES} byte "
                f"(hiện {len(self.jwt_secret.get_secret_value().encode())}); tạo một khóa mới bằng: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def database_name(self) -> str:
        return self.database or f"{self.db_prefix}{self.service}"

    def dsn_for(self, database: str | None = None) -> str:
        """The server DSN with the database part replaced (and the service's own role, if set)."""
        parts = urlsplit(self.pg_dsn)
        if self.pg_user is not None:
            password = quote(self.pg_password.get_secret_value(), safe="") if self.pg_password else ""
            netloc = f"{self.pg_user}:{password}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
            parts = parts._replace(netloc=netloc)
        return urlunsplit(parts._replace(path=f"/{database or self.database_name}"))


S = TypeVar("S", bound=ServiceSettings)


def load_settings(cls: type[S]) -> S:
    """The service's settings from the environment; a wrong value ends the start-up with a
    message saying which variable and why (not a traceback)."""
    try:
        return cls()
    except ValidationError as error:
        lines = [f"  - {'.'.join(str(p) for p in e['loc']) or 'cấu hình'}: {e['msg'].removeprefix('Value error, ')}"
                 for e in error.errors()]
        print(f"Cấu hình của dịch vụ {cls.model_fields['service'].default} không hợp lệ:", *lines,
              sep="\n", file=sys.stderr)
        raise SystemExit(2) from None
