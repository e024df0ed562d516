"""The shared attribution assessment as the mechanism hears it, and each guarantor's belief.

The assessment follows the crisis's attribution path (``models.attribution``); it is reported
to the mechanism only when it has moved by ``attribution.report_step``, when it crosses the
design's confirmation level, or when the driver forces it (to reach the activation threshold).
"""

from __future__ import annotations

import math

from pact24.mechanism import AttributionAssessed
from pact24.sim.models import attribution
from pact24.sim.params import Params
from pact24.sim.reference.draws import CrisisDraws
from pact24.sim.reference.driver import Driver

ASSESSOR = "joint-assessment-cell"


def ticks(p: Params, until_h: float) -> list[float]:
    """When attribution is re-read: every ``attribution.tick_hours`` up to
    ``window.fine_hours``, then daily, up to ``until_h`` hours after the attack."""
    step = p["attribution.tick_hours"]
    fine = p["window.fine_hours"]
    out: list[float] = []
    t = step
    while t <= min(fine, until_h):
        out.append(t)
        t += step
    t = (math.floor(fine / 24.0) + 1) * 24.0
    while t <= until_h:
        out.append(t)
        t += 24.0
    return out


class Assessment:
    """Reports the assessment to the mechanism as it moves; reads the guarantors' beliefs."""

    __slots__ = ("_confirmed", "_driver", "_offsets", "_path", "_step", "reported")

    def __init__(self, driver: Driver, draws: CrisisDraws, p: Params) -> None:
        self._driver = driver
        self._path = draws.path
        self._offsets = draws.offsets
        self._confirmed = driver.state.design.conditions.attribution_confirmed_at
        self._step = p["attribution.report_step"]
        self.reported = self._path.confidence(0.0)
        driver.apply(AttributionAssessed(driver.t0, round(self.reported, 4), ASSESSOR))

    def confidence(self, h: float) -> float:
        return self._path.confidence(h)

    def assess(self, h: float, force: bool = False) -> None:
        """Report the assessment at ``h`` if it moved enough (or ``force``)."""
        c = self._path.confidence(h)
        crossed = self.reported < self._confirmed <= c
        if force or crossed or c - self.reported >= self._step:
            self.reported = c
            self._driver.apply(AttributionAssessed(self._driver.at(h), round(c, 4), ASSESSOR))

    def beliefs(self, h: float) -> list[float]:
        """Each guarantor's belief at ``h``: the assessment read with its own offset."""
        c = self._path.confidence(h)
        return [attribution.belief(c, float(o)) for o in self._offsets]
