"""The coalition's sourced facts, and our reading of what each state has said about troops.

Facts come from ``pact24/data/guarantors.csv`` (a copy of ``shared/data/guarantors.csv``: 19
states, every cell sourced; ``unverified`` cells are assumptions). Three per-state readings become
registry parameters, each with the csv as its source:

``guarantor.stance.<ISO3>``
    Troop willingness offset (logit units). Each state's quoted words in
    ``reassurance_force_stance`` are read as one category (:data:`STANCE_SCALE`): "ready" +1.5
    (troops "if necessary"), "yes" +1.0, "in principle" +0.5, "open" 0 (conditional yes, or a
    deployment that disclaims fighting), "undecided" -0.5, "next to Ukraine" -1.0 (forces for the
    force but based on NATO soil next to Ukraine), "air only" -2.0 (no ground troops), "no" -2.5.
    The category rests on the quote; the value of each category is an assumption, and each
    state's parameter sweeps [-4, 3]. The statements
    are about a post-ceasefire reassurance force, so they are read as an upper bound on
    willingness to fight a renewed attack (the guarantor model's troop base lowers every state
    alike).
``guarantor.bandwagon_k.<ISO3>``
    How many other guarantors must already have committed troops before this one does (a
    Granovetter threshold): 0 for the co-leaders, 1-2 for states that said "yes" or "in
    principle", 3-4 for states that named conditions such as a US backstop, 5 for states that
    excluded troops, 8 (every other guarantor: ``profiles`` caps it at their number) where the
    condition is that "all coalition countries commit". The thresholds are assumptions.
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


#: The logit offset of each stance category. The categories are read from the quotes; the
#: values are an assumption (each state's parameter sweeps the whole range [-4, 3]).
STANCE_SCALE: dict[str, float] = {
    "ready": 1.5,
    "yes": 1.0,
    "in principle": 0.5,
    "open": 0.0,
    "undecided": -0.5,
    "next to Ukraine": -1.0,
    "air only": -2.0,
    "no": -2.5,
}


@dataclass(frozen=True, slots=True)
class Reading:
    """Our reading of one state's stance: category, bandwagon threshold, retroactive route.

    ``quote`` is the words of ``reassurance_force_stance`` the reading rests on; ``why`` says how
    they were read (category and threshold)."""

    category: str
    bandwagon_k: int
    retroactive: float | None
    quote: str
    why: str

    @property
    def stance(self) -> float:
        return STANCE_SCALE[self.category]


#: One reading per csv state, each resting on the quoted words of its ``reassurance_force_stance``
#: (re-read for issue 10: FRA, DEU, LTU, NLD and SWE changed; see docs/model.md §7.4).
READINGS: dict[str, Reading] = {
    "GBR": Reading(
        "ready",
        0,
        0.7,
        "'ready and willing' to put UK troops on the ground 'if necessary'",
        "co-leader; the only state that offered troops 'if necessary'",
    ),
    "FRA": Reading(
        "open",
        0,
        None,
        "26 countries to deploy 'the day after a ceasefire'; force 'does not have the will or "
        "objective of waging war against Russia'",
        "co-leader, so it moves first (k 0), but it disclaims fighting Russia: open, not ready",
    ),
    "DEU": Reading(
        "next to Ukraine",
        4,
        0.2,
        "participation 'on NATO territory neighbouring Ukraine, not in Ukraine'; conditions incl. "
        "legally binding US guarantee and US backstop; any deployment needs a Bundestag mandate",
        "forces for the multinational force, based on neighbouring NATO territory (Merz, AFP "
        "6 Jan 2026: 'not ruling anything out'); two named conditions (k 4); emergency route "
        "rare",
    ),
    "ITA": Reading(
        "no",
        5,
        0.0,
        "'no national participation in a possible military force on the ground is planned'",
        "excluded troops",
    ),
    "POL": Reading(
        "no",
        5,
        None,
        "'Polish soldiers will not take part in this mission'; logistics hub",
        "excluded troops",
    ),
    "NLD": Reading(
        "open",
        3,
        None,
        "would 'favorably consider' requests; conditions: clear mandate and US backup",
        "conditional yes with a US condition (k 3)",
    ),
    "DNK": Reading(
        "in principle",
        2,
        0.0,
        "'if a ceasefire or peace agreement requires a European presence, Denmark is in "
        "principle ready'",
        "in principle ready, no conditions named beyond a ceasefire",
    ),
    "SWE": Reading(
        "open",
        3,
        0.0,
        "'absolutely a possibility'; needs a 'very clear mandate'; military backstop e.g. from US",
        "open with a US condition (k 3)",
    ),
    "FIN": Reading(
        "no",
        5,
        0.3,
        "'we will not send soldiers to Ukraine'",
        "excluded troops",
    ),
    "NOR": Reading(
        "open",
        2,
        None,
        "willing to contribute to an international force once a 'credible ceasefire' holds",
        "conditional yes on a ceasefire only",
    ),
    "EST": Reading(
        "yes",
        1,
        0.0,
        "ready to contribute a company-sized ground combat unit; will seek a Riigikogu mandate",
        "a concrete combat unit offered",
    ),
    "LVA": Reading(
        "undecided",
        3,
        0.0,
        "only after a peace treaty with clear security guarantees; no formal proposal",
        "undecided, conditions named",
    ),
    "LTU": Reading(
        "yes",
        8,
        0.0,
        "'ready to provide ... very concrete numbers of our military troops', provided all "
        "coalition countries commit",
        "ready, but only once all the others have committed (k = every other guarantor)",
    ),
    "CAN": Reading(
        "open",
        2,
        None,
        "'I would not exclude the presence of troops'",
        "open",
    ),
    "TUR": Reading(
        "undecided",
        3,
        0.0,
        "ready to send troops after a ceasefire and a clear mission definition; naval/Black Sea "
        "element",
        "conditional yes for a maritime role, not ground troops",
    ),
    "USA": Reading(
        "air only",
        4,
        None,
        "'You have my assurance' no US troops; could help 'probably ... by air'",
        "no ground troops; air support possible",
    ),
    "BEL": Reading(
        "yes",
        1,
        None,
        "ready with UK/France to operate on Ukrainian territory 'immediately after the ceasefire'",
        "yes, next to the co-leaders",
    ),
    "ESP": Reading(
        "open",
        2,
        0.3,
        "'Spain says yes if this ceasefire occurs'; parliamentary approval required",
        "conditional yes on a ceasefire; cautious through 2025",
    ),
    "CZE": Reading(
        "no",
        5,
        0.3,
        "'we will never send our troops to Ukraine'",
        "excluded troops",
    ),
}


def _parameters() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for iso3, r in READINGS.items():
        src = f'{CSV}, {iso3} reassurance_force_stance: "{r.quote}", read as {r.category}'
        out.append(
            Parameter(
                f"guarantor.stance.{iso3}",
                r.stance,
                -4.0,
                3.0,
                "logit",
                f"{src}; the logit value of a category is an assumption ({r.why})",
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
                f"{src}; the threshold is an assumption ({r.why})",
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
