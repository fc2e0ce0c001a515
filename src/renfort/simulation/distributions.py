"""Random durations of a scenario: handle time, wrap-up, patience, agent response.

Each distribution is a small pydantic model tagged by ``kind`` and samples many values at
once from an injected :class:`numpy.random.Generator`, so that a replication draws all its
durations in a fixed order, whatever happens during the run. Every value is in seconds.

* ``fixed``: always ``value`` (deterministic; ``value: .inf`` is a caller who never hangs up);
* ``exponential``: mean ``mean``;
* ``lognormal``: mean ``mean`` and standard deviation ``sd`` (not the log-scale parameters);
* ``empirical``: resampled with replacement from observed ``values`` (e.g. handle times of a
  real call center).

``sample(rng, n, means)`` draws ``n`` values; *means*, when given, rescales each draw to a
per-draw mean (a per-interval AHT from a staffing plan), keeping the shape of the law.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

FloatArray = NDArray[np.float64]


class _Law(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def expected(self) -> float:
        """Mean of the law, seconds (``inf`` for a caller who never hangs up)."""
        raise NotImplementedError

    def unit(self, rng: np.random.Generator, n: int) -> FloatArray:
        """*n* draws of the law divided by its mean (mean 1)."""
        raise NotImplementedError

    def sample(
        self, rng: np.random.Generator, n: int, means: FloatArray | None = None
    ) -> FloatArray:
        """*n* draws, seconds; with *means*, draw ``i`` has mean ``means[i]``."""
        if means is None:
            return self.unit(rng, n) * self.expected() if n else np.zeros(0)
        return self.unit(rng, n) * means


class Fixed(_Law):
    """Always the same duration."""

    kind: Literal["fixed"] = "fixed"
    value: float = Field(ge=0.0)
    """Seconds; ``inf`` allowed (a patience that never runs out)."""

    def expected(self) -> float:
        return self.value

    def unit(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.ones(n)

    def sample(
        self, rng: np.random.Generator, n: int, means: FloatArray | None = None
    ) -> FloatArray:
        if means is None or math.isinf(self.value):
            return np.full(n, self.value)
        return np.array(means, dtype=np.float64)


class Exponential(_Law):
    """Memoryless durations: the M of M/M/n and M/M/n+M."""

    kind: Literal["exponential"] = "exponential"
    mean: float = Field(gt=0.0, allow_inf_nan=False)
    """Seconds."""

    def expected(self) -> float:
        return self.mean

    def unit(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.standard_exponential(n)


class Lognormal(_Law):
    """Right-skewed handle times, given by their mean and standard deviation in seconds."""

    kind: Literal["lognormal"] = "lognormal"
    mean: float = Field(gt=0.0, allow_inf_nan=False)
    sd: float = Field(gt=0.0, allow_inf_nan=False)

    def expected(self) -> float:
        return self.mean

    def unit(self, rng: np.random.Generator, n: int) -> FloatArray:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return rng.lognormal(-sigma2 / 2.0, math.sqrt(sigma2), n)


class Empirical(_Law):
    """Observed durations, resampled with replacement."""

    kind: Literal["empirical"] = "empirical"
    values: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] = Field(min_length=1)
    """Seconds; at least one, and not all zero."""

    @model_validator(mode="after")
    def _positive_mean(self) -> Empirical:
        if not any(self.values):
            raise ValueError("empirical values cannot all be zero")
        return self

    def expected(self) -> float:
        return float(np.mean(self.values))

    def unit(self, rng: np.random.Generator, n: int) -> FloatArray:
        data = np.asarray(self.values, dtype=np.float64)
        return data[rng.integers(0, data.size, n)] / float(data.mean())


Duration = Annotated[Fixed | Exponential | Lognormal | Empirical, Field(discriminator="kind")]
"""Any duration law, chosen by its ``kind``."""

ZERO = Fixed(value=0.0)
NEVER = Fixed(value=math.inf)
