"""The control cell: the chair's (live) or exercise director's (exercise) pages.

One page per guarantee, for admins only (everyone else gets 403): report the incident (kind,
severity, summary, engaged states), register and re-key delegates (with the address their
email goes to), watch who has not answered, per guarantor and per instrument, with the
reminders sent and which the delegates acknowledged, and end the deliberation. Sending an
inject and pausing belong to exercise mode: those forms post to the API (``control_api``).

Every form carries the session's CSRF token, as the decision form does; a refusal comes back as
the page with the service's words and the status the API would give.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from pact24 import wording
from pact24.errors import Forbidden, InvalidInput, Pact24Error
from pact24.service.api.deps import ServiceDep
from pact24.service.auth import Actor, Role
from pact24.service.core import Service
from pact24.service.schemas import CloseIn, DelegateIn, IncidentIn
from pact24.service.web.render import (
    csrf_refused,
    error_page,
    mode_of,
    plain_refusal,
    render,
    to_login,
)
from pact24.service.web.session import WebSession, current_session, forged
from pact24.vocab import IncidentKind, Severity

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the last form on the page came back with: shown above the forms."""

    ok: bool
    title: str
    detail: str
    status: int
    secret: str | None = None  # a new delegate's token, shown this once
    body: str | None = None  # the API's answer as it came (inject, clock)


def control_refusal(actor: Actor) -> Forbidden | None:
    if actor.role is Role.ADMIN:
        return None
    return Forbidden(
        "Only the chair or the exercise director (an admin account) uses the control cell. "
        f"This account is {actor.role.value}: it can read the board."
    )


def _silent_rows(board: Any, notes: list[Any], acked: dict[tuple[str, str], Any]) -> list[Any]:
    """Per silent guarantor: what it is silent on, the last reminder sent to each of its
    delegates, and whether that delegate acknowledged an email."""
    last: dict[tuple[str, str], Any] = {}
    for n in notes:
        last[(n.guarantor, n.delegate)] = n
    rows = []
    for row in board.guarantors:
        if not row.silent:
            continue
        told = [
            {"note": n, "ack": acked.get((row.iso3, delegate))}
            for (iso3, delegate), n in last.items()
            if iso3 == row.iso3
        ]
        rows.append({"row": row, "silent": row.silent, "told": told})
    return rows


def control_context(service: Service, session: WebSession, guarantee_id: str) -> dict[str, Any]:
    actor = session.actor
    board = service.board(actor, guarantee_id)
    design = service.design(actor, guarantee_id)
    accounts = {
        (a.guarantor, a.delegate): a
        for a in service.accounts(actor, guarantee_id)
        if a.role == Role.DELEGATE.value
    }
    acked = {(a.guarantor, a.delegate): a for a in board.acknowledged}
    delegates = [
        {
            "iso3": x.iso3,
            "name": x.name,
            "rank": rank,
            "delegate": name,
            "account": accounts.get((x.iso3, name)),
            "ack": acked.get((x.iso3, name)),
        }
        for x in design.guarantors
        for rank, name in (("primary", x.delegate), ("alternate", x.alternate_delegate))
    ]
    mails = service.mail_log(actor, guarantee_id)
    return {
        "g": board.guarantee,
        "mode": board.guarantee.mode,
        "board": board,
        "design": design,
        "phase_text": wording.AWAITING_INVOCATION
        if board.awaiting_invocation
        else wording.phase_label(board.guarantee.phase),
        "kinds": [k.value for k in IncidentKind],
        "severities": [s.value for s in Severity],
        "stationed": [x for x in design.guarantors if design.posture.stations(x.iso3)],
        "delegates": delegates,
        "silent_rows": _silent_rows(board, service.notifications(actor, guarantee_id), acked),
        "silent_by_instrument": [
            {
                "instrument": i.value,
                "names": [r.name for r in board.guarantors if i in r.silent],
            }
            for i in board.instruments
        ],
        "failed_mail": [m for m in mails if m.status != "sent" and m.attempts > 0],
        "mail_count": len(mails),
        "answer": None,
        "values": {},
    }


def admin_session(request: Request, service: Service, guarantee_id: str) -> WebSession | Response:
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    refused = control_refusal(session.actor)
    if refused is not None:
        mode = mode_of(service, session.actor, guarantee_id)
        back = f"/web/g/{quote(guarantee_id)}"
        return error_page(request, session, refused, back=back, mode=mode)
    return session


def control_page(
    request: Request,
    service: Service,
    session: WebSession,
    guarantee_id: str,
    answer: Answer | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """The page, with the last form's answer (its status is the page's)."""
    try:
        ctx = control_context(service, session, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back="/web/")
    ctx["answer"] = answer
    ctx["values"] = values or {}
    status = 200 if answer is None else answer.status
    return render(request, "control.html", ctx, session=session, status_code=status)


def refused_answer(exc: Pact24Error) -> Answer:
    status, title, detail = plain_refusal(exc)
    return Answer(ok=False, title=f"Not recorded: {title}", detail=detail, status=status)


def invalid_answer(exc: ValidationError) -> Answer:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    return Answer(
        ok=False, title="Not recorded: invalid form", detail=f"{where}: {first['msg']}", status=422
    )


@router.get("/web/g/{guarantee_id}/control", response_model=None)
def control(request: Request, guarantee_id: str, service: ServiceDep) -> Response:
    checked = admin_session(request, service, guarantee_id)
    if not isinstance(checked, WebSession):
        return checked
    return control_page(request, service, checked, guarantee_id)


def posted_session(
    request: Request, service: Service, guarantee_id: str, csrf: str
) -> WebSession | Response:
    """The signed-in admin of a control-cell form, or the page that refuses it (signed out, not
    an admin, or a forged form)."""
    checked = admin_session(request, service, guarantee_id)
    if not isinstance(checked, WebSession):
        return checked
    if forged(request, csrf, checked.csrf):
        return csrf_refused(request, checked, mode_of(service, checked.actor, guarantee_id))
    return checked


@router.post("/web/g/{guarantee_id}/control/incident", response_model=None)
def report_incident(
    request: Request,
    guarantee_id: str,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    engaged: Annotated[list[str] | None, Form()] = None,
) -> Response:
    checked = posted_session(request, service, guarantee_id, csrf)
    if not isinstance(checked, WebSession):
        return checked
    values = {"kind": kind, "severity": severity, "summary": summary, "evidence": evidence}
    try:
        req = IncidentIn(
            kind=kind,  # type: ignore[arg-type]
            severity=severity,  # type: ignore[arg-type]
            summary=summary.strip(),
            evidence=[line.strip() for line in evidence.splitlines() if line.strip()],
            engaged=engaged or [],
        )
        recorded, _ = service.report_incident(checked.actor, guarantee_id, req)
    except ValidationError as exc:
        return control_page(request, service, checked, guarantee_id, invalid_answer(exc), values)
    except Pact24Error as exc:
        return control_page(request, service, checked, guarantee_id, refused_answer(exc), values)
    answer = Answer(
        ok=True,
        title="Incident recorded",
        detail=f"{wording.plain(kind).capitalize()} ({severity}) is in the record; the phase is "
        f"now: {wording.phase_label(recorded.phase)}.",
        status=201,
    )
    return control_page(request, service, checked, guarantee_id, answer)


@router.post("/web/g/{guarantee_id}/control/delegate", response_model=None)
def register_delegate(
    request: Request,
    guarantee_id: str,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    who: Annotated[str, Form()] = "",
    public_key: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Register a delegate with its public key, or give one already registered a new key
    (its address is kept when left empty)."""
    checked = posted_session(request, service, guarantee_id, csrf)
    if not isinstance(checked, WebSession):
        return checked
    values = {"who": who, "email": email}
    iso3, _, delegate = who.partition("/")
    try:
        if not iso3 or not delegate:
            raise InvalidInput("Choose the delegate to register.")
        req = DelegateIn(
            guarantor=iso3,
            delegate=delegate,
            public_key=public_key.strip(),
            email=email.strip() or None,
            password=password or None,
        )
        creds = service.register_delegate(checked.actor, guarantee_id, req)
    except ValidationError as exc:
        return control_page(request, service, checked, guarantee_id, invalid_answer(exc), values)
    except Pact24Error as exc:
        return control_page(request, service, checked, guarantee_id, refused_answer(exc), values)
    answer = Answer(
        ok=True,
        title="Delegate registered",
        detail=f"{delegate} acts for {iso3} with the key {creds.account.public_key}; the key "
        "is in the ledger. Give the delegate this token (shown once):",
        status=201,
        secret=creds.token,
    )
    return control_page(request, service, checked, guarantee_id, answer)


@router.post("/web/g/{guarantee_id}/control/close", response_model=None)
def close(
    request: Request, guarantee_id: str, service: ServiceDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    """End the deliberation now: the chair's close (the mechanism says when it may)."""
    checked = posted_session(request, service, guarantee_id, csrf)
    if not isinstance(checked, WebSession):
        return checked
    try:
        recorded, _ = service.close(checked.actor, guarantee_id, CloseIn(reason="chair"))
    except Pact24Error as exc:
        return control_page(request, service, checked, guarantee_id, refused_answer(exc))
    answer = Answer(
        ok=True,
        title="Closed by the chair",
        detail=f"{len(recorded.events)} event(s) recorded; the phase is now: "
        f"{wording.phase_label(recorded.phase)}.",
        status=200,
    )
    return control_page(request, service, checked, guarantee_id, answer)
