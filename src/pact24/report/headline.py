"""The answer to the seed's question in plain words, written from the assessment's numbers.

The seed asks whether allies would really decide within 24 hours to send troops, what would
make such a guarantee credible, and what it would cost. Every sentence here is built from the
tables, so a different sweep gives different words; the wording of a share follows
:func:`often`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pact24.report import summaries

CREDIBLE = 0.5
"""A lever setting is called credible when its credibility is at least this: more likely than
not, the plain-words sense of the word (the Pareto table gives every setting's value)."""


def often(p: float) -> str:
    """How often, in words, a share ``p`` of crises is."""
    if p < 0.05:
        return "almost never"
    if p < 0.2:
        return "rarely"
    if p < 0.5:
        return "in a minority of crises"
    if p < 0.8:
        return "in most crises"
    if p < 0.95:
        return "usually"
    return "almost always"


def pct(p: float) -> str:
    return "n/a" if pd.isna(p) else f"{100 * p:.0f} %"


def eur(x: float) -> str:
    return f"€{x / 1e9:.1f} bn" if abs(x) >= 1e8 else f"€{x / 1e6:.0f} m"


@dataclass(frozen=True)
class Headline:
    """The answer (paragraphs) and the assumptions it hangs on (bullets)."""

    answer: list[str]
    assumptions: list[str]


def write(
    focus: str,
    by_design: pd.DataFrame,
    robustness: pd.DataFrame,
    robustness_bar: str,
    pareto: pd.DataFrame,
    pivotal: pd.DataFrame,
    sobol: pd.DataFrame,
    prim_boxes: Sequence[Mapping[str, Any]],
    premises: Sequence[str],
) -> Headline:
    """The headline for design ``focus`` (a row of ``by_design``, :func:`summaries.per_design`);
    ``premises``: what the simulation takes as given (the caller words them), listed first
    among the assumptions."""
    f = summaries.records(by_design)[focus]
    p24 = f["p_pledges_ge3_24h"]
    answer = [
        f"Under {focus}, at least three guarantors pledge troops within the 24 hours "
        f"{often(p24)}: {pct(p24)} of crises on average over {f['futures']:.0f} sampled "
        f"futures ({pct(f['p_pledges_ge3_24h_q10'])} to {pct(f['p_pledges_ge3_24h_q90'])} "
        f"from the 10th to the 90th percentile of futures). Within 7 days it is "
        f"{pct(f['p_pledges_ge3_7d'])}; an effective response (enough troops in the sector, "
        f"Ukraine's own and the guarantors' arrived, to hold the attack) comes within 72 "
        f"hours in {pct(f['p_effective_72h'])} of crises and within 7 days in "
        f"{pct(f['p_effective_7d'])}. The guarantee is honoured by its own rule in "
        f"{pct(f['p_honoured'])} of crises, and the adversary attacks at all in "
        f"{pct(f['p_attacked'])} of campaigns."
    ]
    answer.append(_against_others(focus, by_design, robustness, robustness_bar))
    answer.append(_what_it_takes(pareto, pivotal))
    return Headline(answer, _assumptions(sobol, prim_boxes, premises))


def _window(hours: Any) -> str:
    return "no window" if pd.isna(hours) else f"{float(hours):g}-hour window"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _against_others(focus: str, by_design: pd.DataFrame, robustness: pd.DataFrame, bar: str) -> str:
    rob = summaries.records(robustness.set_index("design"))
    best = max(rob, key=lambda d: (rob[d]["share_meeting_bar"], -rob[d]["mean_regret"]))
    designs = summaries.records(by_design)
    ranked = sorted(designs, key=lambda d: -designs[d]["p_pledges_ge3_24h"])
    place = ranked.index(focus) + 1
    least = min(designs, key=lambda d: designs[d]["p_attacked"])
    text = (
        f"Of the {len(by_design)} designs compared, {focus} ranks {_ordinal(place)} on troop "
        f"pledges within 24 hours. "
    )
    if rob[best]["share_meeting_bar"] > 0:
        text += (
            f"The most robust design is {best}: it meets the bar ({bar}) in "
            f"{pct(rob[best]['share_meeting_bar'])} of futures"
        )
        if focus in rob and best != focus:
            text += f", against {pct(rob[focus]['share_meeting_bar'])} for {focus}"
    else:
        text += (
            f"No design meets the bar ({bar}) in any sampled future; the one that falls "
            f"least short of the best in each future is {best} (mean regret "
            f"{rob[best]['mean_regret']:.2f})"
        )
    text += (
        f". The adversary is deterred most by {least} (attacks in "
        f"{pct(designs[least]['p_attacked'])} of campaigns"
    )
    if least != focus:
        text += f" against {pct(designs[focus]['p_attacked'])} under {focus}"
    return text + ")."


def _what_it_takes(pareto: pd.DataFrame, pivotal: pd.DataFrame) -> str:
    front = pareto[pareto["on_front"].astype(bool)].sort_values("cost_eur_per_year")
    credible = front[front["credibility"] >= CREDIBLE]
    if front.empty:
        text = "The lever search returned no setting of the levers."
    elif credible.empty:
        top = front.iloc[-1]
        text = (
            f"No setting of the levers searched reaches a credibility of {pct(CREDIBLE)}: the "
            f"most credible, {top['variant']}, reaches {pct(top['credibility'])} for "
            f"{eur(top['cost_eur_per_year'])} a year."
        )
    else:
        c = credible.iloc[0]
        text = (
            f"What would make it credible: the cheapest setting of the levers with a "
            f"credibility of at least {pct(CREDIBLE)} is {c['variant']} ("
            f"{_window(c['window_hours'])}, k = {c['k']}, activation {c['activation']}, a "
            f"QRF of {c['qrf_size']:,.0f}, {c['stationed']:,.0f} troops stationed, coalition "
            f"{c['coalition']}): credibility {pct(c['credibility'])}, robust in "
            f"{pct(c['robust_share'])} of futures, for {eur(c['cost_eur_per_year'])} a year."
        )
    if not pivotal.empty:
        p = pivotal.iloc[0]
        text += (
            f" The most pivotal state is {p['state']}: without it credibility moves by "
            f"{100 * p['delta_credibility']:+.0f} points, to {pct(p['credibility_without'])}."
        )
    return text


def _assumptions(
    sobol: pd.DataFrame, prim_boxes: Sequence[Mapping[str, Any]], premises: Sequence[str]
) -> list[str]:
    lines = list(premises)
    main = sobol[sobol["outcome"] == "p_pledges_ge3_24h"]
    if main.empty and not sobol.empty:
        main = sobol[sobol["outcome"] == sobol["outcome"].iloc[0]]
    if not main.empty:
        top = main.sort_values("ST", ascending=False).head(3)
        lines.append(
            f"{main['outcome'].iloc[0]} depends most on "
            + ", ".join(
                f"{name} (total Sobol index {st:.2f})"
                for name, st in top[["parameter", "ST"]].itertuples(index=False)
            )
            + ": the answer is only as good as their ranges in the parameter registry."
        )
    if prim_boxes:
        lines.append(f"Where it breaks: {str(prim_boxes[0]['narrative']).rstrip('.')}.")
    return lines
