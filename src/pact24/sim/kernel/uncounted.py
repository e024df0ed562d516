"""Compiled functions without numba's reference counting, for code that allocates nothing.

numba counts references to every array a function binds (an atomic add and subtract each), and
in the window's steps that counting cost more than the steps themselves. A function that only
reads and writes arrays its caller owns needs none of it: ``@uncounted`` compiles it as
``njit(cache=True)`` with the runtime's reference counting off (numba's ``_nrt=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import njit

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS: dict[str, Any] = {"cache": True, "_nrt": False}


def uncounted(fn: F) -> F:
    """``fn`` compiled without reference counting (it must allocate nothing)."""
    return cast(F, njit(**_OPTIONS)(fn))
