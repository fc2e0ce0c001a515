"""A 95 % interval never claims an impossible value: shares within [0, 1], every figure
non-negative, even around a mean near a bound with few replications."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from renfort.simulation.metrics import RATIOS, SHARES, estimates

shares = arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 4)),
                elements=st.floats(0, 1))


@given(shares)
def test_share_intervals_stay_within_zero_and_one(samples: np.ndarray) -> None:
    reps = [{name: row for name in RATIOS} for row in samples]
    found = estimates(reps)
    for name in RATIOS:
        low, high, mean = found[name].low, found[name].high, found[name].mean
        assert np.all(low >= 0) and np.all(low <= mean + 1e-12)
        assert np.all(high >= mean - 1e-12)
        if name in SHARES:
            assert np.all(high <= 1)


def test_a_service_level_near_one_is_clipped_not_shifted() -> None:
    reps = [{name: np.array([value]) for name in RATIOS} for value in (1.0, 0.9, 1.0)]
    service = estimates(reps)["service_level"]
    assert service.high[0] == 1.0 and 0 < service.low[0] < service.mean[0]
    # A count is not a share: its upper end is left alone.
    assert estimates(reps)["answered"].high[0] > 1.0
