"""The covariates of one guarantor decision and the design matrices they make.

Categorical covariates get one column per level (an exchangeable prior pools them towards the
average level, not towards an arbitrary reference); yes/no covariates and the stage are
effect-coded as +-1/2 so the intercept sits between the two. The spread of a row, ``log sigma``,
has its own design ``Z`` (:data:`SCALE_FEATURES`): one scale per stage. (A deviation per
instrument and per actor kind was tried for issue 11 and dropped: it made the
leave-one-crisis-out log score worse; docs/calibration.md.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INSTRUMENTS: tuple[str, ...] = (
    "sanctions",
    "economic_aid",
    "defence_support",
    "troops",
    "collective_defence",
    "consultation",
)
STAGES: tuple[str, ...] = ("decision", "delivery")
COMMITMENTS: tuple[str, ...] = ("treaty_guarantee", "ally", "partner", "self")
ATTRIBUTIONS: tuple[str, ...] = ("clear", "contested")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")

FEATURES: tuple[str, ...] = (
    "intercept",
    *(f"instrument[{i}]" for i in INSTRUMENTS),
    "stage[delivery]",
    *(f"delivery:{i}" for i in INSTRUMENTS),
    "log_n_deciders",
    *(f"commitment[{c}]" for c in COMMITMENTS),
    "attribution[contested]",
    *(f"severity[{s}]" for s in SEVERITIES),
    "nuclear_adversary",
    "legislature_required",
    "framework",
    "log_nth_of_kind",
)
#: Columns of the spread's design: ``log sigma = Z . gamma`` (one scale per stage).
SCALE_FEATURES: tuple[str, ...] = tuple(f"log_sigma[{s}]" for s in STAGES)
SCALE_PARAMS: tuple[str, ...] = (*SCALE_FEATURES, "log_tau[crisis]")
PARAMS: tuple[str, ...] = FEATURES + SCALE_PARAMS

_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}
_SCALE_INDEX = {name: i for i, name in enumerate(SCALE_FEATURES)}


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value)
    if text not in allowed:
        raise ValueError(f"{name}: unknown value {text!r}; expected one of {', '.join(allowed)}")
    return text


@dataclass(frozen=True, slots=True)
class LagCovariates:
    """What the timing of one decision depends on; validated on construction (``ValueError``).

    Defaults describe a single guarantor state under the seed's treaty guarantee facing a clear,
    high-severity attack by a nuclear-armed adversary, with no vote in parliament, no standing
    procedure (``framework``) and its first decision of this kind in the crisis
    (``nth_of_kind`` 1; the n-th rung of an escalation ladder has ``nth_of_kind`` n).
    """

    instrument: str
    stage: str = "decision"
    n_deciders: int = 1
    commitment: str = "treaty_guarantee"
    attribution: str = "clear"
    severity: str = "high"
    nuclear_adversary: bool = True
    legislature_required: bool = False
    framework: bool = False
    nth_of_kind: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "instrument", _check_choice("instrument", self.instrument, INSTRUMENTS)
        )
        object.__setattr__(self, "stage", _check_choice("stage", self.stage, STAGES))
        object.__setattr__(
            self, "commitment", _check_choice("commitment", self.commitment, COMMITMENTS)
        )
        object.__setattr__(
            self, "attribution", _check_choice("attribution", self.attribution, ATTRIBUTIONS)
        )
        object.__setattr__(self, "severity", _check_choice("severity", self.severity, SEVERITIES))
        for count in ("n_deciders", "nth_of_kind"):
            n = getattr(self, count)
            if isinstance(n, bool) or not isinstance(n, int | np.integer) or int(n) < 1:
                raise ValueError(f"{count}: must be an integer >= 1, got {n!r}")
            object.__setattr__(self, count, int(n))
        for flag in ("nuclear_adversary", "legislature_required", "framework"):
            value = getattr(self, flag)
            if not isinstance(value, bool | np.bool_):
                raise ValueError(f"{flag}: must be a bool, got {value!r}")
            object.__setattr__(self, flag, bool(value))

    def features(self) -> FloatArray:
        """This row of the design matrix (length ``len(FEATURES)``)."""
        x = np.zeros(len(FEATURES), dtype=np.float64)
        x[_FEATURE_INDEX["intercept"]] = 1.0
        x[_FEATURE_INDEX[f"instrument[{self.instrument}]"]] = 1.0
        x[_FEATURE_INDEX["stage[delivery]"]] = 0.5 if self.stage == "delivery" else -0.5
        if self.stage == "delivery":
            x[_FEATURE_INDEX[f"delivery:{self.instrument}"]] = 1.0
        x[_FEATURE_INDEX["log_n_deciders"]] = math.log(self.n_deciders)
        x[_FEATURE_INDEX[f"commitment[{self.commitment}]"]] = 1.0
        x[_FEATURE_INDEX["attribution[contested]"]] = _half(self.attribution == "contested")
        x[_FEATURE_INDEX[f"severity[{self.severity}]"]] = 1.0
        x[_FEATURE_INDEX["nuclear_adversary"]] = _half(self.nuclear_adversary)
        x[_FEATURE_INDEX["legislature_required"]] = _half(self.legislature_required)
        x[_FEATURE_INDEX["framework"]] = _half(self.framework)
        x[_FEATURE_INDEX["log_nth_of_kind"]] = math.log(self.nth_of_kind)
        return x

    def scale_features(self) -> FloatArray:
        """This row of the spread's design ``Z`` (length ``len(SCALE_FEATURES)``)."""
        z = np.zeros(len(SCALE_FEATURES), dtype=np.float64)
        z[_SCALE_INDEX[f"log_sigma[{self.stage}]"]] = 1.0
        return z


def _half(flag: bool) -> float:
    """Effect coding of a yes/no covariate: +1/2 or -1/2 (the intercept sits in between)."""
    return 0.5 if flag else -0.5


@dataclass(frozen=True, eq=False)
class DesignMatrix:
    """Covariates of ``n`` rows as arrays: ``X`` ``(n, len(FEATURES))`` for the median,
    ``Z`` ``(n, len(SCALE_FEATURES))`` for the spread, and ``stage`` ``(n,)`` (0 = decision,
    1 = delivery)."""

    X: FloatArray
    Z: FloatArray
    stage: IntArray

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.X.shape[1] != len(FEATURES):
            raise ValueError(f"X must have shape (n, {len(FEATURES)}), got {self.X.shape}")
        if self.Z.shape != (self.X.shape[0], len(SCALE_FEATURES)):
            raise ValueError(f"Z must have shape (n, {len(SCALE_FEATURES)}), got {self.Z.shape}")
        if self.stage.shape != (self.X.shape[0],):
            raise ValueError("stage must have one entry per row of X")

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    def take(self, index: ArrayLike) -> DesignMatrix:
        """The rows at ``index`` (an integer or boolean index array)."""
        idx = np.asarray(index)
        return DesignMatrix(X=self.X[idx], Z=self.Z[idx], stage=self.stage[idx])


def design_matrix(rows: Sequence[LagCovariates]) -> DesignMatrix:
    """Stack the features of ``rows`` for the vectorised methods of :class:`TimingModel`."""
    if len(rows) == 0:
        return DesignMatrix(
            X=np.zeros((0, len(FEATURES)), dtype=np.float64),
            Z=np.zeros((0, len(SCALE_FEATURES)), dtype=np.float64),
            stage=np.zeros(0, dtype=np.int64),
        )
    X = np.stack([r.features() for r in rows]).astype(np.float64)
    Z = np.stack([r.scale_features() for r in rows]).astype(np.float64)
    stage = np.array([STAGES.index(r.stage) for r in rows], dtype=np.int64)
    return DesignMatrix(X=X, Z=Z, stage=stage)
