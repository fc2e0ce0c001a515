"""Input checks and broadcasting shared by the Erlang functions (private).

Every public function takes scalars or arrays, broadcasts them against each
other (NumPy rules) and works on flat float/int arrays; results are reshaped to
the broadcast shape. Bad parameters raise ``ValidationError`` naming the
parameter, never a NumPy warning or a silent NaN.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from renfort.domain.errors import ValidationError
from renfort.queueing._special import FloatArray, IntArray

_S = TypeVar("_S", bound=np.generic)

MAX_AGENTS = 10_000_000
"""Upper limit on agent counts accepted (far above the 25,000 the accuracy is checked at)."""


def floats(name: str, value: ArrayLike, *, positive: bool = False) -> FloatArray:
    """*value* as a float64 array; finite and ``≥ 0`` (``> 0`` if *positive*)."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValidationError(f"{name} must be finite", {"parameter": name}, reason="number-finite")
    if positive and (arr <= 0.0).any():
        raise ValidationError(f"{name} must be positive", {"parameter": name},
                              reason="number-positive")
    if (arr < 0.0).any():
        raise ValidationError(f"{name} must not be negative", {"parameter": name},
                              reason="number-not-negative")
    return arr


def agents(value: ArrayLike) -> IntArray:
    """*value* as an int64 array of whole, non-negative agent counts."""
    raw = np.asarray(value)
    if raw.dtype.kind == "f":
        if not np.isfinite(raw).all() or (raw != np.round(raw)).any():
            raise ValidationError("agents must be whole numbers", {"parameter": "agents"},
                                  reason="agents-whole")
    elif raw.dtype.kind not in "iub":
        raise ValidationError("agents must be whole numbers", {"parameter": "agents"},
                              reason="agents-whole")
    arr = raw.astype(np.int64)
    if (arr < 0).any() or (arr > MAX_AGENTS).any():
        raise ValidationError(
            f"agents must lie between 0 and {MAX_AGENTS}", {"parameter": "agents"},
            reason="agents-range", values={"max": MAX_AGENTS},
        )
    return arr


def fraction(name: str, value: ArrayLike, *, allow_one: bool = True) -> FloatArray:
    """*value* as a float64 array within ``[0, 1]`` (or ``[0, 1)``)."""
    arr = floats(name, value)
    if (arr > 1.0).any() or (not allow_one and (arr >= 1.0).any()):
        bound = "1" if allow_one else "1 (excluded)"
        raise ValidationError(f"{name} must lie between 0 and {bound}", {"parameter": name},
                              reason="number-range", values={"max": bound})
    return arr


def flat(arr: NDArray[_S], shape: tuple[int, ...]) -> NDArray[_S]:
    """A flat, writable copy of *arr* broadcast to *shape*."""
    return np.broadcast_to(arr, shape).reshape(-1).copy()
