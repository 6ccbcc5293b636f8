"""Where `tdkt` keeps its data and which ports it uses (environment `TDKT_*`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from servicekit.crypto import new_key
from servicekit.secretfiles import read_or_create_secret

SERVICES = ("web", "plan", "nomination", "notification", "reporting")
DEFAULT_PORTS = {"web": 8000, "plan": 8001, "nomination": 8002, "notification": 8003, "reporting": 8004}


@dataclass(frozen=True)
class LauncherConfig:
    data_dir: Path
    host: str
    pg_dsn: str | None
    nats_url: str | None
    pg_port: int
    nats_port: int
    ports: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> LauncherConfig:
        env = os.environ
        return cls(
            data_dir=Path(env.get("TDKT_DATA_DIR", ".tdkt")).resolve(),
            host=env.get("TDKT_HOST", "127.0.0.1"),
            pg_dsn=env.get("TDKT_PG_DSN") or None,
            nats_url=env.get("TDKT_NATS_URL") or None,
            pg_port=int(env.get("TDKT_EMBEDDED_PG_PORT", "55432")),
            nats_port=int(env.get("TDKT_EMBEDDED_NATS_PORT", "54222")),
            ports={name: int(env.get(f"TDKT_{name.upper()}_PORT", port)) for name, port in DEFAULT_PORTS.items()},
        )

    def url(self, service: str) -> str:
        return f"http://{self.host}:{self.ports[service]}"

    @property
    def accounts_file(self) -> Path:
        """The local accounts of the web pages (`tdkt user add`)."""
        return Path(os.environ.get("TDKT_WEB_ACCOUNTS_FILE") or self.data_dir / "accounts.json")

    def web_env(self) -> dict[str, str]:
        """Where the web service finds the four services and its accounts."""
        env = {f"TDKT_WEB_{name.upper()}_URL": self.url(name) for name in SERVICES if name != "web"}
        return {**env, "TDKT_WEB_ACCOUNTS_FILE": str(self.accounts_file), "TDKT_WEB_PUBLIC_URL": self.url("web")}

    def jwt_secret(self) -> str:
        """TDKT_JWT_SECRET, else the local signing key kept in the data folder."""
        if value := os.environ.get("TDKT_JWT_SECRET"):
            return value
        return read_or_create_secret(self.data_dir / "jwt-secret")

    def audit_key(self) -> str:
        """TDKT_AUDIT_KEY, else the key of the events' hash chain kept in the data folder."""
        return os.environ.get("TDKT_AUDIT_KEY") or read_or_create_secret(self.data_dir / "audit-key")

    def cipher_keys(self, service: str) -> str:
        """TDKT_<SERVICE>_CIPHER_KEYS, else the keys that encrypt the service's events at rest,
        kept in the data folder (`<service>-cipher-keys`: base64 AES keys, comma-separated,
        newest first; `tdkt keys rotate SERVICE` puts a new one first)."""
        return os.environ.get(f"TDKT_{service.upper()}_CIPHER_KEYS") or read_or_create_secret(
            self.cipher_keys_file(service), make=new_key)

    def cipher_keys_file(self, service: str) -> Path:
        return self.data_dir / f"{service}-cipher-keys"

    def service_secrets(self) -> dict[str, str]:
        """The secrets of the services that hold personal data, for their environment."""
        record_key = os.environ.get("TDKT_NOMINATION_RECORD_KEY") or read_or_create_secret(
            self.data_dir / "nomination-record-key")
        return {"TDKT_NOMINATION_CIPHER_KEYS": self.cipher_keys("nomination"), "TDKT_NOMINATION_RECORD_KEY": record_key}
