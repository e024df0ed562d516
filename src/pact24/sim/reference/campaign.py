"""A run is a campaign: at each of its opportunities the adversary weighs an attack
(``models.adversary``), and each attack is a crisis (``crisis``).

Nothing here reads a clock or global randomness: time is ``Setup.start`` plus offsets, and
randomness is the ``numpy.random.Generator`` passed in. ``run_many`` gives run ``k`` the
generator of ``SeedSequence(seed).spawn(runs)[k]``, so any run can be replayed on its own
(``replay_run``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np

from pact24.designs.schema import Design
from pact24.mechanism import DecisionRecorded
from pact24.sim import results
from pact24.sim.models import adversary, posture
from pact24.sim.models.scenario import FAMILIES, Family, draw_attack
from pact24.sim.reference.crisis import run_crisis
from pact24.sim.reference.records import CrisisRecord, RunRecord
from pact24.sim.reference.setup import Setup
from pact24.vocab import ConditionKind, Instrument, PostureKind, ReceiptStatus

Knowledge = Mapping[tuple[Family, PostureKind], adversary.Prior]
"""An informed adversary's prior per family and posture (empty: it learns from crises only)."""

_PILOT_STREAM = 0x1F0
"""Mixed into the seed of the informed adversary's pilot crises, apart from every run's stream."""


def run_one(
    setup: Setup, run: int, rng: np.random.Generator, known: Knowledge | None = None
) -> RunRecord:
    """Run ``run`` of the campaign with its own generator ``rng``; ``known``: what an informed
    adversary knows (:func:`informed_priors`)."""
    p, design = setup.params, setup.design
    lapse_years = posture.draw_lapse_years(design.posture, p, rng)
    horizon_years = p["readiness.horizon_years"]
    salami = setup.family is Family.SALAMI
    n_opp = round(p["campaign.salami_opportunities" if salami else "campaign.opportunities"])
    spacing = p["campaign.salami_spacing_days" if salami else "campaign.spacing_days"]
    gated = adversary.waits_on_attribution(design)
    belief = adversary.Belief()
    crises: list[CrisisRecord] = []
    pattern: list[str] = []
    for j in range(n_opp):
        day = (j + 1) * spacing
        lapsed = day / 365.25 >= lapse_years
        d = setup.lapsed if lapsed else design
        creds = {
            f: adversary.credibility(belief, f, _prior(setup, d, f, known), gated, p)
            for f in _choices(setup)
        }
        family = adversary.choose(setup.family, creds, p, rng)
        if family is None:
            pattern.append(results.NO_ATTACK)
            continue
        attack = draw_attack(family, p, rng)
        incident_id = f"{design.name}/{setup.scenario}/run{run}/crisis{len(crises) + 1}"
        t0 = setup.start + timedelta(days=day)
        rec = run_crisis(setup, d, attack, t0, incident_id, rng)
        rec = replace(rec, index=len(crises), day=day, lapsed=lapsed)
        crises.append(rec)
        pattern.append(results.HONOURED if rec.honoured else results.UNANSWERED)
        belief = belief.observe(family, rec.honoured)
    years_held = min(horizon_years, lapse_years)
    row = _row(setup, run, tuple(crises), years_held)
    row["attack_pattern"] = "".join(pattern)
    return RunRecord(run=run, crises=tuple(crises), row=row)


def _choices(setup: Setup) -> tuple[Family, ...]:
    return FAMILIES if setup.family is None else (setup.family,)


def _prior(setup: Setup, d: Design, f: Family, known: Knowledge | None) -> adversary.Prior:
    if known:
        return known[(f, d.posture.kind)]
    return adversary.posture_prior(f, d.posture.kind, d.window_hours is not None, setup.params)


def informed_priors(setup: Setup, seed: int) -> Knowledge:
    """What an informed adversary knows before its first opportunity: for each family it may
    choose and each posture it may meet (held, given up), its posture prior updated with
    ``adversary.informed_pilot_crises`` crises of that family against that posture, each one
    observation. Empty for an adversary that is not informed. The pilot crises draw from their
    own stream of ``seed``, so every run (and its replay) sees the same knowledge."""
    p = setup.params
    if not adversary.informed(p):
        return {}
    n = round(p["adversary.informed_pilot_crises"])
    rng = np.random.default_rng(np.random.SeedSequence((seed, _PILOT_STREAM)))
    known: dict[tuple[Family, PostureKind], adversary.Prior] = {}
    for d in (setup.design, setup.lapsed):
        kind = d.posture.kind
        for f in _choices(setup):
            if (f, kind) in known:
                continue
            honoured = 0
            for i in range(n):
                attack = draw_attack(f, p, rng)
                incident_id = f"{d.name}/{setup.scenario}/pilot/{kind.value}/{f.value}/{i}"
                honoured += run_crisis(setup, d, attack, setup.start, incident_id, rng).honoured
            prior = adversary.posture_prior(f, kind, d.window_hours is not None, p)
            known[(f, kind)] = adversary.Prior(prior.alpha + honoured, prior.beta + n - honoured)
    return known


def _row(
    setup: Setup, run: int, crises: tuple[CrisisRecord, ...], years_held: float
) -> dict[str, Any]:
    """The results row: the campaign's totals, and the first crisis as the mechanism left it."""
    row = results.empty_row()
    row.update(
        design=setup.design.name,
        scenario=setup.scenario,
        run=run,
        attacked=bool(crises),
        crises=len(crises),
        crises_honoured=sum(1 for c in crises if c.honoured),
        territory_at_risk_km2=float(sum(c.territory_km2 for c in crises)),
        readiness_cost_eur=setup.annual_cost * years_held,
        posture_years_held=years_held,
    )
    if not crises:
        row["territory_at_risk_km2"] = 0.0
        return row
    c = crises[0]
    row.update(
        first_family=c.attack.family.value,
        incident_kind=c.attack.kind.value,
        posture_lapsed=c.lapsed,
        window_opened=c.window_opened,
        decided=c.honoured,
        nuclear_warning=c.nuclear_warning,
        attribution_at_close=c.attribution_at_close,
        hours_to_activation=c.hours_to_activation,
        hours_to_first_troop_commitment=c.first_troop_commitment_hours,
        hours_to_first_arrival=c.first_arrival_hours,
        hours_to_effective_response=c.effective_hours,
        troops_arrived_30d=c.troops_arrived_30d,
        attack_size=c.attack.size,
        territory_first_crisis_km2=c.territory_km2,
        troops_pledged=c.troops_pledged,
        troops_needed=c.troops_needed,
        package_eur_7d=c.package_eur_7d,
        engaged=c.engaged,
        posture_held=not c.lapsed,
    )
    for label, hours in results.PLEDGE_HORIZONS.items():
        row[f"troop_pledges_{label}"] = sum(1 for h in c.pledge_hours if h <= hours)
    outcome = c.state.outcome
    if outcome is not None:
        for t in outcome.tallies:
            row[f"commits_{t.instrument.value}"] = len(t.counted)
        troops = c.state.tally(Instrument.TROOPS)
        if troops is not None:
            row["troops_in_window"] = bool(troops.counted)
            row["conditional_troops"] = len(troops.conditional_met) + len(troops.conditional_unmet)
            row["declined_troops"] = sum(
                1
                for r in c.state.receipts
                if r.instrument is Instrument.TROOPS
                and r.status is ReceiptStatus.DECLINE
                and not r.by_silence
            )
            row["silent_troops"] = len(troops.silent)
        row["unmet_conditions"] = len(outcome.unmet_conditions)
    decisions = [e for e in c.events if isinstance(e, DecisionRecorded)]
    row["revisions"] = sum(1 for e in decisions if e.revision > 1)
    row["demands"] = sum(
        1
        for e in decisions
        if e.condition is not None and e.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
    )
    return row


def run_generator(seed: int, run: int) -> np.random.Generator:
    """The generator of run ``run``: child ``run`` of ``SeedSequence(seed)`` (as ``spawn`` makes
    it), so a run does not depend on how many runs were asked for."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run,)))


def iter_runs(setup: Setup, runs: int, seed: int) -> Iterator[RunRecord]:
    """Runs ``0 .. runs-1``; run ``k`` uses ``SeedSequence(seed).spawn(runs)[k]``."""
    known = informed_priors(setup, seed)
    children = np.random.SeedSequence(seed).spawn(runs)
    for k, child in enumerate(children):
        yield run_one(setup, k, np.random.default_rng(child), known)


def run_many(
    setup: Setup,
    runs: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """The results rows of ``runs`` runs (``progress(k)`` after each)."""
    rows = []
    for rec in iter_runs(setup, runs, seed):
        rows.append(rec.row)
        if progress is not None:
            progress(rec.run)
    return rows


def replay_run(setup: Setup, seed: int, run: int) -> RunRecord:
    """Run ``run`` exactly as ``run_many(setup, runs, seed)`` ran it (for any ``runs > run``)."""
    return run_one(setup, run, run_generator(seed, run), informed_priors(setup, seed))
