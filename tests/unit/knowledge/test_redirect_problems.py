"""A proposed directory entry is either accepted whole or refused with every problem named;
nothing in between, whatever the input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.errors import ValidationError
from renfort.knowledge import redirects as r

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=6)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=6), max_leaves=20)
FIELDS = st.fixed_dictionaries({}, optional={
    "label": JSON, "hours": JSON, "message": JSON, "source": JSON,
    "numbers": st.lists(st.fixed_dictionaries({}, optional={
        "label": JSON, "number": st.from_regex(r"[0-9 a-z+-]{0,22}", fullmatch=True) | JSON,
        "kind": st.sampled_from(["tel", "sms", "fax"]) | JSON}), max_size=7) | JSON})


@given(key=st.sampled_from(r.KEYS), data=FIELDS)
def test_accepted_whole_or_refused_with_every_problem(key: str, data: dict[str, Any]) -> None:
    found, entry = r.problems(key, data)
    assert (entry is None) == bool(found)
    if entry is not None:
        assert r.problems(key, r.entry_to(entry)) == ([], entry)
        assert 1 <= len(entry.numbers) <= r.MAX_NUMBERS
    else:
        with pytest.raises(ValidationError) as refused:
            r.entry_from(key, data)
        assert [p["rule"] for p in r.problems_of(refused.value)] == [p.rule for p in found]


@pytest.mark.parametrize("key", r.KEYS)
def test_the_national_defaults_are_valid_entries(key: str) -> None:
    default = r.DEFAULTS[key]
    found, entry = r.problems(key, r.entry_to(default))
    assert found == [] and entry is not None
    assert (entry.numbers, entry.message) == (default.numbers, default.message)


def test_an_urgent_message_must_start_with_the_number_even_when_a_number_is_wrong() -> None:
    found, _ = r.problems("suicide", {**r.entry_to(r.DEFAULTS["suicide"]),
                                      "numbers": [{"label": "3114", "number": "31 14 x"}],
                                      "message": "Nous sommes là : appelez le 3114."})
    assert [(p.field, p.rule, p.index) for p in found] == [("number", "format", 0),
                                                           ("message", "urgent_first", None)]
