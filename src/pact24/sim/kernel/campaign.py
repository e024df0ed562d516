"""The campaign, compiled: ``reference/campaign.run_one`` and the adversary of
``models/adversary.py`` over a block of runs, each crisis run by ``kernel/crisis`` (``crisis_in``,
with one scratch per block rather than one per crisis).

The adversary's Beta belief is kept as two sums per family (evidence of a response and of none,
each crisis weighted by ``learning_weight * link``), which is what ``adversary.credibility``
adds up from its list of crises. Everything that does not change within a run (priors, links,
gains, the posture's cost) is read from ``Setup`` once, in Python, into
:class:`Campaign`; compiled code sees numbers only.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from pact24.sim.kernel import layout, rng
from pact24.sim.kernel.crisis import CRISIS_FIELDS, crisis_in, new_scratch
from pact24.sim.kernel.posture import draw_lapse_years
from pact24.sim.kernel.rng import State
from pact24.sim.models import adversary
from pact24.sim.models.scenario import FAMILIES, Family
from pact24.sim.reference.setup import Setup

_PILOT_STREAM = 0x1F0
"""As in ``reference/campaign``: the informed adversary's pilot crises draw from
``SeedSequence((seed, _PILOT_STREAM))``, apart from every block's stream."""

N_FAMILIES = len(FAMILIES)


class Campaign(NamedTuple):
    """What a run of one setup needs besides the crisis tables."""

    family: int
    """The scenario's family code, -1 in the adaptive scenario."""
    opportunities: int
    spacing_days: float
    horizon_years: float
    annual_cost: float
    prior: np.ndarray
    """[d, family, (alpha, beta)]: the adversary's prior against the design as held (d = 0) and
    lapsed (d = 1)."""
    link: np.ndarray
    """[f, g]: the share of a crisis of family g's evidence that counts toward family f."""
    learning_weight: float
    gain: np.ndarray
    cost_of_response: float
    choice_noise: float


def campaign_of(setup: Setup, prior: np.ndarray | None = None) -> Campaign:
    """The campaign numbers of ``setup``; ``prior`` replaces the posture priors (the informed
    adversary's, :func:`informed_prior`)."""
    p, design = setup.params, setup.design
    salami = setup.family is Family.SALAMI
    gated = adversary.waits_on_attribution(design)
    # Scalars cast to their declared types: every setup then shares one compiled signature.
    return Campaign(
        family=-1 if setup.family is None else FAMILIES.index(setup.family),
        opportunities=round(
            p["campaign.salami_opportunities" if salami else "campaign.opportunities"]
        ),
        spacing_days=float(
            p["campaign.salami_spacing_days" if salami else "campaign.spacing_days"]
        ),
        horizon_years=float(p["readiness.horizon_years"]),
        annual_cost=float(setup.annual_cost),
        prior=posture_prior(setup) if prior is None else prior,
        link=np.array(
            [[adversary.link(f, g, gated, p) for g in FAMILIES] for f in FAMILIES], dtype=float
        ),
        learning_weight=float(p["adversary.learning_weight"]),
        gain=np.array([p[f"adversary.gain.{f.value}"] for f in FAMILIES], dtype=float),
        cost_of_response=float(p["adversary.cost_of_response"]),
        choice_noise=float(p["adversary.choice_noise"]),
    )


def posture_prior(setup: Setup) -> np.ndarray:
    """``adversary.posture_prior`` for every family against the design held and lapsed."""
    out = np.empty((2, N_FAMILIES, 2))
    for d, design in enumerate((setup.design, setup.lapsed)):
        for f, family in enumerate(FAMILIES):
            pr = adversary.posture_prior(
                family, design.posture.kind, design.window_hours is not None, setup.params
            )
            out[d, f] = pr.alpha, pr.beta
    return out


def informed_prior(setup: Setup, tables: Any, seed: int) -> np.ndarray | None:
    """``reference/campaign.informed_priors`` as an array (``None``: the adversary is not
    informed): each posture prior updated with ``informed_pilot_crises`` crises of its family
    against that posture, played on the pilot stream of ``seed``."""
    p = setup.params
    if not adversary.informed(p):
        return None
    prior = posture_prior(setup)
    families = (
        np.arange(N_FAMILIES) if setup.family is None else np.array([FAMILIES.index(setup.family)])
    )
    same = setup.lapsed.posture.kind is setup.design.posture.kind
    start = rng.words(np.random.SeedSequence((seed, _PILOT_STREAM)))
    honoured = _pilot(tables, families, round(p["adversary.informed_pilot_crises"]), start, same)
    n = round(p["adversary.informed_pilot_crises"])
    prior[:, :, 0] += honoured
    prior[:, :, 1] += n - honoured
    return prior


_N_FIELDS = len(CRISIS_FIELDS)


@njit(cache=True)
def _pilot(t: Any, families: np.ndarray, n: int, words: np.ndarray, same: bool) -> np.ndarray:
    """Honoured crises out of ``n`` per design (held, lapsed) and family; the lapsed design
    repeats the held one's count when both have the same posture."""
    out = np.empty(_N_FIELDS)
    sc = new_scratch(t, words)
    honoured = np.zeros((2, N_FAMILIES))
    for d in range(2):
        for f in families:
            if d == 1 and same:
                honoured[1, f] = honoured[0, f]
                continue
            for _ in range(n):
                honoured[d, f] += crisis_in(t, d, f, out, sc)
    return honoured


def _copies() -> np.ndarray:
    """(crisis field index, row index) of every first-crisis column the crisis writes."""
    alias = {"territory_km2": "territory_first_crisis_km2"}
    pairs = []
    for i, field in enumerate(CRISIS_FIELDS):
        column = alias.get(field, field)
        if column in layout.INDEX:
            pairs.append((i, layout.INDEX[column]))
    copied = {CRISIS_FIELDS[i] for i, _ in pairs}
    missing = [
        f
        for f in ("decided", "territory_km2", "incident_kind", "troop_pledges_24h")
        if f not in copied
    ]
    if missing:
        raise ImportError(f"kernel crisis does not write {missing} (CRISIS_FIELDS)")
    return np.array(pairs, dtype=np.int64)


_COPY = _copies()
_TERRITORY = CRISIS_FIELDS.index("territory_km2")
_FLAG = np.array([layout.DTYPES[name] == "bool" for name in layout.NUMERIC])
"""Boolean columns: a crisis field copied there is stored as 0/1."""
_EMPTY = layout.empty_row()
_I = layout.INDEX
_RUN = _I["run"]
_ATTACKED = _I["attacked"]
_CRISES = _I["crises"]
_CRISES_HONOURED = _I["crises_honoured"]
_FIRST_FAMILY = _I["first_family"]
_DECIDED = _I["decided"]
_LAPSED = _I["posture_lapsed"]
_HELD = _I["posture_held"]
_TERRITORY_ALL = _I["territory_at_risk_km2"]
_COST = _I["readiness_cost_eur"]
_YEARS = _I["posture_years_held"]
_WAITED, _HONOURED, _UNANSWERED = 0, 1, 2
"""Pattern bytes (``layout.PATTERN_LETTERS``)."""


@njit(cache=True)
def _credibility(c: Campaign, d: int, f: int, yes: np.ndarray, no: np.ndarray) -> float:
    a = c.prior[d, f, 0] + yes[f]
    return float(a / (a + c.prior[d, f, 1] + no[f]))


@njit(cache=True)
def _utility(c: Campaign, d: int, f: int, yes: np.ndarray, no: np.ndarray) -> float:
    """``adversary.utility`` over the choice noise."""
    return float((c.gain[f] - c.cost_of_response * _credibility(c, d, f, yes, no)) / c.choice_noise)


@njit(cache=True)
def choose(st: State, c: Campaign, d: int, yes: np.ndarray, no: np.ndarray) -> int:
    """``adversary.choose``: the family code attacked with at this opportunity, -1: it waits."""
    if c.family >= 0:
        f = c.family
        z = _utility(c, d, f, yes, no)
        return f if rng.random(st) < 1.0 / (1.0 + math.exp(-z)) else -1
    # The logit over waiting (utility 0) and the families, without allocating: exp(u - max).
    top = 0.0
    for f in range(N_FAMILIES):
        top = max(top, _utility(c, d, f, yes, no))
    total = math.exp(-top)
    for f in range(N_FAMILIES):
        total += math.exp(_utility(c, d, f, yes, no) - top)
    r = rng.random(st) * total
    acc = math.exp(-top)
    if r < acc:
        return -1
    for f in range(N_FAMILIES):
        acc += math.exp(_utility(c, d, f, yes, no) - top)
        if r < acc:
            return f
    return N_FAMILIES - 1


@njit(cache=True, inline="always")
def run_one(
    t: Any,
    c: Campaign,
    run: int,
    row: np.ndarray,
    pattern: np.ndarray,
    out: np.ndarray,
    sc: Any,
    yes: np.ndarray,
    no: np.ndarray,
) -> int:
    """One run into ``row`` (``layout.NUMERIC``) and ``pattern``; returns its crises. ``out``
    (a crisis's fields), ``sc`` (the crisis's scratch), ``yes`` and ``no`` (the adversary's
    evidence) are scratch space, allocated once per block."""
    row[:] = _EMPTY
    row[_RUN] = run
    lapse_years = draw_lapse_years(sc.st, t, 0)
    yes[:] = 0.0
    no[:] = 0.0
    crises = 0
    honoured = 0
    territory = 0.0
    for j in range(c.opportunities):
        day = (j + 1) * c.spacing_days
        lapsed = day / 365.25 >= lapse_years
        d = 1 if lapsed else 0
        family = choose(sc.st, c, d, yes, no)
        if family < 0:
            pattern[j] = _WAITED
            continue
        h = crisis_in(t, d, family, out, sc)
        if crises == 0:
            for k in range(_COPY.shape[0]):
                x = out[_COPY[k, 0]]
                row[_COPY[k, 1]] = (x != 0.0) if _FLAG[_COPY[k, 1]] else x
            row[_FIRST_FAMILY] = family
            row[_DECIDED] = h
            row[_LAPSED] = lapsed
            row[_HELD] = not lapsed
        crises += 1
        honoured += h
        territory += out[_TERRITORY]
        pattern[j] = _HONOURED if h else _UNANSWERED
        for f in range(N_FAMILIES):
            x = c.learning_weight * c.link[f, family]
            if h:
                yes[f] += x
            else:
                no[f] += x
    years_held = min(c.horizon_years, lapse_years)
    row[_ATTACKED] = crises > 0
    row[_CRISES] = crises
    row[_CRISES_HONOURED] = honoured
    row[_TERRITORY_ALL] = territory
    row[_COST] = c.annual_cost * years_held
    row[_YEARS] = years_held
    return crises


@njit(cache=True, inline="always")
def run_block(
    t: Any, c: Campaign, words: np.ndarray, first_run: int, rows: np.ndarray, pattern: np.ndarray
) -> int:
    """Runs ``first_run ..`` into ``rows``/``pattern`` (one per row) from a generator started
    at ``words`` (``kernel.rng``); returns the crises simulated."""
    out = np.empty(_N_FIELDS)
    sc = new_scratch(t, words)
    yes = np.empty(N_FAMILIES)
    no = np.empty(N_FAMILIES)
    total = 0
    for i in range(rows.shape[0]):
        total += run_one(t, c, first_run + i, rows[i], pattern[i], out, sc, yes, no)
    return total
