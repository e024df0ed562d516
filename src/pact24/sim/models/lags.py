"""Guarantor lags: every time to decision and to delivery is drawn from the timing model.

This module writes no lag distribution of its own. It maps a simulated crisis onto the
covariates of :class:`pact24.sim.models.timing.LagCovariates` and samples the model's predictive
distribution through its documented fast path (``predictive_params`` then
``exp(mu + sigma * eps)``):

- one joint draw ``k`` per crisis (parameters and the crisis effect, shared by every guarantor
  and instrument of the crisis, as ``TimingModel.predictive_params`` documents);
- one ``eps`` per guarantor and instrument for the decision, and one for the delivery;
- the time to a *government* decision uses ``legislature_required=False``; where a parliament must
  approve troops, the time to its vote uses ``legislature_required=True`` with the *same* ``eps``
  (so a government that is fast is also fast to bring the vote).

Covariates: ``instrument`` as the design names it; ``stage``; ``n_deciders=1`` (each state
decides for itself); ``commitment`` ``ally`` under a membership posture, else
``treaty_guarantee``; ``attribution`` ``clear`` when the guarantor's own belief at activation
reaches ``attribution.clear_at``, else ``contested``; the incident's ``severity``; a nuclear
adversary per the registry. Lags are in days from the attack (the data's ``trigger_date``); the
simulator works in hours. ``guarantor.deadline_speedup`` divides decision lags in designs with a
deadline (1 = history as fitted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pact24.sim.models.timing import LagCovariates, TimingModel, design_matrix
from pact24.sim.params import Parameter
from pact24.vocab import Instrument, Severity

FloatArray = NDArray[np.float64]

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "guarantor.deadline_speedup",
        1.0,
        1.0,
        10.0,
        "factor",
        "assumption: 1 reads history as it is (decision_lags.csv via the timing model); a "
        "pre-agreed deadline may speed decisions, by how much nobody has measured",
        "Factor by which a design's decision deadline shortens guarantors' decision lags",
    ),
)

_ATTRIBUTIONS = ("clear", "contested")


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
    _tables: dict[tuple[Severity, str], tuple[FloatArray, ...]] = field(default_factory=dict)

    def _table(self, severity: Severity, attribution: str) -> tuple[FloatArray, ...]:
        """``(mu_dec, sig_dec, mu_vote, sig_vote, mu_del, sig_del)``; rows: instruments,
        columns: the model's joint draws."""
        key = (severity, attribution)
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
        speedup: float,
    ) -> CrisisLags:
        """Lags for ``len(clear)`` guarantors; ``clear[g]``: guarantor g reads attribution clear."""
        n_g, n_i = len(clear), len(self.instruments)
        tables = [self._table(severity, a) for a in _ATTRIBUTIONS]
        k_count = tables[0][0].shape[1]
        k = int(rng.integers(0, k_count))
        eps_dec = self.model.sample_standard_error(rng, (n_g, n_i))
        eps_del = self.model.sample_standard_error(rng, (n_g, n_i))
        which = np.where(clear, 0, 1)
        mu_dec = np.stack([t[0][:, k] for t in tables])[which]  # (G, I)
        sig_dec = np.stack([t[1][:, k] for t in tables])[which]
        mu_vote = np.stack([t[2][:, k] for t in tables])[which]
        sig_vote = np.stack([t[3][:, k] for t in tables])[which]
        mu_del = np.stack([t[4][:, k] for t in tables])[which]
        sig_del = np.stack([t[5][:, k] for t in tables])[which]
        day = 24.0
        decision = np.exp(np.minimum(mu_dec + sig_dec * eps_dec, 700.0)) * day / speedup
        vote_all = np.exp(np.minimum(mu_vote + sig_vote * eps_dec, 700.0)) * day / speedup
        delivery = np.exp(np.minimum(mu_del + sig_del * eps_del, 700.0)) * day
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
