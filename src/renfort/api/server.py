"""Running the service: one process on SQLite, one or several on PostgreSQL.

Several processes (``renfort serve --workers N``, or separate ``renfort serve`` on several
hosts) share one PostgreSQL database: every process serves the whole API and one leads the
desk (:mod:`renfort.services.cluster`). SQLite is the single-process embedded default: a
second server on the same file is refused, with a clear message, before it starts.

On SIGTERM the live event streams end at once (uvicorn would otherwise wait for them: see
the app's lifespan), the requests in flight get :data:`GRACE_SECONDS`, then the desk
finishes its batch.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

import uvicorn
from sqlalchemy.engine import make_url
from uvicorn.supervisors import Multiprocess

from renfort.config import Settings
from renfort.domain.errors import ConflictError, ValidationError
from renfort.store.engine import is_postgres

GRACE_SECONDS = 5


def claim_sqlite(url: str) -> IO[bytes]:
    """Hold the SQLite database for this process; refused if another server holds it.

    The lock lives as long as the returned file stays open (the process, normally).
    """
    database = make_url(url).database or ""
    path = Path(f"{database}.serve.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConflictError(
            f"another Renfort server already serves {database}: SQLite is served by one "
            "process; to run several, use PostgreSQL (RENFORT_DATABASE_URL)",
            {"field": "database_url"}) from None
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    return handle


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    url = settings.resolved_database_url()
    if workers < 1:
        raise ValidationError("--workers: at least 1", {"field": "workers"})
    held = None
    if not is_postgres(url):
        if workers > 1:
            raise ValidationError("several processes need PostgreSQL (RENFORT_DATABASE_URL); "
                                  "SQLite is served by one process", {"field": "workers"})
        held = claim_sqlite(url)
    # X-Forwarded-For is believed only from the proxies named in RENFORT_TRUSTED_PROXIES:
    # uvicorn's own default trusts it from loopback, which lets anyone on the machine (or
    # behind a local proxy that passes the header on) pick the address the rate limits count.
    proxies = settings.trusted_proxy_list()
    config = uvicorn.Config(
        "renfort.api.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level=settings.log_level, access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS, proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.Server(config).run()
    finally:
        if held is not None:
            held.close()
