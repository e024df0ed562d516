"""Guarantor lags: every time to decision and to delivery is drawn from the timing model.

This module writes no lag distribution of its own, and it is the one place lags are sampled
(the simulator through :class:`LagSampler`, anyone else through :func:`sample_crises`). Both
sample the model's predictive distribution the same way, :func:`crisis_draws` then
:func:`lag_days` on the columns of ``TimingModel.predictive_params``:

- one joint draw ``k`` per crisis (parameters and the crisis effect, shared by every row of the
  crisis, as ``TimingModel.predictive_params`` documents), then one ``eps`` per row;
- ``T = exp(mu[:, k] + sigma[:, k] * eps)`` days.

:class:`LagSampler` maps a simulated crisis onto the covariates of
:class:`pact24.sim.models.timing.LagCovariates`; its rows are every guarantor and instrument:

- one ``eps`` per guarantor and instrument for the decision, and one for the delivery;
- the time to a *government* decision uses ``legislature_required=False``; where a parliament must
  approve troops, the time to its vote uses ``legislature_required=True`` with the *same* ``eps``
  (so a government that is fast is also fast to bring the vote).

Covariates: ``instrument`` as the design names it; ``stage``; ``n_deciders=1`` (each state
decides for itself); ``commitment`` ``ally`` under a membership
posture, else ``treaty_guarantee``; ``attribution`` ``clear`` when the guarantor's own belief at
activation reaches ``attribution.clear_at``, else ``contested``; the incident's ``severity``; a
nuclear adversary per the registry; ``nth_of_kind=1`` (the first decision of its kind in the
crisis); ``framework`` for the decisions (and the vote) when the design has a pre-agreed
decision window (``draw(framework=True)``): the timing model's fitted effect of a standing,
pre-agreed procedure. Deliveries keep ``framework=False`` (a procedure pre-agrees the decision,
not the logistics). Predictions mix over the posterior draws, so the simulated crises average
over that effect's uncertainty as well. ``guarantor.deadline_speedup`` is an extra factor on top
of the fitted effect, dividing the decision lags of such designs (1 = the fitted effect alone).
Lags are in days from the attack (the data's ``trigger_date``); the simulator works in hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pact24.sim.models.timing import DesignMatrix, LagCovariates, TimingModel, design_matrix
from pact24.sim.params import Parameter
from pact24.vocab import Instrument, Severity

FloatArray = NDArray[np.float64]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "guarantor.deadline_speedup",
        1.0,
        0.1,
        20.0,
        "factor",
        "1 = the timing model's fitted framework effect alone (timing_params.json, coefficient "
        "`framework`, mode -0.55, sd 0.35: lags x0.58 under a standing, pre-agreed procedure, "
        "90 % interval x0.33 to x1.03; docs/calibration.md); other values are an assumption "
        "for sweeps: below 1 a window slower than history's standing procedures, above 1 faster",
        "Extra factor (beyond the fitted framework effect) by which a design's pre-agreed "
        "decision window shortens guarantors' decision lags",
    ),
)

_ATTRIBUTIONS = ("clear", "contested")
#: ``log T`` is capped here: ``exp(700)`` days is "never" in any horizon, and stays finite.
_LOG_DAYS_CAP = 700.0


def crisis_draws(
    model: TimingModel, rng: np.random.Generator, *shapes: int | tuple[int, ...]
) -> tuple[int, list[FloatArray]]:
    """The random inputs of one simulated crisis: the joint draw ``k`` (a column of
    ``model.predictive_params``) shared by all its rows, then one array of ``eps`` per shape."""
    k = int(rng.integers(0, model.n_draws))
    return k, [model.sample_standard_error(rng, shape) for shape in shapes]


def lag_days(mu: FloatArray, sigma: FloatArray, eps: FloatArray) -> FloatArray:
    """``exp(mu + sigma * eps)``: lags in days, ``log T`` capped at :data:`_LOG_DAYS_CAP`."""
    return np.asarray(np.exp(np.minimum(mu + sigma * eps, _LOG_DAYS_CAP)), dtype=np.float64)


def sample_crises(
    model: TimingModel,
    design: DesignMatrix,
    rng: np.random.Generator,
    n_crises: int = 1,
    *,
    parameter_uncertainty: bool = True,
    new_crisis: bool = True,
) -> FloatArray:
    """``(n_crises, design.n)`` lags in days, one simulated crisis per row, drawn as the
    simulator draws them. ``parameter_uncertainty=False`` samples at the posterior mode,
    ``new_crisis=False`` with the crisis effect at 0 (see ``TimingModel.joint_draws``)."""
    if n_crises < 0:
        raise ValueError("n_crises must be >= 0")
    mu, sigma = model.predictive_params(
        design, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
    )
    out = np.empty((n_crises, design.n), dtype=np.float64)
    for c in range(n_crises):
        k, (eps,) = crisis_draws(model, rng, design.n)
        out[c] = lag_days(mu[:, k], sigma[:, k], eps)
    return out


@dataclass(frozen=True, slots=True)
class CrisisLags:
    """Lags of one crisis in hours from the attack, indexed ``[guarantor, instrument]``.

    ``vote`` holds, per guarantor, the time to a parliamentary vote on troops (the troop
    decision's ``eps`` with ``legislature_required=True``).
    """

    decision: FloatArray
    vote: FloatArray
    delivery: FloatArray


@dataclass
class LagSampler:
    """Draws :class:`CrisisLags` for one design (its instruments and commitment)."""

    model: TimingModel
    instruments: tuple[Instrument, ...]
    commitment: str
    nuclear_adversary: bool
    _tables: dict[tuple[Severity, str, bool], tuple[FloatArray, ...]] = field(default_factory=dict)

    def _table(
        self, severity: Severity, attribution: str, framework: bool
    ) -> tuple[FloatArray, ...]:
        """``(mu_dec, sig_dec, mu_vote, sig_vote, mu_del, sig_del)``; rows: instruments,
        columns: the model's joint draws."""
        key = (severity, attribution, framework)
        table = self._tables.get(key)
        if table is None:
            rows: list[LagCovariates] = []
            for stage, legislature in (
                ("decision", False),
                ("decision", True),
                ("delivery", False),
            ):
                for i in self.instruments:
                    rows.append(
                        LagCovariates(
                            instrument=i.value,
                            stage=stage,
                            n_deciders=1,
                            commitment=self.commitment,
                            attribution=attribution,
                            severity=severity.value,
                            nuclear_adversary=self.nuclear_adversary,
                            legislature_required=legislature,
                            framework=framework and stage == "decision",
                        )
                    )
            mu, sigma = self.model.predictive_params(design_matrix(rows))
            n = len(self.instruments)
            table = (
                mu[:n],
                sigma[:n],
                mu[n : 2 * n],
                sigma[n : 2 * n],
                mu[2 * n :],
                sigma[2 * n :],
            )
            self._tables[key] = table
        return table

    def draw(
        self,
        rng: np.random.Generator,
        severity: Severity,
        clear: NDArray[np.bool_],
        framework: bool,
        speedup: float = 1.0,
    ) -> CrisisLags:
        """Lags for ``len(clear)`` guarantors; ``clear[g]``: guarantor g reads attribution clear.

        ``framework``: the design has a pre-agreed decision window, so decisions (and votes)
        follow the timing model's fitted effect of a standing procedure, and ``speedup``
        (``guarantor.deadline_speedup``) divides them further; without one, ``speedup`` is not
        used."""
        n_g, n_i = len(clear), len(self.instruments)
        tables = [self._table(severity, a, framework) for a in _ATTRIBUTIONS]
        factor = speedup if framework else 1.0
        k, (eps_dec, eps_del) = crisis_draws(self.model, rng, (n_g, n_i), (n_g, n_i))
        which = np.where(clear, 0, 1)
        mu_dec = np.stack([t[0][:, k] for t in tables])[which]  # (G, I)
        sig_dec = np.stack([t[1][:, k] for t in tables])[which]
        mu_vote = np.stack([t[2][:, k] for t in tables])[which]
        sig_vote = np.stack([t[3][:, k] for t in tables])[which]
        mu_del = np.stack([t[4][:, k] for t in tables])[which]
        sig_del = np.stack([t[5][:, k] for t in tables])[which]
        day = 24.0
        decision = lag_days(mu_dec, sig_dec, eps_dec) * day / factor
        vote_all = lag_days(mu_vote, sig_vote, eps_dec) * day / factor
        delivery = lag_days(mu_del, sig_del, eps_del) * day
        troops = (
            self.instruments.index(Instrument.TROOPS)
            if Instrument.TROOPS in self.instruments
            else 0
        )
        vote = np.maximum(vote_all[:, troops], decision[:, troops])
        return CrisisLags(
            decision=np.asarray(decision, dtype=np.float64),
            vote=np.asarray(vote, dtype=np.float64),
            delivery=np.asarray(delivery, dtype=np.float64),
        )
