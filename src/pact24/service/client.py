"""A delegate's side of a decision: build it, sign it with the delegate's own key, send it.

The private key never leaves the delegate's machine: the service only ever sees the signature,
and checks it against the public key registered for the delegate. The client asks the service
who its token belongs to (guarantee, guarantor, delegate), which revision comes next and what
the record it saw is (the log's origin and the guarantee's event count), then signs
``codec.decision_payload`` of the decision — the exact bytes the service verifies and the
ledger keeps. Those bytes name the guarantee, the log and the event count, so the signature
counts in that guarantee alone; the service stamps its own receipt time beside the signed
``signed_at``, which the client takes from the guarantee's clock as the board reports it (an
exercise's compressed time, or a service's shifted one), carried forward locally. The request
carries an ``Idempotency-Key``, so resending it after a network failure cannot record it twice.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.errors import (
    BadSignature,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Pact24Error,
    Unauthorized,
)
from pact24.files import write_atomic
from pact24.ledger import sign_decision
from pact24.mechanism import Condition, DecisionRecorded, codec
from pact24.vocab import Choice, ConditionKind, Instrument

_ERRORS: dict[int, type[Pact24Error]] = {
    400: BadSignature,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


# Answers that say "not now" rather than "no": the same request may succeed later.
RETRYABLE = frozenset({429, 500, 502, 503, 504})


class Unavailable(Pact24Error):
    """The service could not answer now (a 5xx or 429); ``retry_after`` is the wait it asked
    for, in seconds, if it said."""

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):  # absent, or an HTTP date: the caller's own backoff
        return None


def raise_for_problem(response: httpx.Response) -> None:
    """Turn an error answer (RFC 9457) into the domain error with the service's words."""
    if response.status_code < 400:
        return
    try:
        problem = response.json()
        detail = str(problem.get("detail") or problem.get("title"))
        extra = {k: v for k, v in problem.items() if k in ("deadline",)}
    except ValueError:
        detail, extra = response.text[:200] or response.reason_phrase, {}
    if "deadline" in extra:
        detail = f"{detail} (deadline {extra['deadline']})"
    said = f"the service answered {response.status_code}: {detail}"
    if response.status_code in RETRYABLE:
        raise Unavailable(said, _retry_after(response))
    raise _ERRORS.get(response.status_code, InvalidInput)(said)


@dataclass(frozen=True, slots=True)
class Who:
    """What the service says a delegate token is for."""

    guarantee_id: str
    guarantor: str
    delegate: str


def whoami(client: httpx.Client) -> Who:
    r = client.get("/api/v1/me")
    raise_for_problem(r)
    me = r.json()
    if me.get("role") != "delegate":
        raise Forbidden(f"this token is for a {me.get('role')}, not a delegate")
    return Who(me["guarantee_id"], me["guarantor"], me["delegate"])


@dataclass(frozen=True, slots=True)
class Basis:
    """What a decision is signed against: the next revision, the log and its event count; and
    the guarantee's time as the service read it (``now``, at the local monotonic ``read_at``)
    with its clock's ``speed``, so a delegate signs by the guarantee's clock, an exercise's
    compressed one included."""

    revision: int
    origin: str
    sequence: int
    now: datetime | None = None
    speed: float = 1.0
    read_at: float = 0.0

    def guarantee_time(self) -> datetime:
        """The guarantee's time now, carried forward from the board's ``now`` at its speed."""
        if self.now is None:
            return datetime.now(UTC)
        return self.now + timedelta(seconds=(time.monotonic() - self.read_at) * self.speed)


def basis(client: httpx.Client, who: Who, instrument: Instrument) -> Basis:
    """The next revision of ``who``'s decision on ``instrument`` and the record it follows."""
    r = client.get(f"/api/v1/guarantees/{who.guarantee_id}/board")
    raise_for_problem(r)
    board = r.json()
    for row in board["guarantors"]:
        if row["iso3"] == who.guarantor:
            cell = row["decisions"].get(instrument.value)
            revision = 1 if cell is None else int(cell["revision"]) + 1
            g = board["guarantee"]
            return Basis(
                revision,
                str(g["log_origin"]),
                int(g["event_count"]),
                now=datetime.fromisoformat(board["now"]),
                speed=float(g.get("speed", 1.0)),
                read_at=time.monotonic(),
            )
    raise InvalidInput(f"{who.guarantor} is not on the board of {who.guarantee_id}")


def build(
    who: Who,
    instrument: Instrument,
    choice: Choice,
    basis: Basis,
    at: datetime,
    *,
    condition: Condition | None = None,
    amount: float | None = None,
    note: str = "",
    above_offer: bool = False,
) -> DecisionRecorded:
    """The decision as its delegate signs it at ``at`` (kept as ``signed_at``; the service
    replaces ``at`` with its receipt time), bound to ``who``'s guarantee and ``basis``."""
    return DecisionRecorded(
        at=at,
        guarantor=who.guarantor,
        instrument=instrument,
        choice=choice,
        revision=basis.revision,
        delegate=who.delegate,
        condition=condition,
        amount=amount,
        note=note,
        above_offer=above_offer,
        signed_at=at,
        guarantee=who.guarantee_id,
        origin=basis.origin,
        sequence=basis.sequence,
    )


def signed_request(decision: DecisionRecorded, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The request body: the decision's fields and the delegate's signature over its payload.

    The one decision signer: the command-line client and the web form both sign through it."""
    payload = codec.decision_payload(decision)
    body = {k: v for k, v in payload.items() if k != "type"}
    body["signature"] = sign_decision(payload, key)
    return body


def condition_of(kind: str | None, k: int | None, text: str | None) -> Condition | None:
    if kind is None:
        return None
    try:
        return Condition(kind=ConditionKind(kind), k=k, text=text)
    except ValueError as exc:
        raise InvalidInput(f"--condition {kind}: {exc}") from None


def decide(
    client: httpx.Client,
    key: Ed25519PrivateKey,
    instrument: Instrument,
    choice: Choice,
    *,
    condition: Condition | None = None,
    amount: float | None = None,
    note: str = "",
    above_offer: bool = False,
    idempotency_key: str | None = None,
    kept: Path | None = None,
    now: datetime | None = None,
    retries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Sign and send one decision; the service's answer (``Recorded``) as JSON.

    With ``kept`` (a file for this idempotency key) the signed request is written there before
    it is first sent, and a later run with the same key sends those bytes again rather than a
    newly signed (and so different) request. See ``send`` for the retries.
    """
    asked = _asked(instrument, choice, condition, amount, note)
    if above_offer:  # only when set, so requests kept before the flag existed still match
        asked["above_offer"] = True
    if kept is not None and kept.exists():
        return send(client, *_reread(kept, asked), idempotency_key, retries=retries, sleep=sleep)
    who = whoami(client)
    signed_against = basis(client, who, instrument)
    at = now or signed_against.guarantee_time()
    decision = build(
        who,
        instrument,
        choice,
        signed_against,
        at,
        condition=condition,
        amount=amount,
        note=note,
        above_offer=above_offer,
    )
    body = signed_request(decision, key)
    url = f"/api/v1/guarantees/{who.guarantee_id}/decisions"
    if kept is not None:
        kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(kept, json.dumps({"asked": asked, "url": url, "body": body}, indent=2))
    return send(client, url, body, idempotency_key, retries=retries, sleep=sleep)


def invoke(
    client: httpx.Client,
    guarantee_id: str,
    idempotency_key: str | None = None,
    *,
    retries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Record the guarantors' council's invocation of ``guarantee_id`` (the chair's token); the
    service's answer (``Recorded``) as JSON. A retry with the same key records it once."""
    url = f"/api/v1/guarantees/{guarantee_id}/invocation"
    return send(client, url, {}, idempotency_key, retries=retries, sleep=sleep)


def send(
    client: httpx.Client,
    url: str,
    body: dict[str, Any],
    idempotency_key: str | None,
    *,
    retries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Post one signed request; retry what may succeed later with the same body and key.

    No connection, a 5xx or a 429 is tried again after 1, 2, 4 ... seconds (at most 30, never
    sooner than a Retry-After), up to ``retries`` times; the idempotency key makes the service
    record it at most once however often it arrives."""
    headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
    attempt = 0
    while True:
        try:
            r = client.post(url, json=body, headers=headers)
            raise_for_problem(r)
            answer: dict[str, Any] = r.json()
            return answer
        except (httpx.TransportError, Unavailable) as exc:
            if attempt == retries:
                raise
            wait = min(30.0, 2.0**attempt)
            if isinstance(exc, Unavailable) and exc.retry_after is not None:
                wait = max(wait, min(exc.retry_after, 300.0))
            sleep(wait)
            attempt += 1


def kept_request(key_file: Path, server: str, idempotency_key: str) -> Path:
    """Where ``pact24 decide`` keeps the request it signed for an idempotency key: beside the
    delegate's key file, one small file per server and key."""
    digest = hashlib.sha256(f"{server}\n{idempotency_key}".encode()).hexdigest()[:32]
    return key_file.with_name(key_file.name + ".requests") / f"{digest}.json"


def _asked(
    instrument: Instrument,
    choice: Choice,
    condition: Condition | None,
    amount: float | None,
    note: str,
) -> dict[str, Any]:
    """What the delegate asked for, to tell a retry from another decision under the same key."""
    cond = None if condition is None else [condition.kind.value, condition.k, condition.text]
    return {
        "instrument": instrument.value,
        "choice": choice.value,
        "condition": cond,
        "amount": amount,
        "note": note,
    }


def _reread(kept: Path, asked: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The request signed for this idempotency key by an earlier run (url, body)."""
    try:
        saved = json.loads(kept.read_text())
        url, body, before = str(saved["url"]), dict(saved["body"]), saved["asked"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(f"{kept}: not a request kept by pact24 decide") from None
    if before != asked:
        raise Conflict(
            f"this idempotency key was used for another decision (kept in {kept}); "
            "use a new key for a new decision"
        )
    return url, body


def ledger_export(client: httpx.Client, guarantee_id: str | None) -> tuple[str, str, bytes]:
    """A guarantee's ledger as the service exports it: (guarantee, mode, the JSON Lines file).

    Without ``guarantee_id`` the token must see exactly one guarantee."""
    r = client.get("/api/v1/guarantees")
    raise_for_problem(r)
    seen = {g["id"]: g["mode"] for g in r.json()}
    if guarantee_id is None:
        if len(seen) != 1:
            listing = ", ".join(sorted(seen)) or "none"
            raise InvalidInput(f"say which guarantee with --guarantee; this token sees: {listing}")
        guarantee_id = next(iter(seen))
    r = client.get(f"/api/v1/guarantees/{guarantee_id}/log/export.jsonl")
    raise_for_problem(r)
    return guarantee_id, seen.get(guarantee_id, "?"), r.content
