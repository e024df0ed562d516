"""What a run produces: per crisis its event log and measured consequences, per run a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pact24.mechanism import Deliberation, Event
from pact24.sim.models.scenario import Attack


@dataclass(frozen=True)
class CrisisRecord:
    """One crisis: its attack, its event log (exactly what the mechanism accepted) and its
    measured consequences."""

    index: int
    day: float
    attack: Attack
    lapsed: bool
    events: tuple[Event, ...]
    window_opened: bool
    honoured: bool
    nuclear_warning: bool
    hours_to_activation: float
    close_hours: float
    first_troop_commitment_hours: float
    first_arrival_hours: float
    effective_hours: float
    troops_arrived_30d: float
    territory_km2: float
    attribution_at_close: float
    state: Deliberation
    engaged: bool
    """The posture engaged at least one guarantor's forces (they count as committed)."""
    pledge_hours: tuple[float, ...]
    """Per troop commitment that counted at close: hours after the attack it was made or met."""
    troops_pledged: float
    troops_needed: float
    package_eur_7d: float


@dataclass(frozen=True)
class RunRecord:
    """One run: its crises in order and its results row (``sim.results`` columns)."""

    run: int
    crises: tuple[CrisisRecord, ...]
    row: dict[str, Any]
