"""The one registry of model parameters: name -> default, plausible range, unit, source.

``REGISTRY`` collects the ``PARAMETERS`` of every model module. A run takes a resolved
:data:`~pact24.sim.params.Params` mapping, ``resolve(overrides)``: the defaults with the overrides
applied, each checked against the registry (unknown names and values outside the plausible range
are refused, so a sweep cannot silently leave the documented space)::

    from pact24.sim.registry import REGISTRY, resolve
    p = resolve({"guarantor.deadline_speedup": 3.0})
    REGISTRY["guarantor.deadline_speedup"].source

The guarantor timing model's coefficients are not in this registry: they are fitted to history
and live with the timing model (``pact24/data/timing_params.json``); ``guarantor.deadline_speedup``
is the registry's handle on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from pact24.errors import InvalidInput
from pact24.sim.models import (
    adversary,
    attribution,
    delivery,
    demands,
    front,
    guarantor,
    lags,
    posture,
    scenario,
    states,
    window,
)
from pact24.sim.params import Parameter, Params

MODULES = (
    scenario,
    adversary,
    attribution,
    guarantor,
    demands,
    states,
    lags,
    delivery,
    posture,
    front,
    window,
)


class Registry(Mapping[str, Parameter]):
    """An immutable, ordered mapping of parameter name to :class:`Parameter`."""

    def __init__(self, parameters: tuple[Parameter, ...]) -> None:
        by_name: dict[str, Parameter] = {}
        for prm in parameters:
            if prm.name in by_name:
                raise ValueError(f"parameter {prm.name} is declared twice")
            by_name[prm.name] = prm
        self._by_name = by_name

    def __getitem__(self, name: str) -> Parameter:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def defaults(self) -> dict[str, float]:
        return {name: prm.default for name, prm in self._by_name.items()}

    def bounds(self) -> dict[str, tuple[float, float]]:
        """``name -> (low, high)``: the plausible range (what a sweep samples)."""
        return {name: (prm.low, prm.high) for name, prm in self._by_name.items()}

    def resolve(self, overrides: Mapping[str, float] | None = None) -> Params:
        """The defaults with ``overrides`` applied; ``InvalidInput`` names a bad entry."""
        values = self.defaults()
        for name, raw in (overrides or {}).items():
            prm = self._by_name.get(name)
            if prm is None:
                raise InvalidInput(f"unknown model parameter {name!r}", parameter=name)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise InvalidInput(
                    f"parameter {name}: {raw!r} is not a number", parameter=name
                ) from None
            if math.isnan(value) or not prm.low <= value <= prm.high:
                raise InvalidInput(
                    f"parameter {name} = {value:g} lies outside its plausible range "
                    f"[{prm.low:g}, {prm.high:g}] {prm.unit}",
                    parameter=name,
                )
            values[name] = value
        return MappingProxyType(values)

    def rows(self) -> list[dict[str, object]]:
        """One dict per parameter (for a table or a DataFrame)."""
        return [
            {
                "name": p.name,
                "default": p.default,
                "low": p.low,
                "high": p.high,
                "unit": p.unit,
                "source": p.source,
                "description": p.description,
            }
            for p in self._by_name.values()
        ]

    def markdown(self) -> str:
        """The parameter table of ``docs/model.md`` (regenerate it with this)."""
        lines = ["| name | default | range | unit | source |", "|---|---|---|---|---|"]
        for p in self._by_name.values():
            src = p.source.replace("|", "/")
            lines.append(
                f"| `{p.name}` | {p.default:g} | [{p.low:g}, {p.high:g}] | {p.unit} | {src} |"
            )
        return "\n".join(lines) + "\n"


def _collect() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for module in MODULES:
        out.extend(module.PARAMETERS)
    return tuple(out)


REGISTRY = Registry(_collect())


def resolve(overrides: Mapping[str, float] | None = None) -> Params:
    """``REGISTRY.resolve(overrides)``."""
    return REGISTRY.resolve(overrides)


def parse_overrides(items: list[str]) -> dict[str, float]:
    """``["name=value", ...]`` (as given on the command line) into a mapping."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"--set expects name=value, got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InvalidInput(f"--set {name.strip()}: {value!r} is not a number") from None
    return out
