"""The contact state machine is a table: every move not in it is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.contacts import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    ContactState,
    allowed_actions,
    mask_customer_ref,
    next_state,
)
from renfort.domain.errors import InvalidTransitionError


def test_happy_path_reaches_closed() -> None:
    state = ContactState.RECEIVED
    for action in (Action.QUEUE, Action.OFFER, Action.ACCEPT, Action.END, Action.CLOSE):
        state = next_state(state, action)
    assert state is ContactState.CLOSED


def test_returned_offer_goes_back_to_queued() -> None:
    assert next_state(ContactState.OFFERED, Action.RETURN) is ContactState.QUEUED


def test_transfer_queues_again() -> None:
    state = next_state(ContactState.ACCEPTED, Action.TRANSFER)
    assert next_state(state, Action.QUEUE) is ContactState.QUEUED


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_final_states_lead_nowhere(final: ContactState) -> None:
    assert allowed_actions(final) == frozenset()
    with pytest.raises(InvalidTransitionError):
        next_state(final, Action.QUEUE)


@given(st.sampled_from(list(ContactState)), st.sampled_from(list(Action)))
def test_every_pair_is_either_in_the_table_or_refused(state: ContactState,
                                                      action: Action) -> None:
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) is TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransitionError) as raised:
            next_state(state, action)
        assert raised.value.details == {"state": str(state), "action": str(action)}


def test_every_state_is_reachable_from_received() -> None:
    seen = {ContactState.RECEIVED}
    frontier = [ContactState.RECEIVED]
    while frontier:
        state = frontier.pop()
        for action in allowed_actions(state):
            after = next_state(state, action)
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    assert seen == set(ContactState)


@pytest.mark.parametrize(("raw", "masked"), [
    ("+33 6 12 34 56 78", "•••••••••78"),
    ("jeanne.dupont@example.fr", "je***@example.fr"),
    ("AB1234", "AB***"),
    ("0612345678", "••••••••78"),
    ("X", "***"),
])
def test_customer_references_are_masked(raw: str, masked: str) -> None:
    assert mask_customer_ref(raw) == masked
