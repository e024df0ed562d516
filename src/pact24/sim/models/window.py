"""How a simulated deliberation starts and ends where the design leaves it open.

- A design with ``on_attribution`` activation waits for the shared assessment to reach its
  threshold; if that has not happened ``activation.max_wait_days`` after the attack, the window
  never opens in this crisis (no decision, nothing honoured).
- A design with ``on_invocation`` activation (``article5-consensus``) opens when the
  guarantors' council invokes the guarantee by consensus: no earlier than
  ``activation.invocation_hours`` after the attack (the North Atlantic Council met and invoked
  Article 5 the day after 11 September 2001), and only once the shared assessment and every
  guarantor's own belief reach the design's threshold (one unconvinced ally breaks the
  consensus). Within ``activation.max_wait_days`` or never, as above.
- A design with no deadline (``window_hours: null``, e.g. ``article5-consensus``) is a
  consultation: it closes with reason ``all_decided`` as soon as every guarantor has answered on
  every instrument, and otherwise the chair closes it (reason ``chair``)
  ``consultation.horizon_days`` after it opened. Silence then counts by the design's silence rule.

The shared attribution assessment is re-read every ``attribution.tick_hours`` during the first
``window.fine_hours`` after the attack and once a day after that (a resolution of the simulation,
not a behaviour).
"""

from __future__ import annotations

from pact24.sim.params import Parameter

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "consultation.horizon_days",
        30.0,
        1.0,
        180.0,
        "days",
        "assumption: NATO's Art. 4 consultations after Crimea lasted weeks (decision_lags.csv "
        "E001, E116: NAC met on day 5, suspended cooperation on day 33)",
        "When the chair ends a consultation with no deadline",
    ),
    Parameter(
        "activation.max_wait_days",
        30.0,
        1.0,
        365.0,
        "days",
        "assumption",
        "How long an on_attribution design waits for its threshold before the crisis ends",
    ),
    Parameter(
        "activation.invocation_hours",
        24.0,
        6.0,
        504.0,
        "hours",
        "NATO 'NATO's response to the 11 September attacks' (nato.int/terrorism/five.htm): "
        "Article 5 invoked on 12 September 2001, 'if it is determined that this attack was "
        "directed from abroad'; confirmed on 2 October 2001 (RFE/RL 2001-10-02) - the range",
        "Earliest time after the attack at which the council can invoke the guarantee",
    ),
    Parameter(
        "window.fine_hours",
        48.0,
        24.0,
        168.0,
        "hours",
        "assumption (resolution of the simulation, not a behaviour)",
        "How long after the attack attribution is re-read at the fine cadence",
    ),
)
