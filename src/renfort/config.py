"""Settings, read once at start-up from ``RENFORT_*`` environment variables.

The embedded default (a SQLite file under ``var/``) needs no variable at all. No secret has a
default: session tokens are random and stored hashed, so there is no signing key to configure.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RENFORT_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the embedded database lives")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite under data_dir when unset"
    )
    offer_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    session_ttl_seconds: int = Field(default=8 * 3600, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    log_level: str = "info"
    cookie_secure: bool = False

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'renfort.db').resolve()}"
