"""Delivery: when committed troops and aid arrive.

Arrival of troops
-----------------
A guarantor's committed troops come in tranches by readiness tier (the design's ``Offer.readiness``;
whatever is not tiered counts as ``low``), measured from the moment they start to move::

    very_high  half as lead elements after U(48, 72) h, the rest after U(5, 7) days   (NATO VJTF)
    high       after U(5, 30) days                                                    (NATO NRF)
    low        after U(30, 90) days                                                   (follow-on)

When they start to move depends on the posture:

- ``membership``: at the guarantor's commitment (integrated command, pre-approved plans; an
  engaged guarantor is committed at the attack);
- ``tripwire`` / ``dmz``: stationed forces are in place, so they "arrive" at the attack (0 h),
  whatever the window; the rest of an engaged state's offer and other states' troops move as
  ad hoc forces;
- ``qrf``: the quick-reaction force (``size`` at ``readiness``) moves once the guarantee is
  honoured, split among the guarantors that committed troops; national troops beyond it move ad
  hoc;
- ``none`` (and ad hoc forces): on the tier schedule, but no earlier than the timing model's
  historical delivery lag for troops allows (the extra delay of a deployment nobody planned).

Unless the guarantee is honoured, only stationed forces fight (``delivery.troops_need_honoured``):
a state does not send troops alone into a guarantee that failed.

Arrival of aid, weapons and sanctions
-------------------------------------
Other instruments are paced by instrument from the commitment, and the whole schedule is pushed
back, as for ad hoc troops, so that nothing arrives before the timing model's historical delivery
lag::

    defence_support  first_share from stocks after U(2, 14) days, the rest after U(30, 180) days
                     (US drawdowns: shipped "within days or weeks"; Kiel: about half of the
                     heavy weapons pledged had arrived months later)
    economic_aid     first_share after U(7, 30) days, the rest after U(30, 120) days (the EU's
                     Ukraine Facility: first EUR 4.5 bn paid 19 days after it entered into force,
                     the next tranche a month later, on conditions)
    sanctions        in force U(2, 24) hours after the decision (EU packages: adopted and
                     published in the Official Journal the same day, 23 Feb 2022)

``package_value`` adds up what is delivered or in force by a horizon, in EUR: defence support and
aid at their amount (offers are in EUR million), each guarantor's sanctions at
``package.sanctions_eur`` (the revenue they deny the attacker in a year).

What a posture costs and how long it is kept up is in ``posture``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pact24.designs.schema import Design, Offer
from pact24.sim.params import ASSUMPTION, Parameter, Params, flag
from pact24.vocab import Instrument, ReadinessTier

_VJTF = (
    "SHAPE 'The Very High Readiness Joint Task Force' Q&A (some units ready to deploy in two "
    "days, most in under seven); NATO VJTF lead elements 48-72 h"
)
_NRF = "Netherlands MoD 'Rapid Reaction Force' page: the NRF can deploy within 5 to 30 days"
_PDA = (
    "US drawdown (PDA) practice: aid 'can begin arriving within days' (State Department via "
    "thefederalnewswire.com); equipment 'shipped within days or weeks' (The Hill, Sep 2024)"
)
_KIEL_GAP = (
    "Kiel Ukraine Support Tracker, Jul 2023 (Trebesch, via euromaidanpress.com): only a little "
    "more than half of the heavy weapons committed had been delivered"
)
_FACILITY = (
    "European Commission, 20 Mar 2024 (pubaffairsbruxelles.eu): first EUR 4.5 bn of the Ukraine "
    "Facility paid 19 days after it entered into force; EUR 1.5 bn more on 24 Apr 2024 after "
    "conditions were assessed (einpresswire.com)"
)
_OJ = (
    "EU sanctions of 23 Feb 2022: adopted in writing by 15:00 and published in the Official "
    "Journal for entry into force the same afternoon (Politico via novinite.com)"
)
PACED = (Instrument.DEFENCE_SUPPORT, Instrument.ECONOMIC_AID)
"""Instruments delivered in two tranches (sanctions come into force at once)."""

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "delivery.lead_hours_min",
        48.0,
        12.0,
        72.0,
        "hours",
        _VJTF,
        "Earliest arrival of very-high-readiness lead elements after they start to move",
    ),
    Parameter(
        "delivery.lead_hours_max",
        72.0,
        48.0,
        168.0,
        "hours",
        _VJTF,
        "Latest arrival of very-high-readiness lead elements",
    ),
    Parameter(
        "delivery.lead_share",
        0.5,
        0.1,
        1.0,
        "fraction",
        ASSUMPTION,
        "Share of a state's very-high-readiness troops that come as lead elements",
    ),
    Parameter(
        "delivery.very_high_rest_days_min",
        5.0,
        2.0,
        7.0,
        "days",
        _VJTF,
        "Earliest arrival of the rest of the very-high-readiness troops",
    ),
    Parameter(
        "delivery.very_high_rest_days_max",
        7.0,
        5.0,
        14.0,
        "days",
        _VJTF,
        "Latest arrival of the rest of the very-high-readiness troops",
    ),
    Parameter(
        "delivery.high_days_min",
        5.0,
        2.0,
        15.0,
        "days",
        _NRF,
        "Earliest arrival of high-readiness troops",
    ),
    Parameter(
        "delivery.high_days_max",
        30.0,
        10.0,
        60.0,
        "days",
        _NRF,
        "Latest arrival of high-readiness troops",
    ),
    Parameter(
        "delivery.low_days_min",
        30.0,
        15.0,
        90.0,
        "days",
        ASSUMPTION,
        "Earliest arrival of low-readiness (follow-on) troops",
    ),
    Parameter(
        "delivery.low_days_max",
        90.0,
        30.0,
        365.0,
        "days",
        ASSUMPTION,
        "Latest arrival of low-readiness (follow-on) troops",
    ),
    *(
        Parameter(
            f"delivery.{ins}.{key}",
            value,
            low,
            high,
            unit,
            src,
            text,
        )
        for ins, key, value, low, high, unit, src, text in (
            (
                "defence_support",
                "first_days_min",
                2.0,
                1.0,
                7.0,
                "days",
                _PDA,
                "Earliest arrival of the first defence-support tranche after the commitment",
            ),
            (
                "defence_support",
                "first_days_max",
                14.0,
                7.0,
                60.0,
                "days",
                _PDA,
                "Latest arrival of the first defence-support tranche",
            ),
            (
                "defence_support",
                "first_share",
                0.5,
                0.1,
                1.0,
                "fraction",
                _KIEL_GAP,
                "Share of committed defence support that comes from stocks in the first tranche",
            ),
            (
                "defence_support",
                "rest_days_min",
                30.0,
                14.0,
                90.0,
                "days",
                _KIEL_GAP,
                "Earliest arrival of the rest of the defence support",
            ),
            (
                "defence_support",
                "rest_days_max",
                180.0,
                60.0,
                730.0,
                "days",
                _KIEL_GAP,
                "Latest arrival of the rest of the defence support",
            ),
            (
                "economic_aid",
                "first_days_min",
                7.0,
                1.0,
                30.0,
                "days",
                _FACILITY,
                "Earliest disbursement of the first economic-aid tranche after the commitment",
            ),
            (
                "economic_aid",
                "first_days_max",
                30.0,
                7.0,
                90.0,
                "days",
                _FACILITY,
                "Latest disbursement of the first economic-aid tranche",
            ),
            (
                "economic_aid",
                "first_share",
                0.5,
                0.1,
                1.0,
                "fraction",
                _FACILITY + " (EUR 4.5 bn of the first EUR 6 bn)",
                "Share of committed economic aid paid in the first tranche",
            ),
            (
                "economic_aid",
                "rest_days_min",
                30.0,
                14.0,
                90.0,
                "days",
                _FACILITY,
                "Earliest disbursement of the rest of the economic aid",
            ),
            (
                "economic_aid",
                "rest_days_max",
                120.0,
                60.0,
                365.0,
                "days",
                _FACILITY,
                "Latest disbursement of the rest of the economic aid",
            ),
            (
                "sanctions",
                "in_force_hours_min",
                2.0,
                0.0,
                24.0,
                "hours",
                _OJ,
                "Earliest entry into force of sanctions after the decision",
            ),
            (
                "sanctions",
                "in_force_hours_max",
                24.0,
                6.0,
                168.0,
                "hours",
                _OJ,
                "Latest entry into force of sanctions after the decision",
            ),
        )
    ),
    Parameter(
        "package.sanctions_eur",
        2e9,
        0.0,
        1e10,
        "EUR",
        "assumption, after CREA (11 Jan 2023): the EU oil ban and price cap cost Russia about "
        "EUR 160 m a day, some EUR 58 bn a year, shared by about 30 sanctioning states",
        "Value of one guarantor's sanctions in force (a year of revenue denied to the attacker)",
    ),
    Parameter(
        "delivery.troops_need_honoured",
        1.0,
        0.0,
        1.0,
        "flag",
        ASSUMPTION,
        "1: troops (other than stationed forces) move only if the guarantee is honoured",
        flag=True,
    ),
    Parameter(
        "delivery.horizon_days",
        180.0,
        30.0,
        730.0,
        "days",
        "assumption (resolution of the simulation)",
        "Deliveries later than this after the attack are not simulated",
    ),
)


@dataclass(frozen=True, slots=True)
class DeliveryParams:
    lead_h: tuple[float, float]
    lead_share: float
    very_high_rest_h: tuple[float, float]
    high_h: tuple[float, float]
    low_h: tuple[float, float]
    troops_need_honoured: bool
    horizon_h: float
    first_h: dict[Instrument, tuple[float, float]]
    first_share: dict[Instrument, float]
    rest_h: dict[Instrument, tuple[float, float]]
    in_force_h: tuple[float, float]
    sanctions_eur: float

    @classmethod
    def from_params(cls, p: Params) -> DeliveryParams:
        day = 24.0
        return cls(
            lead_h=(p["delivery.lead_hours_min"], p["delivery.lead_hours_max"]),
            lead_share=p["delivery.lead_share"],
            very_high_rest_h=(
                p["delivery.very_high_rest_days_min"] * day,
                p["delivery.very_high_rest_days_max"] * day,
            ),
            high_h=(p["delivery.high_days_min"] * day, p["delivery.high_days_max"] * day),
            low_h=(p["delivery.low_days_min"] * day, p["delivery.low_days_max"] * day),
            troops_need_honoured=flag(p["delivery.troops_need_honoured"]),
            horizon_h=p["delivery.horizon_days"] * day,
            first_h={
                i: (
                    p[f"delivery.{i.value}.first_days_min"] * day,
                    p[f"delivery.{i.value}.first_days_max"] * day,
                )
                for i in PACED
            },
            first_share={i: p[f"delivery.{i.value}.first_share"] for i in PACED},
            rest_h={
                i: (
                    p[f"delivery.{i.value}.rest_days_min"] * day,
                    p[f"delivery.{i.value}.rest_days_max"] * day,
                )
                for i in PACED
            },
            in_force_h=(
                p["delivery.sanctions.in_force_hours_min"],
                p["delivery.sanctions.in_force_hours_max"],
            ),
            sanctions_eur=p["package.sanctions_eur"],
        )


@dataclass(frozen=True, slots=True)
class Tranche:
    """Troops that arrive together: ``hours`` after the attack."""

    hours: float
    amount: float
    label: str


def tiers(offer: Offer | None, amount: float) -> dict[ReadinessTier, float]:
    """``amount`` troops split by the offer's readiness tiers (untiered troops count as low)."""
    if offer is None or offer.amount <= 0:
        return {ReadinessTier.LOW: amount}
    scale = amount / offer.amount
    out = {t: float(offer.readiness.get(t, 0)) * scale for t in ReadinessTier}
    out[ReadinessTier.LOW] += max(0.0, amount - sum(out.values()))
    return out


def _between(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    return lo + (hi - lo) * float(rng.random()) if hi > lo else lo


def schedule(
    dp: DeliveryParams,
    split: dict[ReadinessTier, float],
    start_h: float,
    earliest_h: float,
    rng: np.random.Generator,
    label: str = "",
) -> list[Tranche]:
    """Tranches of troops that start to move at ``start_h`` (hours after the attack).

    ``earliest_h`` delays the whole schedule so that the first tranche arrives no earlier
    (the ad hoc delay; pass 0 for planned movements).
    """
    vh, hi, lo = split[ReadinessTier.VERY_HIGH], split[ReadinessTier.HIGH], split[ReadinessTier.LOW]
    draws = [
        (vh * dp.lead_share, _between(rng, dp.lead_h), "lead elements"),
        (vh * (1.0 - dp.lead_share), _between(rng, dp.very_high_rest_h), "very-high readiness"),
        (hi, _between(rng, dp.high_h), "high readiness"),
        (lo, _between(rng, dp.low_h), "follow-on forces"),
    ]
    present = [(a, t, n) for a, t, n in draws if a > 0.0]
    if not present:
        return []
    first = start_h + min(t for _, t, _ in present)
    shift = max(0.0, earliest_h - first)
    prefix = f"{label} " if label else ""
    return [Tranche(start_h + t + shift, a, prefix + n) for a, t, n in present]


def pace(
    dp: DeliveryParams,
    instrument: Instrument,
    amount: float,
    start_h: float,
    earliest_h: float,
    rng: np.random.Generator,
) -> list[Tranche]:
    """Tranches of a non-troop commitment made at ``start_h``, none before ``earliest_h`` (the
    historical delivery lag): sanctions in force at once, aid and weapons in two tranches."""
    if instrument is Instrument.SANCTIONS:
        plan = [(_between(rng, dp.in_force_h), amount, "in force")]
    else:
        share = dp.first_share[instrument]
        first = _between(rng, dp.first_h[instrument])
        rest = max(first, _between(rng, dp.rest_h[instrument]))
        plan = [(first, amount * share, "first tranche delivered")]
        if share < 1.0:
            plan.append((rest, amount * (1.0 - share), "last tranche delivered"))
    shift = max(0.0, earliest_h - (start_h + plan[0][0]))
    return [Tranche(start_h + t + shift, a, label) for t, a, label in plan if a > 0.0]


def package_value(
    dp: DeliveryParams, arrivals: Iterable[tuple[float, Instrument, float]], by_h: float
) -> float:
    """EUR delivered or in force by ``by_h`` hours: aid and weapons at their amount (EUR
    million), each state's sanctions at ``package.sanctions_eur``."""
    total = 0.0
    for hours, instrument, amount in arrivals:
        if hours > by_h or instrument is Instrument.TROOPS:
            continue
        total += dp.sanctions_eur * amount if instrument is Instrument.SANCTIONS else amount * 1e6
    return total


def offer_of(design: Design, iso3: str, instrument: Instrument) -> Offer | None:
    g = design.guarantor(iso3)
    return None if g is None else g.offers.get(instrument)
