"""Guarantors: how willing each state is, per instrument, and how it answers inside the window.

Willingness
-----------
Each guarantor ``g`` and instrument ``i`` has a willingness on the logit scale::

    z = base_i + stance_g [troops]
        + severity_effect * (-1 | 0 | +1 for low | medium | high)
        + attribution_effect * (belief_g(t) - 0.5)
        - fear_i * nuclear_adversary * (1 - relief * own_nuclear_g)
        - signal_effect * warned [troops, defence support]
        - election_penalty * election_near_g [troops, defence support]
        + opinion_g - disinformation_shift [disinformation]

and is *willing* while ``u_gi < logistic(z)`` for a uniform ``u_gi`` drawn once per crisis (so
a change of ``z`` flips the answer one way only). ``stance_g`` is the reading of the state's stated
stance (``states.py``); ``opinion_g`` is a per-crisis draw of public opinion.

Answers (manoeuvring)
---------------------
A guarantor first looks at an instrument when its time to decision (timing model, via
``lags.py``) has passed — it has *deliberated* — and looks again whenever something it waits for
changes (attribution, others' commitments, a vote, the beneficiary's reply, a nuclear warning),
answering after a short revision lag. For troops, in this order:

1. engaged (the attack touched its stationed forces, ``models.posture``): it withdraws them
   with the historical rate for its kind of deployment (``posture.withdraw_prob.<kind>``);
   otherwise, while its own belief is below ``attribution_needed``, its forces defend themselves
   but it commits only on ``attribution_confirmed``; once convinced it confirms, or stays
   silent, which the mechanism counts as committing its stationed forces;
2. unwilling: silence (blame avoidance, with ``silence_when_unwilling``) or an explicit decline;
   a guarantor that had committed and is frightened off by a nuclear warning falls back on a
   condition it knows will not be met (a UN mandate), or declines;
3. its own belief below ``attribution_needed``: conditional on ``attribution_confirmed``;
4. fewer than ``bandwagon_k`` others committed: conditional on ``others_commit_first(k)``
   (the threshold model: most states move only after enough others have);
5. a parliament must approve and the government does not take the emergency route: conditional
   on ``parliament_approval``; the vote comes at the timing model's time (legislature covariate)
   and fails with ``legislature_reject_prob``;
6. where it raised a demand (``models.demands``: sourced per state and instrument): conditional
   on a concession by the beneficiary, which answers in days by the demand's type;
7. otherwise: commit.

A condition the design does not allow is not attached: the guarantor waits silently instead.
Other instruments skip steps 1 and 3-5.

Answering by a deadline
-----------------------
The timing model measures how long governments took to *decide*, in crises without a deadline.
A design with a pre-agreed window also obliges every guarantor to *answer* by its close, and the
two differ: a government can say "we will decide after parliament votes" or "once attribution is
confirmed" long before it has decided. So, in a design with a window, each guarantor's answer on
each instrument falls due at a uniform time in the last ``deadline_answer_hours`` (at most half
the window); one that has said nothing by then is *obliged* and answers from its disposition at
that hour, through the same steps:

- with ``deadline_silence_prob`` it lets the deadline pass in silence, a choice (the design's
  silence rule then reads it); a deliberated, willing guarantor still answers what it decided;
- otherwise silence is no longer an option: an unwilling guarantor declines (step 2) — unless
  it is unwilling only for want of attribution (it would be willing at belief 1), when it answers
  conditional on ``attribution_confirmed``, as the North Atlantic Council did on 12 September
  2001 ("if it is determined that this attack was directed from abroad"); a condition the design
  does not allow becomes an explicit decline ("cannot commit by the deadline") instead of
  waiting;
- a willing guarantor that has not finished deliberating gives the answer its situation implies
  (steps 3-6: conditional on attribution, on others, on parliament, on a concession); where
  nothing is left to wait for, it commits with ``unfinished_commit_prob`` and otherwise reserves
  its decision (conditional, ``other``: "the government completes its decision", unmet at the
  close unless revised), or declines where the design allows no such condition.

When its time to decision then passes before the close, the deliberated answer replaces the
provisional one (a revision). Without a window nothing falls due and none of this applies.
Willingness and beliefs are the same before and at the deadline: the deadline changes what a
government says, not what it wants; how much it speeds up the decision itself is the timing
model's to say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from pact24.mechanism import Condition
from pact24.sim.models.states import Profile
from pact24.sim.params import ASSUMPTION, Parameter, Params
from pact24.vocab import Choice, ConditionKind, Instrument, Severity

_KIEL = (
    "assumption, informed by the Kiel Ukraine Support Tracker as quoted in guarantors.csv "
    "(every csv state gave aid in 2022-24) and the quick sanctions decisions in "
    "decision_lags.csv"
)
_BASE = {
    Instrument.TROOPS: (
        -1.0,
        "assumption: fighting a renewed attack is harder than a "
        "post-ceasefire reassurance mission; the stance readings add to this",
    ),
    Instrument.DEFENCE_SUPPORT: (1.0, _KIEL),
    Instrument.ECONOMIC_AID: (1.5, _KIEL),
    Instrument.SANCTIONS: (2.0, _KIEL),
}
_FEAR = {
    Instrument.TROOPS: 1.5,
    Instrument.DEFENCE_SUPPORT: 0.5,
    Instrument.ECONOMIC_AID: 0.0,
    Instrument.SANCTIONS: 0.2,
}
_FEAR_SRC = (
    "assumption, informed by guarantors.csv hesitancy notes (Germany refused Taurus in 2024 "
    "citing escalation; Leopard 2 only after weeks of hesitation)"
)

PARAMETERS: tuple[Parameter, ...] = (
    *(
        Parameter(
            f"guarantor.base.{i.value}",
            v,
            -4.0,
            4.0,
            "logit",
            src,
            f"Baseline willingness to commit {i.value}",
        )
        for i, (v, src) in _BASE.items()
    ),
    *(
        Parameter(
            f"guarantor.escalation_fear.{i.value}",
            v,
            0.0,
            4.0,
            "logit",
            _FEAR_SRC,
            f"How much a nuclear-armed adversary lowers willingness to commit {i.value}",
        )
        for i, v in _FEAR.items()
    ),
    Parameter(
        "guarantor.own_deterrent_relief",
        0.5,
        0.0,
        1.0,
        "fraction",
        "assumption; nuclear-armed guarantors from guarantors.csv (GBR, FRA, USA)",
        "Share of escalation fear that a nuclear-armed guarantor does not feel",
    ),
    Parameter(
        "guarantor.signal_effect",
        1.0,
        0.0,
        4.0,
        "logit",
        ASSUMPTION,
        "Further fall in troop and defence-support willingness after a nuclear warning",
    ),
    Parameter(
        "guarantor.severity_effect",
        0.6,
        0.0,
        2.0,
        "logit per level",
        ASSUMPTION,
        "Rise in willingness per severity level (low, medium, high)",
    ),
    Parameter(
        "guarantor.attribution_effect",
        2.0,
        0.0,
        6.0,
        "logit per unit belief",
        ASSUMPTION,
        "Rise in willingness per unit of a guarantor's belief above 0.5",
    ),
    Parameter(
        "guarantor.attribution_needed",
        0.8,
        0.5,
        0.99,
        "probability",
        ASSUMPTION,
        "Belief a guarantor needs before it commits troops without an attribution condition",
    ),
    Parameter(
        "guarantor.election_near_prob",
        0.12,
        0.0,
        0.5,
        "probability",
        "assumption: six months before an election in a 4-5-year term is 10-12.5 % of the time",
        "Probability that a guarantor is close to a national election when a crisis breaks",
    ),
    Parameter(
        "guarantor.election_penalty",
        0.8,
        0.0,
        3.0,
        "logit",
        ASSUMPTION,
        "Fall in troop and defence-support willingness close to an election",
    ),
    Parameter(
        "guarantor.opinion_sd",
        0.5,
        0.0,
        2.0,
        "logit",
        ASSUMPTION,
        "Spread of public opinion's effect on willingness, per guarantor and crisis",
    ),
    Parameter(
        "disinformation.opinion_shift",
        0.3,
        0.0,
        2.0,
        "logit",
        "assumption, after the seed: 'misinformation campaigns designed to divide us'",
        "Fall in every guarantor's willingness under a disinformation campaign",
    ),
    Parameter(
        "guarantor.engaged_confirm_prob",
        0.8,
        0.0,
        1.0,
        "probability",
        ASSUMPTION,
        "Probability that an engaged guarantor confirms its troop commitment explicitly",
    ),
    Parameter(
        "guarantor.silence_when_unwilling",
        0.3,
        0.0,
        1.0,
        "probability",
        "assumption, after the seed: the window used 'for blame games'",
        "Probability that an unwilling guarantor stays silent instead of declining",
    ),
    Parameter(
        "guarantor.deadline_silence_prob",
        0.1,
        0.0,
        1.0,
        "probability",
        "assumption: no rate is measured; informed by NATO's silence procedure of 6-10 February "
        "2003 (defence of Turkey), where the three objecting allies (France, Germany, Belgium) "
        "'broke silence' explicitly rather than let the deadline pass (UPI in The Washington "
        "Times, 11 February 2003); 1 reads every undecided guarantor as silent",
        "Probability that a guarantor obliged to answer by a pre-agreed deadline lets it pass "
        "in silence (per guarantor and instrument)",
    ),
    Parameter(
        "guarantor.unfinished_commit_prob",
        0.5,
        0.0,
        1.0,
        "probability",
        "assumption: nothing measured; 0 reads an unfinished deliberation as never committing "
        "by the deadline, 1 as a willing government always committing on time",
        "Probability that a willing guarantor with nothing left to wait for, whose time to "
        "decision has not passed at the deadline, commits rather than reserving its decision",
    ),
    Parameter(
        "guarantor.deadline_answer_hours",
        3.0,
        0.25,
        12.0,
        "hours",
        "assumption, after the presets' reminders (12, 3 and 1 h before the close)",
        "Guarantors that have not answered give their deadline answer at a uniform time in "
        "this many hours before the close (at most half the window)",
    ),
    Parameter(
        "guarantor.legislature_reject_prob",
        0.1,
        0.0,
        0.5,
        "probability",
        "guarantors.csv typical_vote_days: the Commons lost the Syria vote (2013), the Turkish "
        "assembly rejected the Iraq motion (2003); rate itself an assumption",
        "Probability that a parliament rejects a troop deployment it must approve",
    ),
    Parameter(
        "guarantor.revision_lag_hours",
        2.0,
        0.1,
        24.0,
        "hours",
        ASSUMPTION,
        "Mean time a guarantor takes to revise its answer after what it waits for changed",
    ),
)


@dataclass(frozen=True, slots=True)
class GuarantorParams:
    """The guarantor model's parameters, read once from a :data:`Params` mapping."""

    base: dict[Instrument, float]
    fear: dict[Instrument, float]
    relief: float
    signal_effect: float
    severity_effect: float
    attribution_effect: float
    attribution_needed: float
    election_near_prob: float
    election_penalty: float
    opinion_sd: float
    disinformation_shift: float
    engaged_confirm_prob: float
    silence_when_unwilling: float
    deadline_silence_prob: float
    unfinished_commit_prob: float
    deadline_answer_hours: float
    reject_prob: float
    revision_lag_hours: float
    deadline_speedup: float

    @classmethod
    def from_params(cls, p: Params) -> GuarantorParams:
        return cls(
            base={i: p[f"guarantor.base.{i.value}"] for i in Instrument},
            fear={i: p[f"guarantor.escalation_fear.{i.value}"] for i in Instrument},
            relief=p["guarantor.own_deterrent_relief"],
            signal_effect=p["guarantor.signal_effect"],
            severity_effect=p["guarantor.severity_effect"],
            attribution_effect=p["guarantor.attribution_effect"],
            attribution_needed=p["guarantor.attribution_needed"],
            election_near_prob=p["guarantor.election_near_prob"],
            election_penalty=p["guarantor.election_penalty"],
            opinion_sd=p["guarantor.opinion_sd"],
            disinformation_shift=p["disinformation.opinion_shift"],
            engaged_confirm_prob=p["guarantor.engaged_confirm_prob"],
            silence_when_unwilling=p["guarantor.silence_when_unwilling"],
            deadline_silence_prob=p["guarantor.deadline_silence_prob"],
            unfinished_commit_prob=p["guarantor.unfinished_commit_prob"],
            deadline_answer_hours=p["guarantor.deadline_answer_hours"],
            reject_prob=p["guarantor.legislature_reject_prob"],
            revision_lag_hours=p["guarantor.revision_lag_hours"],
            deadline_speedup=p["guarantor.deadline_speedup"],
        )


_SEVERITY_LEVEL = {Severity.LOW: -1.0, Severity.MEDIUM: 0.0, Severity.HIGH: 1.0}


def static_willingness(
    gp: GuarantorParams,
    prof: Profile,
    instrument: Instrument,
    severity: Severity,
    nuclear_adversary: bool,
    election_near: bool,
    opinion: float,
    disinformation: bool,
) -> float:
    """The part of ``z`` that does not change during a window."""
    z = gp.base[instrument] + gp.severity_effect * _SEVERITY_LEVEL[severity] + opinion
    if instrument is Instrument.TROOPS:
        z += prof.stance
    if nuclear_adversary:
        z -= gp.fear[instrument] * (1.0 - (gp.relief if prof.own_nuclear else 0.0))
    if election_near and instrument in (Instrument.TROOPS, Instrument.DEFENCE_SUPPORT):
        z -= gp.election_penalty
    if disinformation:
        z -= gp.disinformation_shift
    return z


def willing(
    gp: GuarantorParams,
    z_static: float,
    instrument: Instrument,
    belief: float,
    warned: bool,
    u: float,
) -> bool:
    """Whether ``u < logistic(z)`` at the guarantor's current belief and warning state."""
    z = z_static + gp.attribution_effect * (belief - 0.5)
    if warned and instrument in (Instrument.TROOPS, Instrument.DEFENCE_SUPPORT):
        z -= gp.signal_effect
    return u < 1.0 / (1.0 + math.exp(-z))


class Answer(NamedTuple):
    """What a guarantor wants on record for one instrument (``None`` elsewhere: silence)."""

    choice: Choice
    condition: Condition | None = None
    note: str = ""


@dataclass(slots=True)
class Situation:
    """What one guarantor sees for one instrument when it (re)considers its answer."""

    willing: bool
    silent_if_unwilling: bool
    committed: bool
    engaged: bool
    withdraws_if_engaged: bool
    confirms_if_engaged: bool
    belief: float
    others_committed: int
    parliament: str
    """``none`` (no vote needed), ``pending``, ``approved``, ``rejected`` or ``bypassed``."""
    demand: str | None
    demand_state: str
    """``none``, ``pending``, ``accepted`` or ``refused``."""
    deliberated: bool = True
    """Its time to decision (the timing model's lag) has passed."""
    obliged: bool = False
    """The design's deadline is upon it: it owes an answer (designs with a window only)."""
    silent_at_deadline: bool = False
    """Obliged, it lets the deadline pass in silence (``deadline_silence_prob``)."""
    willing_if_attributed: bool = False
    """It would be willing were the attacker confirmed (its belief at 1)."""
    commits_unfinished: bool = False
    """Willing, nothing to wait for, not deliberated: it commits (``unfinished_commit_prob``)."""


RESERVED = "the government completes its decision"
"""The condition text of an answer reserved until an unfinished deliberation ends."""


def answer(
    gp: GuarantorParams,
    prof: Profile,
    instrument: Instrument,
    s: Situation,
    allowed: frozenset[ConditionKind],
) -> Answer | None:
    """The answer the guarantor wants on record now, or ``None`` to stay silent / wait."""
    if instrument is Instrument.TROOPS and s.engaged:
        if s.withdraws_if_engaged:
            return Answer(Choice.DECLINE, note="withdraws its forces after they were attacked")
        if s.belief < gp.attribution_needed and ConditionKind.ATTRIBUTION_CONFIRMED in allowed:
            return Answer(
                Choice.CONDITIONAL,
                Condition(ConditionKind.ATTRIBUTION_CONFIRMED),
                f"its forces defend themselves; it commits once the attacker is confirmed "
                f"(belief {s.belief:.2f})",
            )
        if s.confirms_if_engaged:
            return Answer(Choice.COMMIT, note="its forces were attacked; it stands by them")
        return None
    if not s.willing and s.committed:
        if ConditionKind.UN_MANDATE in allowed:
            return Answer(
                Choice.CONDITIONAL,
                Condition(ConditionKind.UN_MANDATE),
                "backs off after the nuclear warning: now wants a UN mandate",
            )
        return Answer(Choice.DECLINE, note="backs off after the nuclear warning")
    if s.obliged and s.silent_at_deadline and not (s.deliberated and s.willing):
        return None  # lets the deadline pass in silence
    if not s.willing:
        if s.obliged:
            if (
                instrument is Instrument.TROOPS
                and s.willing_if_attributed
                and s.belief < gp.attribution_needed
                and ConditionKind.ATTRIBUTION_CONFIRMED in allowed
            ):
                return Answer(
                    Choice.CONDITIONAL,
                    Condition(ConditionKind.ATTRIBUTION_CONFIRMED),
                    f"would act once the attacker is confirmed (belief {s.belief:.2f})",
                )
            note = "" if s.deliberated else "declines at the deadline, its deliberation unfinished"
            return Answer(Choice.DECLINE, note=note)
        return None if s.silent_if_unwilling else Answer(Choice.DECLINE)
    if instrument is Instrument.TROOPS:
        if s.belief < gp.attribution_needed:
            note = f"not yet convinced who attacked (belief {s.belief:.2f})"
            if ConditionKind.ATTRIBUTION_CONFIRMED in allowed:
                return Answer(
                    Choice.CONDITIONAL, Condition(ConditionKind.ATTRIBUTION_CONFIRMED), note
                )
            return _unanswerable(s, note)
        if s.others_committed < prof.bandwagon_k:
            note = f"waits for {prof.bandwagon_k} others to commit ({s.others_committed} so far)"
            if ConditionKind.OTHERS_COMMIT_FIRST in allowed:
                return Answer(
                    Choice.CONDITIONAL,
                    Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=prof.bandwagon_k),
                    note,
                )
            return _unanswerable(s, note)
        if s.parliament == "rejected":
            return Answer(Choice.DECLINE, note="parliament voted against the deployment")
        if s.parliament == "pending":
            note = "parliament must approve first"
            if ConditionKind.PARLIAMENT_APPROVAL in allowed:
                condition = Condition(ConditionKind.PARLIAMENT_APPROVAL)
                return Answer(Choice.CONDITIONAL, condition, note)
            return _unanswerable(s, note)
    if (
        s.demand is not None
        and s.demand_state in ("pending", "refused")
        and ConditionKind.BENEFICIARY_CONCESSION in allowed
    ):
        return Answer(
            Choice.CONDITIONAL,
            Condition(ConditionKind.BENEFICIARY_CONCESSION, text=s.demand),
            "demands a concession in exchange",
        )
    if not s.deliberated and not s.commits_unfinished:
        note = "reserves its decision: its deliberation is not finished at the deadline"
        if ConditionKind.OTHER in allowed:
            return Answer(Choice.CONDITIONAL, Condition(ConditionKind.OTHER, text=RESERVED), note)
        return Answer(Choice.DECLINE, note=note)
    if instrument is Instrument.TROOPS and s.parliament == "bypassed":
        return Answer(Choice.COMMIT, note="commits now; parliament to approve afterwards")
    if instrument is Instrument.TROOPS and s.parliament == "approved":
        return Answer(Choice.COMMIT, note="parliament approved")
    if not s.deliberated:
        return Answer(Choice.COMMIT, note="commits at the deadline, before its deliberation ends")
    return Answer(Choice.COMMIT)


def _unanswerable(s: Situation, note: str) -> Answer | None:
    """A condition the design does not allow: wait in silence, or, owing an answer, decline."""
    if not s.obliged or s.silent_at_deadline:
        return None
    return Answer(Choice.DECLINE, note=f"cannot commit by the deadline: {note}")
