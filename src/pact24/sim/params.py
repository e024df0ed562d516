"""Model parameters as plain values: what one parameter is, and the resolved set a run uses.

Every number a model reads is a :class:`Parameter` declared next to the model that uses it (each
module under ``sim/models/`` has a ``PARAMETERS`` tuple) and collected into the one registry
(``pact24.sim.registry.REGISTRY``). A run takes a :data:`Params` mapping (name -> value): the
registry's defaults with any overrides applied. Keeping this a plain mapping of floats is what will
let a sampler (the planned ``explore/``: SALib, PRIM, Ray) vary it without knowing the models.

This module imports nothing from the models, so they can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ASSUMPTION = "assumption"

Params = Mapping[str, float]
"""A resolved parameter set: every registry name mapped to its value (see ``registry.resolve``)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One model parameter: its default, its plausible range, its unit and where it comes from.

    ``source`` names where the value was read, or is the word ``"assumption"`` (it may be followed
    by a reason, ``"assumption: ..."``). ``integer`` marks parameters that are rounded where used
    (counts); ``flag`` marks 0/1 switches.
    """

    name: str
    default: float
    low: float
    high: float
    unit: str
    source: str
    description: str
    integer: bool = False
    flag: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(
                f"{self.name}: default {self.default} lies outside [{self.low}, {self.high}]"
            )
        if not self.source:
            raise ValueError(f"{self.name}: a parameter names its source or says 'assumption'")
        if not self.unit:
            raise ValueError(f"{self.name}: a parameter has a unit ('1' when dimensionless)")

    @property
    def is_assumption(self) -> bool:
        return self.source.startswith(ASSUMPTION)


def flag(value: float) -> bool:
    """A 0/1 parameter read as a bool."""
    return value >= 0.5
