"""``renfort serve`` with faults planted, for the chaos tests (run as a script).

A contact whose customer reference starts with ``chaos-boom`` makes its command fail after it
changed the desk's memory (an unexpected exception); one starting with ``chaos-route`` makes
the routing that follows its arrival fail. Everything else is the real server.
"""

from __future__ import annotations

import sys
from typing import Any

from renfort.services.batch import Batch
from renfort.services.desk_handlers import DeskCore

_receive = DeskCore._receive_contact
_route = DeskCore.route


def _faulty_receive(self: DeskCore, command: Any, batch: Batch) -> Any:
    contact = _receive(self, command, batch)
    if command.customer_ref.startswith("chaos-boom"):
        raise RuntimeError("chaos: a command fails after changing memory")
    return contact


_failed_once: set[str] = set()


def _faulty_route(self: DeskCore, batch: Batch) -> None:
    for row in batch.new_contacts:
        if row["customer_ref"].startswith("chaos-route") and row["id"] not in _failed_once:
            _failed_once.add(row["id"])  # once: the careful path routes it again
            raise RuntimeError("chaos: routing fails")
    _route(self, batch)


DeskCore._receive_contact = _faulty_receive  # type: ignore[method-assign]
DeskCore.route = _faulty_route  # type: ignore[method-assign]

if __name__ == "__main__":
    from renfort.cli.main import app

    sys.argv = ["renfort", "serve", *sys.argv[1:]]
    app()
