"""The decision form: a delegate records or revises its own guarantor's decision.

A decision must carry its delegate's Ed25519 signature. The form takes the delegate's private
key file (uploaded or pasted); the handler signs the decision with it in memory, through the
same signer as the delegate's command-line client (``client.signed_request``), records it
through the service layer, and forgets the key. The trade-off is written up in docs/web.md.

Posting the form goes in steps, each of which either passes or sends the form back with one
message: read the fields, read the key, sign, record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from pact24 import wording
from pact24.errors import Forbidden, LedgerError, Pact24Error
from pact24.ledger import signing
from pact24.mechanism import DecisionRecorded, Phase, codec
from pact24.service.api.deps import ServiceDep
from pact24.service.auth import Actor, Role
from pact24.service.client import signed_request
from pact24.service.core import Service
from pact24.service.schemas import CellOut, DecisionIn, GuaranteeOut
from pact24.service.web.render import (
    countdown_text,
    csrf_refused,
    error_page,
    harden,
    mode_of,
    plain_refusal,
    render,
    to_login,
)
from pact24.service.web.session import WebSession, current_session, forged
from pact24.vocab import Choice, ConditionKind

MAX_KEY_BYTES = 16_384

router = APIRouter(include_in_schema=False)


class NotRecorded(Exception):
    """The form goes back to the delegate with this message and status; nothing was stored."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class DecisionForm:
    """The fields of a posted decision form, as typed (shown again if it is sent back)."""

    instrument: str = ""
    choice: str = ""
    condition_kind: str = ""
    condition_k: str = ""
    condition_text: str = ""
    amount: str = ""
    note: str = ""
    above_offer: str = ""


# --- the form page -----------------------------------------------------------------------------


def form_context(service: Service, session: WebSession, guarantee_id: str) -> dict[str, Any]:
    """What the form template reads: the delegate's row, its offers and the allowed conditions."""
    actor = session.actor
    board = service.board(actor, guarantee_id)
    design = service.design(actor, guarantee_id)
    row = next(r for r in board.guarantors if r.iso3 == actor.guarantor)
    current = {i.value: row.decisions.get(i.value) for i in board.instruments}
    return {
        "g": board.guarantee,
        "mode": board.guarantee.mode,
        "board": board,
        "design": design,
        "row": row,
        "current": current,
        "based_on": ";".join(f"{i}={0 if c is None else c.revision}" for i, c in current.items()),
        "offers": {i.value: design.offered(row.iso3, i) for i in board.instruments},
        "conditions": [
            {"value": k.value, "label": wording.CONDITION_LABELS[k.value]}
            for k in design.conditions.allowed
        ],
        "countdown": countdown_text(board.seconds_left),
        "deadline_ms": None
        if board.guarantee.deadline is None
        else int(board.guarantee.deadline.timestamp() * 1000),
        "now_ms": int(board.now.timestamp() * 1000),
        "open": board.guarantee.phase == Phase.WINDOW_OPEN,
        "values": {},
        "error": None,
    }


def delegate_refusal(actor: Actor, guarantee_id: str, guarantor: str = "") -> Forbidden | None:
    """Why this actor may not use the form of this guarantee (for ``guarantor``), if it may not."""
    if actor.role is not Role.DELEGATE:
        return Forbidden(
            "Only a delegate records decisions. This account is "
            f"{actor.role.value}: it can read the board, not decide."
        )
    if actor.guarantee_id != guarantee_id or actor.guarantor is None:
        return Forbidden(f"This delegate does not act in guarantee {guarantee_id}.")
    if guarantor and guarantor != actor.guarantor:
        return Forbidden(
            f"This delegate acts for {actor.guarantor}, not for {guarantor}; nothing was recorded."
        )
    return None


@router.get("/web/g/{guarantee_id}/decide", response_model=None)
def decide_page(request: Request, guarantee_id: str, service: ServiceDep) -> Response:
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    back = f"/web/g/{quote(guarantee_id)}"
    refused = delegate_refusal(session.actor, guarantee_id)
    if refused is not None:
        mode = mode_of(service, session.actor, guarantee_id)
        return error_page(request, session, refused, back=back, mode=mode)
    try:
        ctx = form_context(service, session, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back=back)
    return render(request, "decide.html", ctx, session=session)


# --- the steps of a posted form ----------------------------------------------------------------


def binding(service: Service, guarantee: GuaranteeOut) -> dict[str, Any]:
    """What the signature binds besides the decision: the time of signing, the guarantee, its
    log and the event count the form was sent against."""
    return {
        "signed_at": codec.ts(service.now_of(guarantee.id)),
        "guarantee": guarantee.id,
        "origin": guarantee.log_origin,
        "sequence": guarantee.event_count,
    }


def decision_fields(
    form: DecisionForm,
    actor: Actor,
    bound: Mapping[str, Any],
    current: Mapping[str, CellOut | None],
    based_on: str,
) -> dict[str, Any]:
    """The decision the form asks for, as request fields. The revision is the one after the
    revision the delegate saw when the form was opened (``based_on``), so a board that changed
    meanwhile makes the mechanism refuse it instead of overwriting an answer unseen."""
    if form.instrument not in current:
        raise NotRecorded("Choose the instrument you decide on.")
    if form.choice not in wording.CHOICE_LABELS:
        raise NotRecorded("Choose commit, decline or conditional.")
    fields: dict[str, Any] = {
        **bound,
        "guarantor": actor.guarantor,
        "instrument": form.instrument,
        "choice": form.choice,
        "delegate": actor.delegate,
        "note": form.note.strip(),
    }
    seen = _based_on(based_on).get(form.instrument)
    cell = current[form.instrument]
    fields["revision"] = ((cell.revision if cell else 0) if seen is None else seen) + 1
    if form.choice == Choice.CONDITIONAL:
        fields["condition"] = _condition(form)
    if form.amount.strip():
        try:
            fields["amount"] = float(form.amount.replace(",", "").strip())
        except ValueError:
            raise NotRecorded(
                "The amount is a number (or leave it empty for your full offer)."
            ) from None
    if form.above_offer:
        fields["above_offer"] = True
    return fields


def _condition(form: DecisionForm) -> dict[str, Any]:
    if not form.condition_kind:
        raise NotRecorded("A conditional commitment needs a condition: choose one.")
    cond: dict[str, Any] = {"kind": form.condition_kind}
    if form.condition_kind == ConditionKind.OTHERS_COMMIT_FIRST:
        if not form.condition_k.strip().isdigit():
            raise NotRecorded("Say how many other guarantors must commit first (a number).")
        cond["k"] = int(form.condition_k)
    if form.condition_text.strip():
        cond["text"] = form.condition_text.strip()
    return cond


def _based_on(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        if name in wording.INSTRUMENT_LABELS and value.isdigit():
            out[name] = int(value)
    return out


def key_bytes(key_text: str, key_file: UploadFile | None) -> bytes:
    """The private key as given: pasted, else uploaded (read no further than a key can be)."""
    data = key_text.encode() if key_text.strip() else b""
    if not data and key_file is not None and key_file.filename:
        data = key_file.file.read(MAX_KEY_BYTES + 1)
    if not data:
        raise NotRecorded("Give your private key (a file or pasted) so the decision is signed.")
    return data


def parse_private_key(data: bytes) -> Ed25519PrivateKey:
    """The uploaded or pasted key, refused unread when it is far larger than any key file."""
    if len(data) > MAX_KEY_BYTES:
        raise LedgerError("that is not a key file: it is far too large")
    return signing.parse_private_key(data)


def signed_decision(fields: Mapping[str, Any], key: Ed25519PrivateKey) -> DecisionIn:
    """The request for a decision given as fields, validated as the API validates it and signed
    by the one decision signer (``client.signed_request``)."""
    unsigned = DecisionIn.model_validate({**fields, "signature": "-"})
    body = {
        "type": "DecisionRecorded",
        "at": unsigned.signed_at,  # the service replaces it with its receipt time
        **unsigned.model_dump(mode="json", exclude={"signature"}),
    }
    event = codec.from_dict(body)
    assert isinstance(event, DecisionRecorded)
    return DecisionIn.model_validate(signed_request(event, key))


def sign(fields: Mapping[str, Any], data: bytes) -> DecisionIn:
    try:
        return signed_decision(fields, parse_private_key(data))
    except ValidationError as exc:
        raise NotRecorded(f"The decision is not valid: {_field_errors(exc)}") from None
    except Pact24Error as exc:
        status, _, detail = plain_refusal(exc)
        raise NotRecorded(detail, status) from None


def _field_errors(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
    return "; ".join(parts)


def record(service: Service, actor: Actor, guarantee_id: str, req: DecisionIn) -> None:
    try:
        service.record_decision(actor, guarantee_id, req)
    except Pact24Error as exc:
        status, title, detail = plain_refusal(exc, phase_now(service, actor, guarantee_id))
        hint = ""
        if status == 409 and "revision" in exc.detail:
            hint = " The board changed since this form was opened: check it and send again."
        raise NotRecorded(f"{title}: {detail}.{hint}", status) from None


def phase_now(service: Service, actor: Actor, guarantee_id: str) -> str | None:
    """Where the deliberation stands now, to word a refusal (None when unreadable)."""
    try:
        return service.guarantee(actor, guarantee_id).phase
    except Pact24Error:
        return None


@router.post("/web/g/{guarantee_id}/decide", response_model=None)
def decide(
    request: Request,
    guarantee_id: str,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    guarantor: Annotated[str, Form()] = "",
    instrument: Annotated[str, Form()] = "",
    choice: Annotated[str, Form()] = "",
    condition_kind: Annotated[str, Form()] = "",
    condition_k: Annotated[str, Form()] = "",
    condition_text: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    above_offer: Annotated[str, Form()] = "",
    based_on: Annotated[str, Form()] = "",
    key_text: Annotated[str, Form()] = "",
    key_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Sign the decision with the delegate's key (used here, never kept) and record it."""
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    if forged(request, csrf, session.csrf):
        return csrf_refused(request, session, mode_of(service, session.actor, guarantee_id))
    actor = session.actor
    back = f"/web/g/{quote(guarantee_id)}"
    refused = delegate_refusal(actor, guarantee_id, guarantor)
    if refused is not None:
        mode = mode_of(service, actor, guarantee_id)
        return error_page(request, session, refused, back=back, mode=mode)
    try:
        ctx = form_context(service, session, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back=back)
    form = DecisionForm(
        instrument, choice, condition_kind, condition_k, condition_text, amount, note, above_offer
    )
    ctx["values"] = asdict(form)
    try:
        bound = binding(service, ctx["board"].guarantee)
        fields = decision_fields(form, actor, bound, ctx["current"], based_on)
        req = sign(fields, key_bytes(key_text, key_file))
        record(service, actor, guarantee_id, req)
    except NotRecorded as sent_back:
        ctx["error"] = sent_back.message
        return render(request, "decide.html", ctx, session=session, status_code=sent_back.status)
    target = f"{back}?{urlencode({'recorded': instrument})}"
    return harden(RedirectResponse(target, status_code=303))
