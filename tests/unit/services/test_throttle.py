"""Rate limits per caller: refusal past the limit, isolation between callers and scopes."""

from __future__ import annotations

import pytest

from renfort.domain.errors import RateLimitedError, ValidationError
from renfort.services.throttle import LOGIN_FAILURES, PUBLIC_CHAT, Throttle, parse_limit


def test_spend_refuses_past_the_limit_with_a_wait() -> None:
    throttle = Throttle({PUBLIC_CHAT: "3/minute"})
    for _ in range(3):
        throttle.spend(PUBLIC_CHAT, "198.51.100.7")
    with pytest.raises(RateLimitedError) as refused:
        throttle.spend(PUBLIC_CHAT, "198.51.100.7")
    assert 1 <= refused.value.details["retry_after_seconds"] <= 60
    throttle.spend(PUBLIC_CHAT, "198.51.100.8")  # another caller has its own count


def test_check_does_not_count_and_count_does_not_refuse() -> None:
    throttle = Throttle({LOGIN_FAILURES: "2/minute"})
    for _ in range(5):
        throttle.check(LOGIN_FAILURES, "a")
    throttle.count(LOGIN_FAILURES, "a")
    throttle.count(LOGIN_FAILURES, "a")
    throttle.count(LOGIN_FAILURES, "a")
    with pytest.raises(RateLimitedError):
        throttle.check(LOGIN_FAILURES, "a")
    throttle.check(PUBLIC_CHAT, "a")  # a scope without a limit refuses nothing


@pytest.mark.parametrize("text", ["off", "", " OFF "])
def test_off_means_no_limit(text: str) -> None:
    assert parse_limit(text) is None
    throttle = Throttle({PUBLIC_CHAT: text})
    for _ in range(100):
        throttle.spend(PUBLIC_CHAT, "a")


@pytest.mark.parametrize("text", ["lots", "10/fortnight", "per minute"])
def test_a_bad_limit_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_limit(text)
