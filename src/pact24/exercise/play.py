"""Play an MSEL against a service, through its API, as the exercise's control cell would.

The director (an admin token) creates the guarantee in ``exercise`` mode on a compressed clock,
with its clock paused while the accounts are made (so registering 30 delegates costs no
exercise time), then resumes it: that instant is hour 0. Every delegate gets a fresh Ed25519
key; those people play are written to ``players.json`` (tokens and key files, mode 0600), the
others are signed for here by the simulated delegates (``delegates``) with
``client.signed_request``, the same signer as ``pact24 decide`` and the web form. Injects are
played when the guarantee's clock reaches them: the incident as the beneficiary's reporter,
findings and parliament votes (a resolution of a pending ``parliament_approval``) as the
director. The service's own timer closes the window at its deadline; the play ends when the
outcome is declared.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24 import wording
from pact24.designs.schema import Design
from pact24.errors import Conflict
from pact24.exercise.delegates import Delegates, Move, World
from pact24.exercise.msel import (
    DisinformationInject,
    IncidentInject,
    IntelligenceInject,
    Msel,
    UnreachableInject,
    VoteInject,
)
from pact24.ledger import encode_private_key, encode_public_key, generate_keypair
from pact24.service import client
from pact24.sim.reference.setup import prepare
from pact24.vocab import Choice, ConditionKind, Instrument

#: Wall seconds between the control cell's looks at the board.
POLL_SECONDS = 0.05
#: Exercise hours past the deadline after which a window that has not closed is an error.
GRACE_HOURS = 2.0


@dataclass
class Played:
    """What one exercise is: its guarantee, hour 0 on its clock, its speed, who plays whom."""

    guarantee: str
    t0: datetime
    speed: float
    players: dict[str, str]
    """Per guarantor played by people: ``person``; the others ``simulated``."""

    def hour(self, at: datetime) -> float:
        return (at - self.t0).total_seconds() / 3600.0


@dataclass
class _Signer:
    http: httpx.Client
    who: client.Who
    key: Ed25519PrivateKey


def _post(http: httpx.Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    return client.send(http, url, body, None)


def _get(http: httpx.Client, url: str) -> Any:
    r = http.get(url)
    client.raise_for_problem(r)
    return r.json()


class Exercise:
    """One MSEL played against the service at ``url`` with the director's ``token``."""

    def __init__(
        self,
        msel: Msel,
        design: Design,
        url: str,
        token: str,
        out: Path,
        speed: float | None = None,
    ) -> None:
        self.msel, self.design, self.url, self.out = msel, design, url, out
        self.speed = speed or msel.speed
        self.director = httpx.Client(base_url=url, headers=_bearer(token), timeout=30)
        self.reporter = httpx.Client(base_url=url, timeout=30)  # its token comes in ``prepare``
        self.delegates = Delegates.draw(prepare(design, msel.scenario), design, msel)
        self._signers: dict[tuple[str, bool], _Signer] = {}
        self._voted: set[str] = set()

    # -- before hour 0 ------------------------------------------------------------------------

    def prepare(self) -> Played:
        """Create the paused exercise, its reporter and every delegate; write ``players.json``;
        resume the clock (hour 0)."""
        g = _post(
            self.director,
            "/api/v1/guarantees",
            {"mode": "exercise", "preset": self.design.name, "speed": self.speed},
        )
        gid = g["id"]
        _post(self.director, f"/api/v1/guarantees/{gid}/clock", {"running": False})
        reporter = _post(
            self.director,
            "/api/v1/accounts",
            {"name": f"{gid}/reporter", "role": "reporter", "guarantee_id": gid},
        )
        self.reporter.headers.update(_bearer(reporter["token"]))
        players: list[dict[str, str]] = []
        away = {i.guarantor for i in self.msel.injects if isinstance(i, UnreachableInject)}
        for x in self.design.guarantors:
            person = x.iso3 in self.msel.players
            for alternate, delegate in ((False, x.delegate), (True, x.alternate_delegate)):
                if alternate and not (person or x.iso3 in away):
                    continue
                key, public = generate_keypair()
                creds = _post(
                    self.director,
                    f"/api/v1/guarantees/{gid}/delegates",
                    {
                        "guarantor": x.iso3,
                        "delegate": delegate,
                        "public_key": encode_public_key(public),
                    },
                )
                if person:
                    players.append(self._player(x.iso3, delegate, creds["token"], key))
                else:
                    http = httpx.Client(
                        base_url=self.url, headers=_bearer(creds["token"]), timeout=30
                    )
                    who = client.Who(gid, x.iso3, delegate)
                    self._signers[(x.iso3, alternate)] = _Signer(http, who, key)
        self.out.mkdir(parents=True, exist_ok=True)
        _private(
            self.out / "players.json",
            json.dumps({"server": self.url, "guarantee": gid, "players": players}, indent=2),
        )
        started = _post(self.director, f"/api/v1/guarantees/{gid}/clock", {"running": True})
        board = _get(self.director, f"/api/v1/guarantees/{gid}/board")
        roles = {
            x.iso3: "person" if x.iso3 in self.msel.players else "simulated"
            for x in self.design.guarantors
        }
        return Played(gid, datetime.fromisoformat(board["now"]), started["speed"], roles)

    def _player(
        self, iso3: str, delegate: str, token: str, key: Ed25519PrivateKey
    ) -> dict[str, str]:
        keys = self.out / "keys"
        keys.mkdir(mode=0o700, exist_ok=True)
        path = keys / f"{iso3}-{delegate}.key"
        _private(path, encode_private_key(key) + "\n")
        return {"guarantor": iso3, "delegate": delegate, "token": token, "key_file": str(path)}

    # -- hour 0 on ----------------------------------------------------------------------------

    def play(
        self, played: Played, tick: Callable[[float, dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        """Play every inject and simulated decision until the outcome is declared; the final
        board. ``tick(hour, board)`` is called after every look (progress)."""
        gid = played.guarantee
        pending = self.msel.in_order()
        world = _Seen()
        assert self.design.window_hours is not None
        last = max(i.at for i in pending) + self.design.window_hours + GRACE_HOURS
        while True:
            board = _get(self.director, f"/api/v1/guarantees/{gid}/board")
            hour = played.hour(datetime.fromisoformat(board["now"]))
            if tick is not None:
                tick(hour, board)
            if board["outcome"] is not None:
                return dict(board)
            if hour > last:
                raise Conflict(f"exercise {gid}: no outcome by hour {hour:.1f}")
            while pending and pending[0].at <= hour:
                inject = pending.pop(0)
                self._tell(gid, inject.type, self._inject(gid, inject, world, board))
            if board["guarantee"]["phase"] != "window_open":
                time.sleep(POLL_SECONDS)
                continue
            now = world.at(hour, board, played)
            for iso3, approved in self.delegates.votes_due(hour, self._voted):
                self._in_time(gid, partial(self._vote, gid, iso3, approved, board))
                self._tell(gid, "parliament_vote", wording.vote_detail(iso3, approved, True))
            for move in self.delegates.step(now):
                self._in_time(gid, partial(self._sign, move))
            time.sleep(POLL_SECONDS)

    def _in_time(self, gid: str, act: Callable[[], None]) -> None:
        """Do ``act``; refused because the deadline passed meanwhile (at 1440x a board read and
        a signature take minutes of exercise time), it is what any late delegate gets: the
        service keeps a late signed decision apart, never counted. Any other refusal stands."""
        try:
            act()
        except Conflict:
            board = _get(self.director, f"/api/v1/guarantees/{gid}/board")
            if board["guarantee"]["phase"] == "window_open" and board["seconds_left"] != 0:
                raise

    def _tell(self, gid: str, kind: str, text: str) -> None:
        """Keep what the players are told with the exercise (``POST …/injects``)."""
        _post(self.director, f"/api/v1/guarantees/{gid}/injects", {"kind": kind, "text": text})

    def _inject(self, gid: str, inject: Any, world: _Seen, board: dict[str, Any]) -> str:
        """Play one inject; what the players are told of it."""
        if isinstance(inject, IncidentInject):
            _post(
                self.reporter,
                f"/api/v1/guarantees/{gid}/incidents",
                {
                    "kind": inject.kind.value,
                    "severity": inject.severity.value,
                    "summary": inject.summary,
                    "engaged": inject.engaged,
                },
            )
            world.engaged = frozenset(inject.engaged)
            detail = wording.incident_detail(
                inject.kind.value, inject.severity.value, inject.engaged
            )
        elif isinstance(inject, IntelligenceInject):
            _post(
                self.director,
                f"/api/v1/guarantees/{gid}/attributions",
                {"confidence": inject.attribution},
            )
            world.confidence = inject.attribution
            detail = wording.attribution_detail(inject.attribution)
        elif isinstance(inject, DisinformationInject):
            world.disinformation = True
            detail = "played to the simulated publics"
        elif isinstance(inject, VoteInject):
            world.votes[inject.guarantor] = inject.approved
            self._vote(gid, inject.guarantor, inject.approved, board)
            detail = wording.vote_detail(inject.guarantor, inject.approved, False)
        else:
            assert isinstance(inject, UnreachableInject)
            world.away[inject.guarantor] = (
                inject.at + inject.hours,
                inject.at + inject.alternate_after_hours,
            )
            detail = wording.unreachable_detail(
                inject.guarantor, inject.hours, inject.alternate_after_hours
            )
        return wording.inject_body(detail, inject.summary)

    def _vote(self, gid: str, iso3: str, approved: bool, board: dict[str, Any]) -> None:
        """A vote resolves a troop decision waiting on parliament (the director attests it)."""
        self._voted.add(iso3)
        cell = _cell(board, iso3, Instrument.TROOPS)
        waiting = (
            cell is not None
            and cell["condition"] is not None
            and cell["condition"]["kind"] == ConditionKind.PARLIAMENT_APPROVAL.value
            and cell["condition_met"] is None
        )
        if waiting and board["guarantee"]["phase"] == "window_open":
            _post(
                self.director,
                f"/api/v1/guarantees/{gid}/resolutions",
                {
                    "guarantor": iso3,
                    "instrument": Instrument.TROOPS.value,
                    "met": approved,
                    "note": wording.vote_detail(iso3, approved, False),
                },
            )

    def _sign(self, move: Move) -> None:
        """Sign and send one simulated decision through the API, as a delegate's client does."""
        signer = self._signers[(move.iso3, move.alternate)]
        basis = client.basis(signer.http, signer.who, move.instrument)
        decision = client.build(
            signer.who,
            move.instrument,
            move.answer.choice,
            basis,
            basis.guarantee_time(),
            condition=move.answer.condition,
            note=move.answer.note,
        )
        url = f"/api/v1/guarantees/{signer.who.guarantee_id}/decisions"
        _post(signer.http, url, client.signed_request(decision, signer.key))

    def close(self) -> None:
        for signer in self._signers.values():
            signer.http.close()
        self.reporter.close()
        self.director.close()


@dataclass
class _Seen:
    """What the injects have shown so far, for the simulated delegates."""

    confidence: float | None = None
    disinformation: bool = False
    engaged: frozenset[str] = frozenset()
    votes: dict[str, bool] = field(default_factory=dict)
    away: dict[str, tuple[float, float]] = field(default_factory=dict)

    def at(self, hour: float, board: dict[str, Any], played: Played) -> World:
        deadline = board["guarantee"]["deadline"]
        return World(
            hour=hour,
            confidence=self.confidence,
            disinformation=self.disinformation,
            engaged=self.engaged,
            standing=standing(board, self.engaged),
            votes=dict(self.votes),
            deadline=None if deadline is None else played.hour(datetime.fromisoformat(deadline)),
            away=dict(self.away),
        )


def standing(board: dict[str, Any], engaged: frozenset[str]) -> frozenset[str]:
    """Guarantors whose troop commitment stands on the board: a commitment, a condition met,
    or engaged forces not declined (the posture counts their silence as a commitment)."""
    out = set()
    for row in board["guarantors"]:
        cell = row["decisions"].get(Instrument.TROOPS.value)
        if cell is None:
            if row["iso3"] in engaged:
                out.add(row["iso3"])
            continue
        if cell["choice"] == Choice.COMMIT.value or (
            cell["choice"] == Choice.CONDITIONAL.value and cell["condition_met"] is True
        ):
            out.add(row["iso3"])
    return frozenset(out)


def _cell(board: dict[str, Any], iso3: str, instrument: Instrument) -> dict[str, Any] | None:
    for row in board["guarantors"]:
        if row["iso3"] == iso3:
            cell: dict[str, Any] | None = row["decisions"].get(instrument.value)
            return cell
    return None


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _private(path: Path, text: str) -> None:
    """A file only its owner may read (tokens, keys)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
