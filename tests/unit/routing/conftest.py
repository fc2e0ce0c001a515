from __future__ import annotations

import pytest

from tests.unit.routing.routing_world import World


@pytest.fixture
def world() -> World:
    return World()
