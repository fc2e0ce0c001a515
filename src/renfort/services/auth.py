"""Users, passwords (argon2), session tokens and API keys.

Tokens are random and only their SHA-256 is stored, so a leaked database does not leak a
usable token, and there is no signing secret to configure.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from renfort.domain.clock import Clock
from renfort.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from renfort.domain.ids import new_id
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.services.throttle import LOGIN_FAILURES, Throttle
from renfort.store import repository as repo
from renfort.store import tables as t

_hasher = PasswordHasher()
MAX_PASSWORD = 200
_KEY_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so that answering takes as long. Made on
    first use, not at import: hashing costs every CLI command half a second of CPU."""
    return _hasher.hash("renfort-timing-equaliser")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: float
    principal: Principal


def _principal_from(row: dict[str, object]) -> Principal:
    return Principal(
        user_id=str(row["id"]),
        username=str(row["username"]),
        role=Role(str(row["role"])),
        outsourcer_id=str(row["outsourcer_id"]) if row["outsourcer_id"] else None,
        client_id=str(row["client_id"]) if row["client_id"] else None,
        agent_id=str(row["agent_id"]) if row["agent_id"] else None,
    )


class AuthService:
    """Creates users and checks credentials; caches valid tokens for a minute."""

    def __init__(self, engine: Engine, clock: Clock, session_ttl: float,
                 throttle: Throttle | None = None) -> None:
        """*throttle* limits failed log-ins per caller (none when omitted: CLI, tests)."""
        self._engine = engine
        self._clock = clock
        self._ttl = session_ttl
        self._throttle = throttle or Throttle({})
        self._cache: dict[str, tuple[Principal, float, float]] = {}
        self.on_revoke: Callable[[dict[str, str]], None] | None = None
        """Tells the other processes (they cache sessions too) what ended: ``{"digest": …}``
        or ``{"user": …}``."""

    def create_user(
        self,
        username: str,
        password: str,
        role: Role,
        *,
        outsourcer: str | None = None,
        client: str | None = None,
        agent: str | None = None,
    ) -> Principal:
        """Create a user bound to the tenant its role needs (slugs or ids accepted)."""
        if not 3 <= len(username) <= 100 or not username.replace("-", "").replace("_", "") \
                .replace(".", "").isalnum():
            raise ValidationError("username: 3–100 letters, digits, '-', '_' or '.'",
                                  {"field": "username"}, reason="username-format")
        if not 8 <= len(password) <= MAX_PASSWORD:
            raise ValidationError(f"password: at least 8 characters, at most {MAX_PASSWORD}",
                                  {"field": "password"},
                                  reason="password-length", values={"max": MAX_PASSWORD})
        if role is Role.INTEGRATION:
            raise ValidationError("integrations use API keys, not users", {"field": "role"},
                                  reason="integration-no-user")
        with self._engine.begin() as conn:
            outsourcer_id, client_id, agent_id = self._tenant(conn, role, outsourcer, client,
                                                              agent)
            taken = conn.execute(select(t.users.c.id).where(t.users.c.username == username))
            if taken.first():
                raise ConflictError(f"user {username!r} already exists", {"field": "username"},
                                    reason="username-taken", values={"username": username})
            user_id = new_id()
            conn.execute(insert(t.users).values(
                id=user_id, username=username, password_hash=_hasher.hash(password),
                role=str(role), outsourcer_id=outsourcer_id, client_id=client_id,
                agent_id=agent_id, created_at=self._clock.now(),
            ))
        return Principal(user_id, username, role, outsourcer_id, client_id, agent_id)

    def _tenant(self, conn: Connection, role: Role, outsourcer: str | None,
                client: str | None, agent: str | None
                ) -> tuple[str | None, str | None, str | None]:
        """The (outsourcer, client, agent) ids a user of ``role`` is bound to."""
        if role in OUTSOURCER_ROLES or role is Role.STAFF_REP:
            return self._ref(conn, t.outsourcers, outsourcer, "outsourcer", role), None, None
        if role in (Role.CLIENT_VIEWER, Role.KNOWLEDGE_EDITOR):
            return None, self._ref(conn, t.clients, client, "client", role), None
        if role is Role.AGENT:
            agent_id = self._ref(conn, t.agents, agent, "agent", role)
            agent_row = repo.get_row(conn, t.agents, agent_id)
            assert agent_row is not None
            # An agent user belongs to its agent's outsourcer; another one asked for is a
            # mistake to say, not to override in silence.
            if outsourcer is not None:
                asked = self._ref(conn, t.outsourcers, outsourcer, "outsourcer", role)
                if asked != agent_row["outsourcer_id"]:
                    theirs = repo.get_row(conn, t.outsourcers, agent_row["outsourcer_id"])
                    name = theirs["slug"] if theirs is not None else agent_row["outsourcer_id"]
                    raise ValidationError(
                        f"agent {agent!r} works for outsourcer {name!r}, not {outsourcer!r}",
                        {"field": "outsourcer"}, reason="agent-other-outsourcer")
            return str(agent_row["outsourcer_id"]), None, agent_id
        return None, None, None

    def change_role(self, user_id: str, role: Role, *, outsourcer: str | None = None,
                    client: str | None = None, agent: str | None = None) -> Principal:
        """Give a user another role (and the tenant it needs). Their sessions end at once:
        every token and open event stream of theirs stops, and they log in again."""
        if role is Role.INTEGRATION:
            raise ValidationError("integrations use API keys, not users", {"field": "role"},
                                  reason="integration-no-user")
        with self._engine.begin() as conn:
            row = repo.get_row(conn, t.users, user_id)
            if row is None:
                raise NotFoundError("no such user", {"user": user_id}, reason="user-unknown")
            outsourcer_id, client_id, agent_id = self._tenant(conn, role, outsourcer, client,
                                                              agent)
            conn.execute(update(t.users).where(t.users.c.id == user_id).values(
                role=str(role), outsourcer_id=outsourcer_id, client_id=client_id,
                agent_id=agent_id))
            conn.execute(delete(t.sessions).where(t.sessions.c.user_id == user_id))
        self.revoke_user(user_id)
        return Principal(user_id, str(row["username"]), role, outsourcer_id, client_id,
                         agent_id)

    def revoke_user(self, user_id: str) -> None:
        """Forget every cached session of a user whose sessions were deleted (deletion, role
        change): their tokens fail at the next request, their streams at the next check."""
        self.forget({"user": user_id})
        if self.on_revoke is not None:
            self.on_revoke({"user": user_id})

    def forget(self, ended: dict[str, str]) -> None:
        """Drop cached sessions that ended (here, or in another process)."""
        if "digest" in ended:
            self._cache.pop(ended["digest"], None)
        user = ended.get("user")
        if user is not None:
            for digest, (principal, _, _) in list(self._cache.items()):
                if principal.user_id == user:
                    self._cache.pop(digest, None)

    def session_alive(self, token: str) -> bool:
        """Whether ``token`` still opens a session (checked by open event streams). A store
        that cannot answer for a moment ends no stream: only a known end of session does."""
        try:
            self.principal_for_token(token)
        except AuthenticationError:
            return False
        except SQLAlchemyError:
            return True
        return True

    @staticmethod
    def _ref(conn: Connection, table: Table, ref: str | None, what: str, role: Role) -> str:
        if not ref:
            raise ValidationError(f"role {role} needs --{what}", {"field": what},
                                  reason="role-needs-tenant")
        found = repo.find_id(conn, table, ref)
        if found is None:
            raise ValidationError(f"unknown {what} {ref!r}", {"field": what},
                                  reason="reference-unknown", values={"ref": ref})
        return found

    def login(self, username: str, password: str, *, caller: str = "") -> IssuedToken:
        """Check a password and open a session; the same error whatever was wrong.

        *caller* (the client's address) counts failures: over the limit, every log-in from
        it is refused for a while, right password or not, so guessing stops paying.
        """
        self._throttle.check(LOGIN_FAILURES, caller)
        try:
            return self._login(username, password)
        except AuthenticationError:
            self._throttle.count(LOGIN_FAILURES, caller)
            raise

    def _login(self, username: str, password: str) -> IssuedToken:
        if len(username) > 100 or len(password) > MAX_PASSWORD:
            raise AuthenticationError("wrong username or password")
        with self._engine.begin() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)) \
                .mappings().first()
            stored = str(row["password_hash"]) if row else _dummy_hash()
            try:
                _hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                row = None
            if row is None:
                raise AuthenticationError("wrong username or password")
            token = secrets.token_urlsafe(32)
            expires = self._clock.now() + self._ttl
            conn.execute(insert(t.sessions).values(
                token_hash=_digest(token), user_id=row["id"], expires_at=expires))
        return IssuedToken(token, expires, _principal_from(dict(row)))

    def logout(self, token: str) -> None:
        digest = _digest(token)
        self._cache.pop(digest, None)
        with self._engine.begin() as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == digest))
        if self.on_revoke is not None:
            self.on_revoke({"digest": digest})

    def principal_for_token(self, token: str) -> Principal:
        digest = _digest(token)
        now = self._clock.now()
        cached = self._cache.get(digest)
        if cached and cached[1] > now and cached[2] > now:
            return cached[0]
        with self._engine.connect() as conn:
            row = conn.execute(
                select(t.users, t.sessions.c.expires_at)
                .join(t.sessions, t.sessions.c.user_id == t.users.c.id)
                .where(t.sessions.c.token_hash == digest)
            ).mappings().first()
        if row is None or row["expires_at"] <= now:
            self._cache.pop(digest, None)
            raise AuthenticationError("session expired or unknown; log in again")
        principal = _principal_from(dict(row))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (principal, float(row["expires_at"]), now + 60.0)
        return principal

    def create_api_key(self, name: str, client: str | None = None) -> str:
        """A new API key for a channel integration; the key is shown once, stored hashed."""
        if not _KEY_NAME.match(name):
            raise ValidationError("API key name: 1–100 letters, digits, '.', '_' or '-'",
                                  {"field": "name"}, reason="api-key-name")
        key = "rk_" + secrets.token_urlsafe(32)
        with self._engine.begin() as conn:
            client_id = self._ref(conn, t.clients, client, "client", Role.INTEGRATION) \
                if client else None
            if conn.execute(select(t.api_keys.c.id).where(t.api_keys.c.name == name)).first():
                raise ConflictError(f"API key {name!r} already exists", {"field": "name"},
                                    reason="api-key-taken")
            conn.execute(insert(t.api_keys).values(
                id=new_id(), name=name, key_hash=_digest(key), client_id=client_id,
                created_at=self._clock.now()))
        return key

    def cached(self, secret: str, *, api_key: bool = False) -> Principal | None:
        """The principal of a token (or API key) known from a recent lookup, without any
        I/O; ``None`` when the store must be asked."""
        entry = self._cache.get(_digest(secret))
        if entry is None:
            return None
        principal, expires, fresh_until = entry
        now = self._clock.now()
        if fresh_until > now and (api_key or expires > now):
            return principal
        return None

    def principal_for_api_key(self, key: str) -> Principal:
        digest = _digest(key)
        cached = self._cache.get(digest)
        now = self._clock.now()
        if cached and cached[2] > now:
            return cached[0]
        with self._engine.connect() as conn:
            row = conn.execute(select(t.api_keys).where(t.api_keys.c.key_hash == digest)) \
                .mappings().first()
        if row is None:
            raise AuthenticationError("unknown API key")
        principal = Principal(user_id=str(row["id"]), username=f"apikey:{row['name']}",
                              role=Role.INTEGRATION,
                              client_id=str(row["client_id"]) if row["client_id"] else None)
        self._cache[digest] = (principal, float("inf"), now + 60.0)
        return principal
