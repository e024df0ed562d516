"""The Master Scenario Events List: what an exercise plays, read from YAML with line numbers.

An MSEL names a design (a preset), the simulator's scenario to compare the result with, the
clock's speed, which guarantors people play (the rest are simulated) and the timed injects, in
hours of exercise time from the start: the incident, intelligence updates that move attribution,
disinformation, a parliament's vote, a delegate who cannot be reached. Every error names the
field and its line in the file (pydantic's error path walked along PyYAML's node tree, as for
designs), so a planner can fix the file without reading code.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pact24.designs import load_design_text, preset_names
from pact24.designs.loader import line_of, preset_path
from pact24.designs.schema import Design
from pact24.errors import InvalidInput, UnknownDesign
from pact24.sim.models.scenario import ADAPTIVE, SCENARIOS
from pact24.vocab import IncidentKind, Severity

_SAMPLES = "pact24.exercise.samples"
ISO3 = Field(pattern=r"^[A-Z]{3}$")


class _Inject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: float = Field(ge=0, description="Hours of exercise time after the start")
    summary: str = Field(default="", max_length=2000)


class IncidentInject(_Inject):
    """The beneficiary reports the attack (the window opens as the design says)."""

    type: Literal["incident"]
    kind: IncidentKind
    severity: Severity
    engaged: list[Annotated[str, ISO3]] = Field(default_factory=list)


class IntelligenceInject(_Inject):
    """An attribution finding: the assessed confidence that the adversary attacked."""

    type: Literal["intelligence"]
    attribution: float = Field(ge=0, le=1)


class DisinformationInject(_Inject):
    """A disinformation campaign: simulated publics shift and beliefs split (the simulator's
    ``disinformation.*`` parameters)."""

    type: Literal["disinformation"]


class VoteInject(_Inject):
    """A guarantor's parliament votes on deploying troops."""

    type: Literal["parliament_vote"]
    guarantor: str = ISO3
    approved: bool


class UnreachableInject(_Inject):
    """A guarantor's primary delegate cannot be reached for ``hours``; its alternate delegate
    acts after ``alternate_after_hours`` (a simulated guarantor; people are told)."""

    type: Literal["delegate_unreachable"]
    guarantor: str = ISO3
    hours: float = Field(gt=0)
    alternate_after_hours: float = Field(ge=0)


Inject = Annotated[
    IncidentInject | IntelligenceInject | DisinformationInject | VoteInject | UnreachableInject,
    Field(discriminator="type"),
]


class Msel(BaseModel):
    """One exercise's script."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,40}$")
    title: str = Field(min_length=1, max_length=200)
    design: str = Field(description="A shipped design preset")
    scenario: str = Field(description="The simulator's scenario the result is compared with")
    speed: float = Field(gt=0, le=100_000, description="Exercise hours per wall hour")
    seed: int = Field(default=0, ge=0, description="Seeds the simulated delegates")
    players: list[Annotated[str, ISO3]] = Field(
        default_factory=list, description="Guarantors played by people; the rest are simulated"
    )
    injects: list[Inject] = Field(min_length=1)

    def incident(self) -> IncidentInject:
        return next(i for i in self.injects if isinstance(i, IncidentInject))

    def in_order(self) -> list[Any]:
        """The injects in time order (the file's order among equal times)."""
        return sorted(self.injects, key=lambda i: i.at)


def sample_names() -> list[str]:
    """The shipped sample MSELs, sorted."""
    root = resources.files(_SAMPLES)
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def sample_path(name: str) -> Path:
    return Path(str(resources.files(_SAMPLES).joinpath(f"{name}.yaml")))


def resolve(name_or_path: str) -> tuple[Msel, Design]:
    """A sample by name or an MSEL file by path, validated, with its design."""
    path = Path(name_or_path)
    if name_or_path in sample_names():
        path = sample_path(name_or_path)
    elif not path.is_file():
        raise InvalidInput(
            f"{name_or_path}: neither an MSEL file nor a sample "
            f"(samples: {', '.join(sample_names())})"
        )
    return load_text(path.read_text(encoding="utf-8"), str(path))


def load_text(text: str, source: str = "<msel>") -> tuple[Msel, Design]:
    """Parse and check an MSEL; every error names the field and its line in ``source``."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "unknown line"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(f"{source}: {where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: line 1: an MSEL must be a mapping of fields")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None  # the text parsed to a mapping

    def fail(loc: tuple[Any, ...], message: str) -> InvalidInput:
        field = ".".join(str(p) for p in loc) or "(msel)"
        line = line_of(node, loc)
        return InvalidInput(f"{source}: line {line}: {field}: {message}", field=field, line=line)

    try:
        msel = Msel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # A union's error path names the member tried ('incident'); the file has no such key.
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p in _TYPES))
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise fail(loc, f"{first['msg']}{more}") from None
    return msel, _checked(msel, fail)


_TYPES = ("incident", "intelligence", "disinformation", "parliament_vote", "delegate_unreachable")


def _checked(msel: Msel, fail: Any) -> Design:
    """What pydantic cannot see alone: the design exists and runs on a report or a finding
    with a deadline, the scenario exists, every named state is one of its guarantors, and
    there is exactly one incident, before every other inject."""
    if msel.design not in preset_names():
        raise fail(("design",), f"no preset named {msel.design!r}; presets: {preset_names()}")
    try:
        design = load_design_text(preset_path(msel.design).read_text(encoding="utf-8"))
    except UnknownDesign as exc:  # pragma: no cover - listed presets exist
        raise fail(("design",), str(exc)) from None
    if design.activation.rule == "on_invocation" or design.window_hours is None:
        raise fail(
            ("design",),
            f"{design.name} needs a council's invocation or has no deadline; an exercise "
            "plays a window that opens on the report or a finding and closes at its deadline",
        )
    if msel.scenario not in SCENARIOS or msel.scenario == ADAPTIVE:
        raise fail(
            ("scenario",),
            f"unknown scenario {msel.scenario!r}; one of "
            f"{', '.join(s for s in SCENARIOS if s != ADAPTIVE)}",
        )
    states = {g.iso3 for g in design.guarantors}
    for k, iso3 in enumerate(msel.players):
        if iso3 not in states:
            raise fail(("players", k), f"{iso3} is not a guarantor of {design.name}")
        if iso3 in msel.players[:k]:
            raise fail(("players", k), f"{iso3} is named twice")
    incidents = [k for k, i in enumerate(msel.injects) if isinstance(i, IncidentInject)]
    if len(incidents) != 1:
        loc = ("injects", incidents[1]) if incidents else ("injects",)
        raise fail(loc, f"an exercise has exactly one incident, not {len(incidents)}")
    start = msel.injects[incidents[0]].at
    for k, inject in enumerate(msel.injects):
        if inject.at < start:
            raise fail(("injects", k, "at"), f"comes before the incident (hour {start:g})")
        named = getattr(inject, "guarantor", None)
        if named is not None and named not in states:
            raise fail(("injects", k, "guarantor"), f"{named} is not a guarantor of {design.name}")
        for e, iso3 in enumerate(getattr(inject, "engaged", [])):
            if iso3 not in states:
                raise fail(
                    ("injects", k, "engaged", e), f"{iso3} is not a guarantor of {design.name}"
                )
    return design
