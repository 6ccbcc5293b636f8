from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, model_validator
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
    dispatch_poll_interval_s: float = Field(default=5.0, gt=0)
    # Deliveries of one webhook held in memory at once (the rest wait in the database).
    dispatch_buffer: int = Field(default=4000, ge=10)
    dispatch_batch: int = Field(default=500, ge=1)
    # A webhook that fails this many calls in a row is not called for a while (circuit open).
    circuit_failures: int = Field(default=5, ge=1)
    circuit_open_s: list[Delay] = Field(default=[5, 30, 120, 600], min_length=1)

    # Safe targets: https only unless allowed; internal addresses only for the listed hosts.
    webhook_allow_http: bool = False
    webhook_allowed_hosts: list[str] = Field(default=[], description="Hosts (as written in the URL) that may "
                                                                      "resolve to internal addresses")
    dns_cache_s: float = Field(default=10.0, ge=0)
    window_max: int = Field(default=64, ge=1, le=256)

    # Signing secrets: encrypted at rest with this key (32 bytes, base64); derived from the
    # JWT signing key when unset.
    secrets_key: SecretStr | None = None
    secret_overlap_s: float = Field(default=24 * 3600, ge=0, le=30 * 24 * 3600)

    # Reminders before deadlines, in days before the due date.
    task_reminder_days: list[int] = Field(default=[14, 7, 1], min_length=0)
    # Before the day a dossier's current step must be done by (calendar days), to its unit.
    dossier_reminder_days: list[int] = Field(default=[3, 1], min_length=0)
    # Reminders before a movement's registration deadline, to the units not registered yet.
    movement_reminder_days: list[int] = Field(default=[7, 3, 1], min_length=0)
    reminder_interval_s: float = Field(default=60.0, gt=0)

    # E-mail (SMTP with STARTTLS or implicit TLS, and authentication).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_password_file: Path | None = Field(default=None, description="A file holding the SMTP password (a "
                                            "container secret), read when smtp_password is not set")
    smtp_tls: str = Field(default="starttls", pattern="^(starttls|tls|none)$")
    smtp_ca_file: str | None = None
    smtp_sender: str = "TĐKT Cao Bằng <tdkt@caobang.gov.vn>"
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    digest_hour: int = Field(default=7, ge=0, le=23)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_poll_s: float = Field(default=5.0, gt=0)
    mail_link_base: str = Field(default="", description="Where the links of mails point (the web pages' address)")

    @model_validator(mode="after")
    def _smtp_password_from_file(self) -> NotificationSettings:
        if self.smtp_password is None and self.smtp_password_file is not None:
            try:
                secret = self.smtp_password_file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ValueError(f"không đọc được tệp mật khẩu SMTP {self.smtp_password_file}: {error.strerror}") \
                    from None
            self.smtp_password = SecretStr(secret) if secret else None
        return self
