"""Settings, read once at start-up from ``RENFORT_*`` environment variables.

The embedded default (a SQLite file under ``var/``) needs no variable at all. No secret has a
default: session tokens are random and stored hashed, so there is no signing key to configure.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from renfort.domain.errors import RenfortError
from renfort.domain.retention import KINDS, RetentionPolicy
from renfort.services.throttle import parse_limit


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
    workers: int = Field(default=1, ge=1, le=64,
                         description="processes serving the API (several: PostgreSQL only)")
    cookie_secure: bool = False
    rate_public_chat: str = Field(
        default="60/minute",
        description="Public chat calls per client address (moving window); 'off' disables")
    rate_login_failures: str = Field(
        default="20/5 minutes",
        description="Failed log-ins per client address before log-ins are refused; 'off' disables")

    callback_hours: str = Field(
        default="08:00-20:00", max_length=20,
        description="Paris hours when callbacks are made, every day (HH:MM-HH:MM)")
    telephony_webhook_url: str | None = Field(
        default=None, description="Where transfer requests for calls are POSTed (JSON, "
        "signed); unset: they wait in the outbox")
    telephony_webhook_secret: str | None = Field(
        default=None, description="HMAC-SHA256 key of the telephony webhook's signature")

    @field_validator("telephony_webhook_url")
    @classmethod
    def _an_http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("the telephony webhook URL must be http(s)")
        return value

    retention_contacts_days: float = Field(default=180, ge=1, le=3650)
    retention_messages_days: float = Field(default=180, ge=1, le=3650)
    retention_transcripts_days: float = Field(default=90, ge=1, le=3650)
    retention_agent_events_days: float = Field(default=365, ge=1, le=3650)
    retention_checkins_days: float = Field(default=30, ge=28, le=3650)
    retention_exposure_traces_days: float = Field(default=180, ge=1, le=3650)
    retention_sessions_days: float = Field(default=0, ge=0, le=3650)
    sse_streams_per_user: int = Field(
        default=5, ge=1, le=100,
        description="Live event streams one user may hold open at once (429 beyond)")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies "
                    "whose X-Forwarded-For is believed; none by default: the header is "
                    "ignored and every caller is known by its own connection's address")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for item in _items(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"trusted_proxies: {item!r} is not an IP address or "
                                 "network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    def trusted_proxy_list(self) -> list[str]:
        """The proxies as uvicorn's ``forwarded_allow_ips`` takes them."""
        return _items(self.trusted_proxies)

    @field_validator("rate_public_chat", "rate_login_failures")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        try:
            parse_limit(value)
        except RenfortError as error:
            raise ValueError(error.message) from None
        return value

    def retention(self) -> RetentionPolicy:
        """Days each kind of personal data is kept (``RENFORT_RETENTION_*_DAYS``)."""
        return RetentionPolicy(**{kind: getattr(self, f"retention_{kind}_days")
                                  for kind in KINDS})

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'renfort.db').resolve()}"


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]
