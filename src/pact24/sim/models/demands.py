"""Demands on the beneficiary: which state plausibly asks what of Ukraine for which instrument,
and how Ukraine answers.

Who demands what is data, not chance: ``pact24/data/demands.csv`` lists, per state (ISO3, or
``EU`` for every EU member) and instrument, a *demand type* with the precedent it rests on. A
guarantor with no row for an instrument never attaches a demand to it. In a crisis, a guarantor
with rows raises one of them (uniformly) with probability ``demand.prob``.

Each type says which instruments it may ride on: a demand that Ukraine concede to the attacker
(a ceasefire on the attacker's terms) never conditions sanctions on the attacker, which would
make the guarantor's pressure on the adversary depend on Ukraine giving in to it.

Ukraine answers after ``reply_days`` (drawn uniformly between half and one and a half times the
type's mean: a government answers a political demand in days, not hours) and accepts with the
type's probability. Both are read from the precedents where there is one (the Jeddah ceasefire
acceptance eight days after the US pause; the anti-corruption law restored nine days after the
EU's objection) and are assumptions with wide ranges elsewhere.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pact24.sim.params import ASSUMPTION, Parameter, Params
from pact24.vocab import Instrument

EU = "EU"
"""The ``iso3`` of a row that applies to every EU member state."""

EU_MEMBERS = frozenset(
    {
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
    }
)
"""The 27 EU member states (2020 on)."""

_ALL = frozenset(Instrument)


@dataclass(frozen=True, slots=True)
class DemandType:
    """A kind of demand: the instruments it may ride on, and how Ukraine meets it."""

    name: str
    instruments: frozenset[Instrument]
    accept: float
    accept_low: float
    accept_high: float
    accept_source: str
    reply_days: float
    reply_low: float
    reply_high: float
    reply_source: str


TYPES: tuple[DemandType, ...] = (
    DemandType(
        "ceasefire_terms",
        _ALL - {Instrument.SANCTIONS},
        0.5,
        0.1,
        0.9,
        "assumption, after Jeddah 11 Mar 2025: Ukraine accepted a US 30-day ceasefire proposal "
        "(subject to Russia's acceptance) to end the US pause on weapons (Washington Post, "
        "archive.md/r1NRL); a ceasefire on worse terms is less likely to be accepted",
        8.0,
        2.0,
        30.0,
        "US pause 3 Mar 2025, Ukraine's acceptance 11 Mar 2025 (Axios via milesfortis.com)",
    ),
    DemandType(
        "trade_grain",
        frozenset({Instrument.DEFENCE_SUPPORT, Instrument.ECONOMIC_AID}),
        0.3,
        0.05,
        0.7,
        "assumption, after Sep 2023: Ukraine answered Poland's grain ban with WTO complaints, "
        "not a concession (mvrepublic.com, Sep 2023)",
        14.0,
        3.0,
        60.0,
        ASSUMPTION,
    ),
    DemandType(
        "energy_transit",
        _ALL,
        0.2,
        0.05,
        0.5,
        "assumption, after Jan 2025: Ukraine did not resume Russian gas transit and offered "
        "Azerbaijani gas transit instead (rks.news; babel.ua 24 Jan 2025)",
        3.0,
        1.0,
        14.0,
        "Orban's demand 24 Jan 2025, Zelensky's counter-offer over the weekend (rks.news)",
    ),
    DemandType(
        "minority_rights",
        frozenset({Instrument.DEFENCE_SUPPORT, Instrument.ECONOMIC_AID}),
        0.4,
        0.1,
        0.8,
        ASSUMPTION,
        30.0,
        7.0,
        180.0,
        "assumption: a change to a language or education law must pass the Rada",
    ),
    DemandType(
        "anti_corruption",
        frozenset({Instrument.ECONOMIC_AID}),
        0.7,
        0.3,
        0.95,
        "assumption, after Jul 2025: Ukraine restored NABU's and SAPO's independence after the "
        "Commission's objection (censor.net 24 Jul 2025)",
        9.0,
        3.0,
        30.0,
        "law 12414 passed 22 Jul 2025, the law restoring independence signed 31 Jul 2025 "
        "(censor.net; hayknews.com 31 Jul 2025)",
    ),
)
BY_NAME = {t.name: t for t in TYPES}

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "demand.prob",
        0.3,
        0.0,
        1.0,
        "probability",
        "assumption: the precedents in demands.csv were raised in some disputes and not in "
        "others; the seed warns of 'concessions from Ukraine in exchange for help'",
        "Probability that a guarantor with a sourced demand on an instrument raises it in a crisis",
    ),
    *(
        Parameter(
            f"beneficiary.accept.{t.name}",
            t.accept,
            t.accept_low,
            t.accept_high,
            "probability",
            t.accept_source,
            f"Probability that the beneficiary accepts a {t.name} demand",
        )
        for t in TYPES
    ),
    *(
        Parameter(
            f"beneficiary.reply_days.{t.name}",
            t.reply_days,
            t.reply_low,
            t.reply_high,
            "days",
            t.reply_source,
            f"Mean time the beneficiary takes to answer a {t.name} demand",
        )
        for t in TYPES
    ),
)


@dataclass(frozen=True, slots=True)
class Demand:
    """One row of ``demands.csv``: ``iso3`` asks ``text`` (of type ``kind``) for ``instrument``."""

    iso3: str
    instrument: Instrument
    kind: DemandType
    text: str
    source: str


@cache
def table() -> tuple[Demand, ...]:
    """The shipped rows; a row whose type may not ride on its instrument is refused."""
    text = (resources.files("pact24") / "data" / "demands.csv").read_text(encoding="utf-8")
    rows = []
    for r in csv.DictReader(text.splitlines()):
        kind = BY_NAME[r["demand_type"]]
        instrument = Instrument(r["instrument"])
        if instrument not in kind.instruments:
            raise ValueError(f"demands.csv: {kind.name} may not condition {instrument.value}")
        rows.append(Demand(r["iso3"], instrument, kind, r["text"], r["source"]))
    return tuple(rows)


def options(iso3: str, instrument: Instrument) -> tuple[Demand, ...]:
    """The demands ``iso3`` may attach to ``instrument`` (EU rows for every EU member)."""
    return tuple(
        d
        for d in table()
        if d.instrument is instrument and (d.iso3 == iso3 or (d.iso3 == EU and iso3 in EU_MEMBERS))
    )


@dataclass(frozen=True, slots=True)
class DemandParams:
    prob: float
    accept: dict[str, float]
    reply_hours: dict[str, float]

    @classmethod
    def from_params(cls, p: Params) -> DemandParams:
        return cls(
            prob=p["demand.prob"],
            accept={t.name: p[f"beneficiary.accept.{t.name}"] for t in TYPES},
            reply_hours={t.name: p[f"beneficiary.reply_days.{t.name}"] * 24.0 for t in TYPES},
        )

    def reply_after(self, d: Demand, u: float) -> float:
        """Hours until the beneficiary answers ``d``, for a uniform ``u``: the type's mean
        times U(0.5, 1.5)."""
        return self.reply_hours[d.kind.name] * (0.5 + u)
