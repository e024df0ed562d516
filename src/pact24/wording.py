"""The words a person reads: instruments, amounts, choices, conditions, phases and verdicts.

Every place that shows a deliberation to a person — the timeline table of ``pact24 demo`` and
``replay``, the simulator's ``--explain`` narrative, the web board — lays it out its own way but
takes its words from here, so a live record, a replayed one and a simulated one read alike.

The outcome rule is not worded here: ``Outcome.rule`` is part of the ledger, and
``pact24.mechanism.rules.rule_text`` is the one source of those words.

Functions accept an enum member or its string value (``"defence_support"``), since the web reads
values from JSON; an unknown value reads as itself with underscores turned to spaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pact24.mechanism import (
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    OutcomeDeclared,
    Phase,
    ReceiptsFrozen,
    WindowClosed,
    WindowOpened,
)
from pact24.vocab import Choice, ConditionKind, Instrument

INSTRUMENT_LABELS: dict[str, str] = {
    Instrument.TROOPS.value: "Troops",
    Instrument.DEFENCE_SUPPORT.value: "Defence support",
    Instrument.ECONOMIC_AID.value: "Economic aid",
    Instrument.SANCTIONS.value: "Sanctions",
}
CHOICE_LABELS: dict[str, str] = {
    Choice.COMMIT.value: "Commit",
    Choice.DECLINE.value: "Decline",
    Choice.CONDITIONAL.value: "Conditional",
}
_CHOICE_VERBS: dict[str, str] = {
    Choice.COMMIT.value: "commits",
    Choice.DECLINE.value: "declines",
    Choice.CONDITIONAL.value: "commits",
}
CONDITION_LABELS: dict[str, str] = {
    ConditionKind.PARLIAMENT_APPROVAL.value: "parliament approval",
    ConditionKind.OTHERS_COMMIT_FIRST.value: "others commit first",
    ConditionKind.UN_MANDATE.value: "a UN mandate",
    ConditionKind.ATTRIBUTION_CONFIRMED.value: "attribution confirmed",
    ConditionKind.BENEFICIARY_CONCESSION.value: "a concession by the beneficiary",
    ConditionKind.OTHER.value: "other",
}
PHASE_LABELS: dict[str, str] = {
    Phase.AWAITING_INCIDENT.value: "Standing by: no incident reported",
    Phase.REPORTED.value: "Incident reported: the window is not open yet",
    Phase.WINDOW_OPEN.value: "Decision window open",
    Phase.CLOSED.value: "Window closed: freezing receipts",
    Phase.FROZEN.value: "Window closed: declaring the outcome",
    Phase.DECLARED.value: "Outcome declared",
}


def plain(value: str) -> str:
    """A code word as prose: ``overt_invasion`` reads ``overt invasion``."""
    return str(value).replace("_", " ")


def instrument_label(instrument: Instrument | str) -> str:
    """As a heading: ``Defence support``."""
    return INSTRUMENT_LABELS.get(str(instrument), plain(instrument))


def instrument_name(instrument: Instrument | str) -> str:
    """Inside a sentence: ``defence support``."""
    return instrument_label(instrument).lower()


def unit(instrument: Instrument | str) -> str:
    """What an amount of the instrument counts: persons for troops, EUR million otherwise."""
    return "persons" if str(instrument) == Instrument.TROOPS else "EUR million"


def amount_text(amount: float | None, instrument: Instrument | str) -> str:
    """``5,000 persons``, ``1,200 EUR million``; empty for no amount and for sanctions in force
    (an amount of 1), since sanctions are imposed or not."""
    if amount is None:
        return ""
    if str(instrument) == Instrument.SANCTIONS:
        return "" if amount == 1 else f"{amount:g}"
    return f"{amount:,.0f} {unit(instrument)}"


def delivery_text(instrument: Instrument | str, amount: float) -> str:
    """What a delivery carried out: ``sanctions in force``, ``troops: 5,000 persons``."""
    if str(instrument) == Instrument.SANCTIONS:
        return "sanctions in force"
    return f"{instrument_name(instrument)}: {amount_text(amount, instrument)}"


def committed_total(amount: float, instrument: Instrument | str) -> str:
    """What the commitments that count add up to: ``6,100 persons``; empty for sanctions,
    which are imposed or not and have no total."""
    if str(instrument) == Instrument.SANCTIONS:
        return ""
    return amount_text(amount, instrument)


def choice_label(choice: Choice | str) -> str:
    """As a heading or a button: ``Commit``."""
    return CHOICE_LABELS.get(str(choice), plain(choice))


def choice_verb(choice: Choice | str) -> str:
    """The verb of a guarantor's answer: ``commits``, ``declines`` (a conditional answer
    commits, under its condition)."""
    return _CHOICE_VERBS.get(str(choice), plain(choice))


def condition_text(
    kind: ConditionKind | str | None, k: int | None = None, text: str | None = None
) -> str:
    """``2 other guarantors commit first``, ``parliament approval: vote on Friday``; empty for
    no condition."""
    if kind is None:
        return ""
    if str(kind) == ConditionKind.OTHERS_COMMIT_FIRST:
        base = f"{k} other guarantor{'s' if k != 1 else ''} commit first"
    else:
        base = CONDITION_LABELS.get(str(kind), plain(kind))
    return f"{base}: {text}" if text else base


def condition_words(condition: Condition | None) -> str:
    """``condition_text`` of a mechanism ``Condition``."""
    if condition is None:
        return ""
    return condition_text(condition.kind, condition.k, condition.text)


def decision_text(
    choice: Choice | str, instrument: Instrument | str, condition: Condition | None = None
) -> str:
    """A guarantor's answer as a predicate: ``commits troops``, ``declines economic aid``,
    ``commits troops if 2 other guarantors commit first``."""
    text = f"{choice_verb(choice)} {instrument_name(instrument)}"
    cond = condition_words(condition) if str(choice) == Choice.CONDITIONAL else ""
    return f"{text} if {cond}" if cond else text


def met_text(met: bool) -> str:
    """Whether a condition held: ``met`` or ``NOT met``."""
    return "met" if met else "NOT met"


def verdict(honoured: bool) -> str:
    """The outcome in one word: ``HONOURED`` or ``NOT honoured``."""
    return "HONOURED" if honoured else "NOT honoured"


def phase_label(phase: Phase | str) -> str:
    """Where a deliberation stands, as a sentence: ``Decision window open``."""
    return PHASE_LABELS.get(str(phase), plain(phase))


#: Where an ``on_invocation`` deliberation stands between the report and the council's decision.
AWAITING_INVOCATION = "Incident reported: awaiting invocation by the guarantors' council"


def engaged_text(names: list[str]) -> str:
    """Whose stationed forces the attack touched: ``the attack engaged the forces of the United
    Kingdom and France``; empty when it engaged none."""
    if not names:
        return ""
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"the attack engaged the forces of {who}"


#: A refused number that JSON cannot hold exactly (NaN, infinity, beyond 2**53), in plain words.
NOT_EXACT_NUMBER = (
    "a number in it is too large or not a number at all, so it cannot be recorded exactly; "
    "nothing was recorded"
)


def window_not_open(phase: Phase | str) -> str:
    """Why a decision was refused outside its window, with where the deliberation stands."""
    return f"The decision window is not open ({phase_label(phase)}); nothing was recorded"


#: The board's list of decisions refused because they arrived at or after the deadline.
REFUSED_LATE = "Refused after the deadline"


def refused_late(who: str, what: str, by: str, tries: int) -> str:
    """A decision refused for arriving at or after the deadline, and that it did not count:
    ``Poland tried "commits troops" (signed by pol-minister) too late: refused, not counted``."""
    again = f", {tries} times that minute" if tries > 1 else ""
    return f"{who} tried “{what}” (signed by {by}) too late{again}: refused, not counted"


def percent(confidence: float) -> str:
    """An attribution confidence (0..1) as people say it: ``80%``."""
    return f"{confidence:.0%}"


def utc(at: datetime) -> str:
    """A time as people read it in a record: ``2027-03-02 04:00 UTC``."""
    return at.strftime("%Y-%m-%d %H:%M UTC")


MECHANISM = "mechanism"
"""Who an event is by when the rules, not a person, produced it."""


@dataclass(frozen=True, slots=True)
class EventWords:
    """One event as a sentence: ``who`` does ``what``; ``by`` names the delegate who signed."""

    who: str
    what: str
    by: str | None = None

    @property
    def sentence(self) -> str:
        return f"{self.who} {self.what}"


def event_words(
    event: Event,
    name: Callable[[str], str] = str,
    when: Callable[[datetime], str] = utc,
) -> EventWords:
    """The one wording of every event of a deliberation.

    ``name`` turns a guarantor's ISO3 code into what the reader knows it by (the web shows
    names, the CLI codes); ``when`` writes a time (absolute, or hours after the attack).
    """
    if isinstance(event, IncidentReported):
        hashes = len(event.evidence)
        what = (
            f"reports {plain(event.kind)} ({event.severity.value} severity, "
            f"{hashes} evidence hash{'' if hashes == 1 else 'es'})"
        )
        if event.engaged:
            what += f"; {engaged_text([name(g) for g in event.engaged])}"
        return EventWords(event.reported_by, f"{what}: {event.summary}" if event.summary else what)
    if isinstance(event, AttributionAssessed):
        return EventWords(event.assessed_by, f"assesses attribution at {percent(event.confidence)}")
    if isinstance(event, WindowOpened):
        if event.deadline is None:
            return EventWords(MECHANISM, "opens the window, with no deadline")
        return EventWords(MECHANISM, f"opens the window; deadline {when(event.deadline)}")
    if isinstance(event, DecisionRecorded):
        what = decision_text(event.choice, event.instrument, event.condition)
        if event.amount is not None and (amount := amount_text(event.amount, event.instrument)):
            what += f" ({amount})"
        if event.revision > 1:
            what += f", revision {event.revision}"
        return EventWords(name(event.guarantor), _noted(what, event.note), by=event.delegate)
    if isinstance(event, ConditionResolved):
        what = f"has its condition on {instrument_name(event.instrument)} {met_text(event.met)}"
        return EventWords(name(event.guarantor), _noted(what, event.note))
    if isinstance(event, WindowClosed):
        return EventWords(MECHANISM, f"closes the window ({plain(event.reason)})")
    if isinstance(event, ReceiptsFrozen):
        silent = sum(1 for r in event.receipts if r.by_silence)
        return EventWords(
            MECHANISM, f"freezes {len(event.receipts)} receipts ({silent} by the silence rule)"
        )
    if isinstance(event, OutcomeDeclared):
        outcome = event.outcome
        return EventWords(
            MECHANISM, f"declares the guarantee {verdict(outcome.honoured)}: {outcome.rule}"
        )
    assert isinstance(event, DeliveryReported)
    what = f"delivers {delivery_text(event.instrument, event.amount)}"
    return EventWords(name(event.guarantor), _noted(what, event.note))


def _noted(what: str, note: str | None) -> str:
    return f"{what} — {note}" if note else what


# --- exercises -------------------------------------------------------------------------------

#: What each kind of exercise inject is called in the timeline and the after-action report.
INJECT_LABELS: dict[str, str] = {
    "incident": "Incident",
    "intelligence": "Intelligence update",
    "disinformation": "Disinformation",
    "parliament_vote": "Parliament vote",
    "delegate_unreachable": "Delegate unreachable",
    "other": "Inject",
}

#: Who takes part in an exercise for a guarantor.
PLAYED_BY: dict[str, str] = {"person": "played by a person", "simulated": "simulated"}

#: The mark on every page and file of an exercise.
EXERCISE_MARK = "EXERCISE — not a live guarantee; nothing recorded here commits any state"


def inject_text(kind: str, text: str) -> str:
    """One inject as the timeline shows it: ``Intelligence update: attribution at 70% — ...``."""
    return f"{INJECT_LABELS.get(kind, plain(kind))}: {text}"


def inject_body(detail: str, summary: str = "") -> str:
    """What a scripted inject tells the players: its effect, then the scenario's words."""
    return f"{detail} — {summary}" if summary else detail


def incident_detail(kind: str, severity: str, engaged: list[str]) -> str:
    """``hybrid incursion, medium severity; the attack engaged the forces of GBR``."""
    text = f"{plain(kind)}, {severity} severity"
    return f"{text}; {engaged_text(engaged)}" if engaged else text


def attribution_detail(confidence: float) -> str:
    return f"attribution at {percent(confidence)}"


def vote_detail(who: str, approved: bool, simulated: bool) -> str:
    """``DEU's parliament approves troops`` (``(simulated)`` when the simulator decided it)."""
    verb = "approves" if approved else "rejects"
    return f"{who}'s parliament {verb} troops{' (simulated)' if simulated else ''}"


def unreachable_detail(who: str, hours: float, alternate_after: float) -> str:
    return (
        f"{who}'s primary delegate cannot be reached for {hours:g} h; "
        f"its alternate acts after {alternate_after:g} h"
    )


def hour_text(hours: float) -> str:
    """Exercise time as hours after the start: ``hour 19.2``."""
    return f"hour {hours:.1f}"


def runs_share_text(share: float, runs: int) -> str:
    """``62% of 300 runs``; a share that would read 0% or 100% is given as a count, and none or
    all of them with the one-sided 95% bound a sample of that size allows (``none of 300 runs
    (fewer than 1.0% at 95% confidence)``): a zero in a few hundred runs is not an impossibility."""
    k = round(share * runs)
    bound = 1.0 - 0.05 ** (1.0 / runs)
    if k == 0:
        return f"none of {runs} runs (fewer than {bound:.1%} at 95% confidence)"
    if k == runs:
        return f"all {runs} runs (more than {1.0 - bound:.1%} at 95% confidence)"
    pct = f"{share:.0%}"
    return f"{k} of {runs} runs" if pct in ("0%", "100%") else f"{pct} of {runs} runs"


def by_then_text(what: str, hours: float | None, share: float, runs: int) -> str:
    """Where the players' result sits in the simulator's distribution: ``the coalition committed
    troops at hour 19.0; in simulation 62% of 300 runs did so by then``."""
    of_runs = runs_share_text(share, runs)
    if hours is None:
        return (
            f"the coalition never {what} in the window; in simulation {of_runs} did so within "
            "the window"
        )
    return f"the coalition {what} at {hour_text(hours)}; in simulation {of_runs} did so by then"


def honoured_share_text(honoured: bool, share: float, runs: int) -> str:
    """``the exercise's guarantee was HONOURED; in simulation 41% of 300 runs were``."""
    return (
        f"the exercise's guarantee was {verdict(honoured)}; in simulation "
        f"{runs_share_text(share, runs)} were honoured"
    )


_SILENCE_COUNTS = {
    "decline": ("a decline", "declines"),
    "abstain": ("an abstention", "abstentions"),
    "commit": ("a commitment", "commitments"),
}


def silence_text(who: str, silent: list[tuple[str, str]]) -> str:
    """What the silence rule made of one guarantor's unanswered instruments, grouped by what
    they count as: ``France said nothing on troops (counted as a decline) and on defence support
    and sanctions (counted as abstentions)``. ``silent``: (instrument, receipt status) pairs."""
    groups: dict[str, list[str]] = {}
    for instrument, status in silent:
        groups.setdefault(status, []).append(instrument_name(instrument))
    parts = []
    for status, names in groups.items():
        one, many = _SILENCE_COUNTS.get(status, (plain(status), plain(status)))
        parts.append(f"on {_and(names)} (counted as {one if len(names) == 1 else many})")
    return f"{who} said nothing {' and '.join(parts)}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def ledger_check_text(size: int, marked: bool, error: str | None) -> str:
    """The exported ledger's verification, and whether every entry carries the exercise mark."""
    if error is not None:
        return f"the ledger does NOT verify: {error}"
    mark = "every entry is marked exercise" if marked else "NOT every entry is marked exercise"
    return f"the ledger verifies: {size} entries, every checkpoint and signature holds; {mark}"
