"""The coalition's sourced facts, and our reading of what each state has said about troops.

Facts come from ``pact24/data/guarantors.csv`` (a copy of ``shared/data/guarantors.csv``: 19
states, every cell sourced; ``unverified`` cells are assumptions). Three per-state readings become
registry parameters, each with the csv as its source:

``guarantor.stance.<ISO3>``
    Troop willingness offset (logit units) read from ``reassurance_force_stance``: a state that
    said it is "ready and willing" to put troops on the ground is +1.5; "open" or "conditional"
    0; "no troops" -2.5. The statements are about a post-ceasefire reassurance force, so they are
    read as an upper bound on willingness to fight a renewed attack (the guarantor model's troop
    base lowers every state alike).
``guarantor.bandwagon_k.<ISO3>``
    How many other guarantors must already have committed troops before this one does (a
    Granovetter threshold): 0 for the co-leaders, 1-2 for states that said "yes" or "in
    principle", 3-4 for states that named conditions such as a US backstop or "all coalition
    countries", 5 for states that excluded troops.
``guarantor.retroactive.<ISO3>``
    For states whose parliament must approve a deployment beforehand: the probability that the
    government commits at once and seeks approval afterwards, where ``legal_basis`` provides an
    emergency route (UK convention "except in an emergency"; Germany's "Gefahr im Verzug";
    Spain's ex-post ratification in extreme urgency; Czech 60-day government route; Finland's
    consultation duty). 0 where the csv shows no such route.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pact24.designs.schema import Design
from pact24.sim.params import Parameter, Params

CSV = "shared/data/guarantors.csv (copy: pact24/data/guarantors.csv)"


@dataclass(frozen=True, slots=True)
class StateFacts:
    """One row of ``guarantors.csv``, typed."""

    iso3: str
    name: str
    prior_parliament_approval: str
    legal_basis: str
    typical_vote_days: str
    active_personnel: int
    nuclear: bool
    reassurance_force_stance: str
    hesitancy_note: str

    @property
    def parliament_first(self) -> bool:
        """Whether the csv reads as 'parliament must approve beforehand' (yes or convention)."""
        p = self.prior_parliament_approval.lower()
        return p.startswith(("yes", "convention", "consultation"))


@cache
def load_states() -> dict[str, StateFacts]:
    """The 19 states of the shipped ``guarantors.csv`` by ISO3 code."""
    text = (resources.files("pact24") / "data" / "guarantors.csv").read_text(encoding="utf-8")
    out: dict[str, StateFacts] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[row["iso3"]] = StateFacts(
            iso3=row["iso3"],
            name=row["name"],
            prior_parliament_approval=row["prior_parliament_approval"],
            legal_basis=row["legal_basis"],
            typical_vote_days=row["typical_vote_days"],
            active_personnel=int(row["active_personnel"]),
            nuclear=row["nuclear"].strip().lower().startswith("yes"),
            reassurance_force_stance=row["reassurance_force_stance"],
            hesitancy_note=row["hesitancy_note"],
        )
    return out


@dataclass(frozen=True, slots=True)
class Reading:
    """Our reading of one state's stance: troop offset, bandwagon threshold, retroactive route."""

    stance: float
    bandwagon_k: int
    retroactive: float | None
    why: str


#: One reading per csv state; ``why`` quotes the gist of ``reassurance_force_stance``.
READINGS: dict[str, Reading] = {
    "GBR": Reading(1.5, 0, 0.7, "co-leader: 'ready and willing', boots on the ground"),
    "FRA": Reading(1.5, 0, None, "co-leader: 26 states to deploy after a ceasefire"),
    "DEU": Reading(-0.5, 3, 0.5, "only on NATO soil next to Ukraine; US backstop a condition"),
    "ITA": Reading(-2.5, 5, 0.0, "no national participation in a force on the ground"),
    "POL": Reading(-2.5, 5, None, "no Polish soldiers in Ukraine; logistics hub"),
    "NLD": Reading(0.0, 2, None, "conditional yes: clear mandate and US backup"),
    "DNK": Reading(0.5, 2, 0.0, "in principle ready"),
    "SWE": Reading(0.0, 2, 0.0, "open: needs a very clear mandate, US backstop"),
    "FIN": Reading(-2.5, 5, 0.3, "will not send soldiers to Ukraine (border state)"),
    "NOR": Reading(0.0, 2, None, "willing once a credible ceasefire holds"),
    "EST": Reading(1.0, 1, 0.0, "yes: company-sized unit, seeks Riigikogu mandate"),
    "LVA": Reading(-0.5, 3, 0.0, "undecided: only after a peace treaty with guarantees"),
    "LTU": Reading(0.5, 4, 0.0, "yes, provided all coalition countries commit"),
    "CAN": Reading(0.0, 2, None, "open: would not exclude troops"),
    "TUR": Reading(-0.5, 3, 0.0, "conditional yes, maritime focus, clear mission"),
    "USA": Reading(-2.0, 4, None, "no ground troops; help 'probably by air'"),
    "BEL": Reading(1.0, 1, None, "yes, with UK and France after a ceasefire"),
    "ESP": Reading(0.0, 2, 0.3, "yes if a ceasefire occurs; parliament to approve"),
    "CZE": Reading(-2.5, 5, 0.3, "no: 'we will never send our troops to Ukraine'"),
}


def _parameters() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for iso3, r in READINGS.items():
        src = f"{CSV}, {iso3} reassurance_force_stance (reading: {r.why})"
        out.append(
            Parameter(
                f"guarantor.stance.{iso3}",
                r.stance,
                -4.0,
                3.0,
                "logit",
                src,
                f"Troop willingness offset of {iso3} read from its stated stance",
            )
        )
        out.append(
            Parameter(
                f"guarantor.bandwagon_k.{iso3}",
                float(r.bandwagon_k),
                0.0,
                8.0,
                "guarantors",
                src,
                f"Others that must commit troops before {iso3} does (threshold model)",
                integer=True,
            )
        )
        if r.retroactive is not None:
            out.append(
                Parameter(
                    f"guarantor.retroactive.{iso3}",
                    r.retroactive,
                    0.0,
                    1.0,
                    "probability",
                    f"{CSV}, {iso3} legal_basis (emergency route read as this probability: "
                    "assumption)",
                    f"P({iso3}'s government commits troops first and seeks approval afterwards)",
                )
            )
    return tuple(out)


PARAMETERS: tuple[Parameter, ...] = (
    *_parameters(),
    Parameter(
        "guarantor.stance.default",
        0.0,
        -4.0,
        3.0,
        "logit",
        "assumption: a state not in guarantors.csv is read as 'open'",
        "Troop willingness offset of a guarantor the csv does not cover",
    ),
    Parameter(
        "guarantor.bandwagon_k.default",
        2.0,
        0.0,
        8.0,
        "guarantors",
        "assumption: the median threshold of the csv states",
        "Bandwagon threshold of a guarantor the csv does not cover",
        integer=True,
    ),
)


@dataclass(frozen=True, slots=True)
class Profile:
    """One guarantor of one design: who it is and what it brings to the model."""

    iso3: str
    name: str
    delegate: str
    legislature: bool
    stance: float
    bandwagon_k: int
    retroactive: float
    own_nuclear: bool


def profiles(design: Design, p: Params) -> tuple[Profile, ...]:
    """The design's guarantors with their registry readings (csv states) or the defaults."""
    facts = load_states()
    out = []
    for g in design.guarantors:
        known = g.iso3 in READINGS
        stance = p[f"guarantor.stance.{g.iso3}" if known else "guarantor.stance.default"]
        k = p[f"guarantor.bandwagon_k.{g.iso3}" if known else "guarantor.bandwagon_k.default"]
        retro_key = f"guarantor.retroactive.{g.iso3}"
        out.append(
            Profile(
                iso3=g.iso3,
                name=g.name,
                delegate=g.delegate,
                legislature=g.legislature_approval_for_troops,
                stance=stance,
                bandwagon_k=max(0, min(round(k), len(design.guarantors) - 1)),
                retroactive=p.get(retro_key, 0.0),
                own_nuclear=facts[g.iso3].nuclear if g.iso3 in facts else False,
            )
        )
    return tuple(out)
