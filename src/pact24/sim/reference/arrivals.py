"""After the outcome: what the counted commitments deliver, and when (``models.delivery``).

Stationed forces of an engaged guarantor are there from the start; a quick-reaction force
moves its share of the counted troops once the guarantee is honoured; the rest moves by the
readiness tiers of each guarantor's offer; aid, weapons and sanctions come in tranches paced by
instrument (``delivery.pace``). Each arrival within the horizon is reported to the mechanism as a
``DeliveryReported``, no earlier than the close.
"""

from __future__ import annotations

import math

import numpy as np

from pact24.designs.schema import Design
from pact24.mechanism import DeliveryReported, Receipt
from pact24.mechanism.events import DERIVED_CONDITIONS
from pact24.sim.models import delivery
from pact24.sim.models.lags import CrisisLags
from pact24.sim.models.states import Profile
from pact24.sim.reference.driver import Driver
from pact24.sim.reference.guarantors import Guarantors
from pact24.vocab import Instrument, PostureKind, ReadinessTier, ReceiptStatus

Arrival = tuple[float, int, Instrument, float, str]
"""Hours after the attack, guarantor index, instrument, amount, and what arrived."""


def commit_hours(r: Receipt, g: int, i: int, answers: Guarantors, close_h: float) -> float:
    """When the commitment behind receipt ``r`` was made, in hours after the attack: at once
    for engaged troops, when decided or resolved, or at the close where the close settles it."""
    if r.instrument is Instrument.TROOPS and answers.engaged[g]:
        return 0.0
    if r.status is ReceiptStatus.COMMIT:
        return close_h if r.by_silence else answers.decided_at[g][i]
    if r.condition is not None and r.condition.kind in DERIVED_CONDITIONS:
        return close_h
    resolved = answers.resolved_at[g][i]
    return close_h if math.isnan(resolved) else resolved


def schedule(
    driver: Driver,
    profiles: tuple[Profile, ...],
    dp: delivery.DeliveryParams,
    answers: Guarantors,
    lags: CrisisLags,
    close_h: float,
    rng: np.random.Generator,
) -> tuple[list[Arrival], list[float]]:
    """The arrivals within the horizon in the order they are reported, and the commitment
    hours of the counted troop receipts."""
    state = driver.state
    design: Design = state.design
    outcome = state.outcome
    assert outcome is not None
    honoured = outcome.honoured
    index = {pr.iso3: g for g, pr in enumerate(profiles)}
    ins_index = {ins: i for i, ins in enumerate(design.instruments)}
    posture = design.posture
    stationed = {f.guarantor: float(f.troops) for f in posture.forces}
    troops_move = honoured or not dp.troops_need_honoured
    counted_troops = [r for r in state.receipts if r.instrument is Instrument.TROOPS and r.counts]
    qrf_share: dict[str, float] = {}
    if posture.kind is PostureKind.QRF and honoured and counted_troops and posture.size:
        weights = [max(r.amount, 1.0) for r in counted_troops]
        total = sum(weights)
        qrf_share = {
            r.guarantor: posture.size * w / total
            for r, w in zip(counted_troops, weights, strict=True)
        }
    items: list[Arrival] = []
    troop_commits: list[float] = []
    for r in state.receipts:
        if not r.counts:
            continue
        g, i = index[r.guarantor], ins_index[r.instrument]
        t_commit = commit_hours(r, g, i, answers, close_h)
        if r.instrument is not Instrument.TROOPS:
            earliest = float(lags.delivery[g, i])
            plan = delivery.pace(dp, r.instrument, r.amount, t_commit, earliest, rng)
            items.extend((tr.hours, g, r.instrument, tr.amount, tr.label) for tr in plan)
            continue
        troop_commits.append(t_commit)
        remaining = r.amount
        here = stationed.get(r.guarantor, 0.0) if answers.engaged[g] else 0.0
        if here > 0:
            items.append((0.0, g, r.instrument, min(here, remaining), "stationed forces in place"))
            remaining -= min(here, remaining)
        if not troops_move or remaining <= 0:
            continue
        offer = delivery.offer_of(design, r.guarantor, Instrument.TROOPS)
        share = min(qrf_share.get(r.guarantor, 0.0), remaining)
        if share > 0:
            assert posture.readiness is not None
            for tr in delivery.schedule(
                dp,
                {t: (share if t is posture.readiness else 0.0) for t in ReadinessTier},
                close_h,
                0.0,
                rng,
                "QRF",
            ):
                items.append((tr.hours, g, r.instrument, tr.amount, tr.label))
            remaining -= share
        if remaining <= 0:
            continue
        split = delivery.tiers(offer, remaining)
        if posture.kind is PostureKind.MEMBERSHIP:
            plan = delivery.schedule(dp, split, t_commit, 0.0, rng)
        else:
            plan = delivery.schedule(dp, split, t_commit, float(lags.delivery[g, i]), rng)
        items.extend((tr.hours, g, r.instrument, tr.amount, tr.label) for tr in plan)

    items = [it for it in items if it[0] <= dp.horizon_h]
    items.sort(key=lambda it: (max(it[0], close_h), it[0], it[1]))
    return items, troop_commits


def report(
    driver: Driver, profiles: tuple[Profile, ...], items: list[Arrival], close_h: float
) -> None:
    """Each arrival as a ``DeliveryReported``, stamped no earlier than the close."""
    for hours, g, ins, amount, label in items:
        driver.apply(
            DeliveryReported(
                at=driver.at(max(hours, close_h)),
                guarantor=profiles[g].iso3,
                instrument=ins,
                amount=float(amount),
                note=f"{label}: arrived +{hours:.1f} h after the attack",
            )
        )
