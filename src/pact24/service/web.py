"""The web pages: a board, a delegate's decision form and a login, served as HTML.

Server-rendered with Jinja2 (``templates/``) over the same ``Service`` and the same accounts as
the JSON API; htmx (vendored in ``static/``, see ``web/build.sh``) only refreshes the board in
place. Every page reads and works without JavaScript.

Routes (all under ``/web``; ``/`` redirects there):

==========================  ======================================================================
``GET  /web/login``         sign in with an account's name and password, or with an API token
``POST /web/login``         → a web session (an HttpOnly, SameSite=Strict cookie)
``POST /web/logout``        revokes the session's token
``GET  /web/``              the guarantees this account may see
``GET  /web/g/{id}``        the board (read-only for everyone: the observer view)
``GET  /web/g/{id}/board``  the board fragment htmx polls; 204 when nothing changed
``GET  /web/g/{id}/decide`` the decision form (a delegate, for its own guarantor only)
``POST /web/g/{id}/decide`` signs the decision with the delegate's key and records it
``GET  /web/static/{f}``    htmx, the stylesheet and the countdown script
==========================  ======================================================================

Sessions. The cookie holds a token of the account, issued for the browser (label "web
session", 26 h: longer than a 24-hour window), stored like every token only as an argon2 hash,
and revoked at logout. Signing in with an API token issues such a session token too, so the API
token never sits in a cookie.

CSRF. Every form that changes something carries a hidden token: per session, the HMAC of a
fixed label under the session token (which scripts cannot read), and before login a random
value that must match a SameSite=Strict cookie. Requests a browser marks ``Sec-Fetch-Site:
cross-site`` are refused outright.

Signing. A decision must carry its delegate's Ed25519 signature. The form takes the delegate's
private key file (uploaded or pasted); the handler signs the decision with it in memory, records
it, and forgets the key. The trade-off is written up in docs/web.md.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import escape
from pydantic import ValidationError

from pact24 import __version__
from pact24.designs.schema import Design
from pact24.errors import LedgerError, Pact24Error, TooManyRequests, Unauthorized
from pact24.ledger import decode_private_key, decode_public_key, sign_decision, verify_records
from pact24.ledger.jsonl import iter_records, parse_header
from pact24.mechanism import DecisionRecorded, codec
from pact24.service import auth
from pact24.service.api.deps import ServiceDep
from pact24.service.auth import Actor, Role
from pact24.service.core import Service
from pact24.service.schemas import (
    BoardOut,
    CellOut,
    CheckpointOut,
    DecisionIn,
    EventOut,
    GuaranteeOut,
)
from pact24.vocab import Choice, ConditionKind, Instrument

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

SESSION_COOKIE = "pact24_session"
LOGIN_COOKIE = "pact24_login"
SESSION_TTL = auth.SESSION_TTL
POLL_SECONDS = 5
SECURE_COOKIE_ENV = "PACT24_WEB_SECURE_COOKIE"
MAX_KEY_BYTES = 16_384

_CSRF_LABEL = b"pact24 web csrf v1"
_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

# --- words a person reads ----------------------------------------------------------------------

INSTRUMENT_LABELS = {
    Instrument.TROOPS.value: "Troops",
    Instrument.DEFENCE_SUPPORT.value: "Defence support",
    Instrument.ECONOMIC_AID.value: "Economic aid",
    Instrument.SANCTIONS.value: "Sanctions",
}
CHOICE_LABELS = {
    Choice.COMMIT.value: "Commit",
    Choice.DECLINE.value: "Decline",
    Choice.CONDITIONAL.value: "Conditional",
}
CONDITION_LABELS = {
    ConditionKind.PARLIAMENT_APPROVAL.value: "parliament approval",
    ConditionKind.OTHERS_COMMIT_FIRST.value: "others commit first",
    ConditionKind.UN_MANDATE.value: "a UN mandate",
    ConditionKind.ATTRIBUTION_CONFIRMED.value: "attribution confirmed",
    ConditionKind.BENEFICIARY_CONCESSION.value: "a concession by the beneficiary",
    ConditionKind.OTHER.value: "other",
}
PHASE_LABELS = {
    "awaiting_incident": "Standing by: no incident reported",
    "reported": "Incident reported: the window is not open yet",
    "window_open": "Decision window open",
    "closed": "Window closed: freezing receipts",
    "frozen": "Window closed: declaring the outcome",
    "declared": "Outcome declared",
}


def instrument_label(value: str) -> str:
    return INSTRUMENT_LABELS.get(value, value.replace("_", " "))


def unit(instrument: str) -> str:
    return "persons" if instrument == Instrument.TROOPS.value else "EUR million"


def amount_text(amount: float | None, instrument: str) -> str:
    if amount is None:
        return ""
    if instrument == Instrument.SANCTIONS.value:
        return "" if amount == 1 else f"{amount:g}"
    return f"{amount:,.0f} {unit(instrument)}"


def utc_text(at: datetime | None) -> str:
    """A time as a person reads it: ``2027-03-01 04:00 UTC``."""
    return "" if at is None else at.strftime("%Y-%m-%d %H:%M UTC")


def iso(at: datetime | None) -> str:
    return "" if at is None else codec.ts(at)


def duration_text(seconds: float) -> str:
    """``24 h 0 min``, ``5 h 12 min``, ``12 min``, ``42 s``, ``2 d 3 h`` (from 48 h on)."""
    s = max(0, int(seconds))
    days = s // 86_400 if s >= 2 * 86_400 else 0
    hours, rest = divmod(s - days * 86_400, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def countdown_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds <= 0:
        return "deadline reached: closing"
    return f"closes in {duration_text(seconds)}"


def condition_text(kind: str | None, k: int | None = None, text: str | None = None) -> str:
    if kind is None:
        return ""
    if kind == ConditionKind.OTHERS_COMMIT_FIRST.value:
        base = f"{k} other guarantor{'s' if k != 1 else ''} commit first"
    else:
        base = CONDITION_LABELS.get(kind, kind.replace("_", " "))
    return f"{base}: {text}" if text else base


def cell_condition(c: CellOut) -> str:
    if c.condition is None:
        return ""
    return condition_text(c.condition.kind.value, c.condition.k, c.condition.text)


templates.env.filters.update(
    instrument=instrument_label,
    utc=utc_text,
    iso=iso,
    condition=cell_condition,
)
templates.env.globals.update(
    CHOICE_LABELS=CHOICE_LABELS,
    PHASE_LABELS=PHASE_LABELS,
    amount_text=amount_text,
    unit=unit,
    app_version=__version__,
)

# --- sessions and CSRF -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser: the actor behind the session cookie and its CSRF token."""

    actor: Actor
    token: str
    csrf: str


def csrf_for(session_token: str) -> str:
    """The CSRF token of a session: an HMAC only the holder of the session token can make."""
    return hmac.new(session_token.encode(), _CSRF_LABEL, hashlib.sha256).hexdigest()


def current_session(request: Request, service: Service) -> WebSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        actor = service.authenticate(token)
    except Unauthorized:
        return None
    return WebSession(actor, token, csrf_for(token))


def _same_token(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _cross_site(request: Request) -> bool:
    return request.headers.get("sec-fetch-site", "").lower() == "cross-site"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or os.environ.get(SECURE_COOKIE_ENV) == "1"


def _safe_next(value: str | None) -> str:
    """Where to go after login: a path on this site's pages, never another site."""
    if value and value.startswith("/web/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/web/"


# --- responses ---------------------------------------------------------------------------------


def _harden(response: Response) -> Response:
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    session: WebSession | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "session": session,
        "actor": None if session is None else session.actor,
        "csrf": None if session is None else session.csrf,
        "mode": None,
        "poll_seconds": POLL_SECONDS,
    }
    ctx.update(context)
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    _harden(response)
    return response


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _harden(
        RedirectResponse(f"/web/login?next={quote(_safe_next(target))}", status_code=303)
    )


def error_page(
    request: Request, session: WebSession | None, exc: Pact24Error, *, back: str | None = None
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"title": exc.title, "detail": exc.detail, "status": exc.status, "back": back},
        session=session,
        status_code=exc.status,
    )


def _csrf_refused(request: Request, session: WebSession | None) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {
            "title": "Form refused",
            "detail": "This form has expired or did not come from this site. Nothing was "
            "recorded. Go back, reload the page and send it again.",
            "status": 403,
            "back": None,
        },
        session=session,
        status_code=403,
    )


# --- the ledger check shown on the board -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerStatus:
    """What the board says about the ledger: verified or not, at which checkpoint."""

    verified: bool
    size: int
    root: str
    origin: str
    note: str
    detail: str


#: How long a verification result is reused (per log, size and root), so that many boards
#: refreshing after the same change verify the ledger once, not once each.
LEDGER_CHECK_TTL = 10.0
_ledger_cache: OrderedDict[tuple[str, str, int, str], tuple[float, LedgerStatus]] = OrderedDict()
_ledger_lock = threading.Lock()


def forget_ledger_checks() -> None:
    """Drop remembered verification results (tests that change a stored ledger by hand)."""
    with _ledger_lock:
        _ledger_cache.clear()


def ledger_status(service: Service, actor: Actor, guarantee_id: str) -> LedgerStatus:
    """Verify the guarantee's whole ledger against its current signed checkpoint.

    Every entry, every stored checkpoint and every delegate signature is checked from the
    ledger export alone (``verify_records``), under the service's log key, and the ledger must
    extend the checkpoint shown. A result is reused for ``LEDGER_CHECK_TTL`` seconds for the
    same (log, size, root); boards that poll and see no change are answered 204 before this.
    """
    cp: CheckpointOut = service.checkpoint(actor, guarantee_id)
    key = (service.store.url, guarantee_id, cp.size, cp.root)
    with _ledger_lock:
        known = _ledger_cache.get(key)
    if known is not None and time.monotonic() - known[0] < LEDGER_CHECK_TTL:
        return known[1]
    try:
        log_key = decode_public_key(cp.log_public_key)
        data = service.ledger_jsonl(actor, guarantee_id)
        lines = data.split(b"\n")
        final_newline = lines[-1] == b""
        if final_newline:
            lines.pop()
        header = parse_header(lines[0])
        if header.log_public_key.public_bytes_raw() != log_key.public_bytes_raw():
            raise LedgerError("the export is signed by another log key than the checkpoint")
        verified = verify_records(
            iter_records(lines[1:], final_newline), cp.origin, log_key, pinned_checkpoint=cp.note
        )
        status = LedgerStatus(
            True, cp.size, cp.root, cp.origin, cp.note, f"{verified.size} entries verified"
        )
    except LedgerError as exc:
        status = LedgerStatus(False, cp.size, cp.root, cp.origin, cp.note, exc.detail)
    with _ledger_lock:
        _ledger_cache[key] = (time.monotonic(), status)
        _ledger_cache.move_to_end(key)
        while len(_ledger_cache) > 256:
            _ledger_cache.popitem(last=False)
    return status


# --- the board as the templates read it --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    instrument: str
    commit: int
    conditional: int
    decline: int
    silent: int

    @property
    def summary(self) -> str:
        """``2 commit · 1 conditional · 13 silent`` (zeros left out)."""
        parts = [
            (self.commit, "commit"),
            (self.conditional, "conditional"),
            (self.decline, "decline"),
            (self.silent, "silent"),
        ]
        return " · ".join(f"{n} {word}" for n, word in parts if n)


def board_version(board: BoardOut) -> str:
    g = board.guarantee
    return f"{g.event_count}.{g.ledger_size}.{g.phase}"


def _tallies(board: BoardOut) -> list[Tally]:
    out = []
    for i in board.instruments:
        cells = [row.decisions.get(i.value) for row in board.guarantors]
        choices = [c.choice.value for c in cells if c is not None]
        out.append(
            Tally(
                instrument=i.value,
                commit=choices.count("commit"),
                conditional=choices.count("conditional"),
                decline=choices.count("decline"),
                silent=sum(1 for c in cells if c is None),
            )
        )
    return out


def _rule(design: Design) -> dict[str, Any]:
    """The outcome rule in words, and how far the current unconditional answers go toward it."""
    rule = design.outcome
    name = instrument_label(rule.instrument.value).lower()
    if rule.rule == "min_guarantors":
        return {"text": f"honoured when at least {rule.k} guarantors commit {name}", "k": rule.k}
    if rule.rule == "min_amount":
        amount = amount_text(rule.amount, rule.instrument.value)
        return {"text": f"honoured when at least {amount} of {name} are committed", "k": None}
    return {"text": f"honoured only when every guarantor commits {name}", "k": None}


def event_text(e: EventOut, names: Mapping[str, str]) -> str:
    """One line of the timeline, in words."""
    b = e.body

    def who(iso3: Any) -> str:
        return names.get(str(iso3), str(iso3))

    def instr(value: Any) -> str:
        return instrument_label(str(value)).lower()

    if e.type == "IncidentReported":
        text = (
            f"Incident reported by {b.get('reported_by')}: "
            f"{str(b.get('kind', '')).replace('_', ' ')}, severity {b.get('severity')}"
        )
        return f"{text}. {b['summary']}" if b.get("summary") else text
    if e.type == "AttributionAssessed":
        return f"Attribution assessed at {float(b.get('confidence', 0)):.0%} confidence"
    if e.type == "WindowOpened":
        deadline = b.get("deadline")
        if deadline:
            return f"Decision window opened; deadline {utc_text(codec.parse_ts(deadline))}"
        return "Decision window opened, with no deadline"
    if e.type == "DecisionRecorded":
        choice = {"commit": "commits", "decline": "declines", "conditional": "commits, if"}.get(
            str(b.get("choice")), str(b.get("choice"))
        )
        cond = b.get("condition") or {}
        cond_text = condition_text(cond.get("kind"), cond.get("k"), cond.get("text"))
        text = f"{who(b.get('guarantor'))} ({b.get('delegate')}): {instr(b.get('instrument'))}"
        text += f" — {choice} {cond_text}".rstrip() if cond_text else f" — {choice}"
        return f"{text} (revision {b.get('revision')}, signed)"
    if e.type == "ConditionResolved":
        met = "met" if b.get("met") else "not met"
        return f"{who(b.get('guarantor'))}'s condition on {instr(b.get('instrument'))}: {met}"
    if e.type == "WindowClosed":
        return f"Window closed ({str(b.get('reason', '')).replace('_', ' ')})"
    if e.type == "ReceiptsFrozen":
        return f"Receipts frozen: {len(b.get('receipts') or [])} final answers"
    if e.type == "OutcomeDeclared":
        outcome = b.get("outcome") or {}
        verdict = "HONOURED" if outcome.get("honoured") else "NOT honoured"
        return f"Outcome declared: {verdict} ({outcome.get('rule', '')})"
    if e.type == "DeliveryReported":
        amount = amount_text(b.get("amount"), str(b.get("instrument")))
        return f"{who(b.get('guarantor'))} delivered {instr(b.get('instrument'))}: {amount}"
    return e.type


def board_context(service: Service, actor: Actor, guarantee_id: str) -> dict[str, Any]:
    """Everything the board templates read, from the service layer."""
    board = service.board(actor, guarantee_id)
    return _board_context(service, actor, board)


def _board_context(service: Service, actor: Actor, board: BoardOut) -> dict[str, Any]:
    g = board.guarantee
    design = service.design(actor, g.id)
    timeline = service.timeline(actor, g.id)
    names = {x.iso3: x.name for x in design.guarantors}
    receipts = {(r.guarantor, r.instrument.value): r for r in board.receipts}
    silent = {
        "count": sum(1 for row in board.guarantors if row.silent),
        "by_instrument": [
            {
                "instrument": i.value,
                "names": [row.name for row in board.guarantors if i in row.silent],
            }
            for i in board.instruments
        ],
    }
    tallies = _tallies(board)
    rule = _rule(design)
    rule_tally = next(t for t in tallies if t.instrument == design.outcome.instrument.value)
    events = [
        {"seq": e.seq, "at": e.at, "type": e.type, "text": event_text(e, names)}
        for e in reversed(timeline.events)
    ]
    answers = sum(len(board.instruments) - len(row.silent) for row in board.guarantors)
    return {
        "g": g,
        "mode": g.mode,
        "board": board,
        "design": design,
        "receipts": receipts,
        "silent": silent,
        "tallies": tallies,
        "rule": rule,
        "rule_tally": rule_tally,
        "answers": answers,
        "cells_total": len(board.instruments) * len(board.guarantors),
        "events": events,
        "ledger": ledger_status(service, actor, g.id),
        "countdown": countdown_text(board.seconds_left),
        "deadline_ms": None if g.deadline is None else int(g.deadline.timestamp() * 1000),
        "now_ms": int(board.now.timestamp() * 1000),
        "board_version": board_version(board),
        "can_decide": _can_decide(actor, g),
        "own_guarantor": actor.guarantor,
    }


def _can_decide(actor: Actor, g: GuaranteeOut) -> bool:
    return (
        actor.role is Role.DELEGATE and actor.guarantee_id == g.id and actor.guarantor is not None
    )


# --- pages -------------------------------------------------------------------------------------


@router.get("/")
def root() -> Response:
    return RedirectResponse("/web/", status_code=303)


@router.get("/web", response_model=None)
def web_root() -> Response:
    return RedirectResponse("/web/", status_code=303)


@router.get("/web/static/{name}", response_model=None)
def static(name: str) -> Response:
    path = STATIC_DIR / name
    if name not in _static_files() or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media = _STATIC_TYPES.get(path.suffix, "application/octet-stream")
    response = FileResponse(path, media_type=media)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@functools.cache
def _static_files() -> frozenset[str]:
    """The files the static route may serve: those shipped in ``static/``, by name."""
    return frozenset(p.name for p in STATIC_DIR.iterdir() if p.is_file())


@router.get("/web/login", response_model=None)
def login_page(request: Request, service: ServiceDep, next: str | None = None) -> Response:
    if current_session(request, service) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, next=next)


def _login_form(
    request: Request,
    *,
    next: str | None = None,
    error: str | None = None,
    notice: str | None = None,
    name: str = "",
    status_code: int = 200,
) -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {
            "login_csrf": nonce,
            "next": _safe_next(next),
            "error": error,
            "notice": notice,
            "name": name,
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path="/web/login",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


@router.post("/web/login", response_model=None)
def login(
    request: Request,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/web/",
) -> Response:
    """Sign in with a name and password, or with an API token; either way the browser gets a
    session token of its own."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if _cross_site(request) or not expected or not _same_token(csrf, expected):
        return _csrf_refused(request, None)
    try:
        if token.strip():
            actor = service.authenticate(token.strip())
            session_token = _issue_session(service, actor)
        elif name.strip() and password:
            session_token, actor = service.login(name.strip(), password)
        else:
            return _login_form(
                request,
                next=next,
                error="Give your account name and password, or an API token.",
                name=name,
                status_code=400,
            )
    except Unauthorized:
        return _login_form(
            request,
            next=next,
            error="Sign-in failed: wrong name or password, or a token that is unknown, "
            "revoked or expired.",
            name=name,
            status_code=401,
        )
    except TooManyRequests as exc:
        refused = _login_form(
            request,
            next=next,
            error=f"Sign-in refused: {exc.detail}.",
            name=name,
            status_code=429,
        )
        refused.headers["Retry-After"] = str(exc.extra["retry_after"])
        return refused
    target = _safe_next(next)
    if target == "/web/" and actor.guarantee_id is not None:
        target = f"/web/g/{quote(actor.guarantee_id)}"
    response = _harden(RedirectResponse(target, status_code=303))
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/web/login")
    return response


def _issue_session(service: Service, actor: Actor) -> str:
    """A web session token for the account behind an API token (the API token stays out of the
    cookie, and logout can revoke the session alone)."""
    with service.store.write() as s:
        token, _ = auth.issue_token(
            s, actor.account_id, service.now(), label="web session", ttl=SESSION_TTL
        )
    return token


@router.post("/web/logout", response_model=None)
def logout(request: Request, service: ServiceDep, csrf: Annotated[str, Form()] = "") -> Response:
    session = current_session(request, service)
    if session is None:
        return _harden(RedirectResponse("/web/login", status_code=303))
    if _cross_site(request) or not _same_token(csrf, session.csrf):
        return _csrf_refused(request, session)
    if session.actor.token_id is not None:
        with service.store.write() as s:
            auth.revoke_token(s, session.actor.token_id, service.now())
    response = _login_form(request, notice="You are signed out; the session was revoked.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/web/", response_model=None)
def index(request: Request, service: ServiceDep) -> Response:
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    guarantees = service.guarantees(session.actor)
    return render(request, "index.html", {"guarantees": guarantees}, session=session)


@router.get("/web/g/{guarantee_id}", response_model=None)
def board_page(
    request: Request, guarantee_id: str, service: ServiceDep, recorded: str | None = None
) -> Response:
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    try:
        ctx = board_context(service, session.actor, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back="/web/")
    flash = None
    if recorded in INSTRUMENT_LABELS and ctx["can_decide"]:
        row = next(r for r in ctx["board"].guarantors if r.iso3 == session.actor.guarantor)
        cell = row.decisions.get(recorded)
        if cell is not None:
            flash = {"instrument": recorded, "cell": cell, "guarantor": row.name}
    ctx["flash"] = flash
    return render(request, "board.html", ctx, session=session)


@router.get("/web/g/{guarantee_id}/board", response_model=None)
def board_fragment(
    request: Request, guarantee_id: str, service: ServiceDep, v: str | None = None
) -> Response:
    """The board region alone, for htmx; 204 (htmx swaps nothing) when it has not changed."""
    session = current_session(request, service)
    if session is None:
        response = Response(status_code=204)
        response.headers["HX-Redirect"] = f"/web/login?next=/web/g/{quote(guarantee_id)}"
        return response
    try:
        board = service.board(session.actor, guarantee_id)
        if v is not None and v == board_version(board):
            return _harden(Response(status_code=204))
        ctx = _board_context(service, session.actor, board)
    except Pact24Error as exc:
        # In place of the board, without polling on: the page around it stays as it was.
        body = (
            '<section id="board" class="board"><div class="notice notice-error" role="alert">'
            f"<p>{escape(exc.title)}: {escape(exc.detail)}</p></div></section>"
        )
        return _harden(HTMLResponse(body, status_code=exc.status))
    return render(request, "_board.html", ctx, session=session)


# --- the decision form -------------------------------------------------------------------------


def _decision_form_context(
    service: Service, session: WebSession, guarantee_id: str
) -> dict[str, Any]:
    actor = session.actor
    board = service.board(actor, guarantee_id)
    design = service.design(actor, guarantee_id)
    row = next(r for r in board.guarantors if r.iso3 == actor.guarantor)
    guarantor = design.guarantor(row.iso3)
    assert guarantor is not None
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
            {"value": k.value, "label": CONDITION_LABELS[k.value]}
            for k in design.conditions.allowed
        ],
        "countdown": countdown_text(board.seconds_left),
        "deadline_ms": None
        if board.guarantee.deadline is None
        else int(board.guarantee.deadline.timestamp() * 1000),
        "now_ms": int(board.now.timestamp() * 1000),
        "open": board.guarantee.phase == "window_open",
        "values": {},
        "error": None,
    }


def _forbid_unless_delegate(actor: Actor, guarantee_id: str) -> Pact24Error | None:
    if actor.role is not Role.DELEGATE:
        return _Forbidden(
            "Only a delegate records decisions. This account is "
            f"{actor.role.value}: it can read the board, not decide."
        )
    if actor.guarantee_id != guarantee_id or actor.guarantor is None:
        return _Forbidden(f"This delegate does not act in guarantee {guarantee_id}.")
    return None


class _Forbidden(Pact24Error):
    status = 403
    title = "Forbidden"


@router.get("/web/g/{guarantee_id}/decide", response_model=None)
def decide_page(request: Request, guarantee_id: str, service: ServiceDep) -> Response:
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    back = f"/web/g/{quote(guarantee_id)}"
    refused = _forbid_unless_delegate(session.actor, guarantee_id)
    if refused is not None:
        return error_page(request, session, refused, back=back)
    try:
        ctx = _decision_form_context(service, session, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back=back)
    return render(request, "decide.html", ctx, session=session)


def parse_private_key(data: bytes) -> Ed25519PrivateKey:
    """A private key file's bytes: base64 of the 32-byte seed (``pact24 ledger keygen``), or an
    unencrypted Ed25519 PKCS#8 PEM. LedgerError if it is neither."""
    if len(data) > MAX_KEY_BYTES:
        raise LedgerError("that is not a key file: it is far too large")
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = load_pem_private_key(data.strip(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise LedgerError("the PEM key could not be read (it must be unencrypted)") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise LedgerError("the PEM key is not an Ed25519 key")
        return key
    text = data.decode("ascii", errors="replace").strip()
    try:
        return decode_private_key(text)
    except LedgerError as exc:
        raise LedgerError(f"the private key: {exc.detail}") from None


def sign_request(fields: Mapping[str, Any], key: Ed25519PrivateKey) -> DecisionIn:
    """The decision with its delegate's signature over exactly the bytes the service checks:
    RFC 8785 of the decoded event, without its signature."""
    unsigned = DecisionIn.model_validate({**fields, "signature": "-"})
    body = {"type": "DecisionRecorded", **unsigned.model_dump(mode="json", exclude={"signature"})}
    event = codec.from_dict(body)
    assert isinstance(event, DecisionRecorded)
    payload = codec.decision_payload(event)
    return unsigned.model_copy(update={"signature": sign_decision(payload, key)})


def _based_on(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        if name in INSTRUMENT_LABELS and value.isdigit():
            out[name] = int(value)
    return out


def _field_errors(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
    return "; ".join(parts)


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
    based_on: Annotated[str, Form()] = "",
    key_text: Annotated[str, Form()] = "",
    key_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Sign the decision with the delegate's key (used here, never kept) and record it."""
    session = current_session(request, service)
    if session is None:
        return to_login(request)
    if _cross_site(request) or not _same_token(csrf, session.csrf):
        return _csrf_refused(request, session)
    actor = session.actor
    back = f"/web/g/{quote(guarantee_id)}"
    refused = _forbid_unless_delegate(actor, guarantee_id)
    if refused is None and guarantor and guarantor != actor.guarantor:
        refused = _Forbidden(
            f"This delegate acts for {actor.guarantor}, not for {guarantor}; nothing was recorded."
        )
    if refused is not None:
        return error_page(request, session, refused, back=back)
    try:
        ctx = _decision_form_context(service, session, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back=back)
    ctx["values"] = {
        "instrument": instrument,
        "choice": choice,
        "condition_kind": condition_kind,
        "condition_k": condition_k,
        "condition_text": condition_text,
        "amount": amount,
        "note": note,
    }

    def again(message: str, status: int) -> Response:
        ctx["error"] = message
        return render(request, "decide.html", ctx, session=session, status_code=status)

    if instrument not in ctx["current"]:
        return again("Choose the instrument you decide on.", 422)
    if choice not in CHOICE_LABELS:
        return again("Choose commit, decline or conditional.", 422)
    fields: dict[str, Any] = {
        "at": codec.ts(service.now()),
        "guarantor": actor.guarantor,
        "instrument": instrument,
        "choice": choice,
        "delegate": actor.delegate,
        "note": note.strip(),
    }
    seen = _based_on(based_on).get(instrument)
    now_rev = ctx["current"][instrument].revision if ctx["current"][instrument] else 0
    fields["revision"] = (now_rev if seen is None else seen) + 1
    if choice == Choice.CONDITIONAL.value:
        if not condition_kind:
            return again("A conditional commitment needs a condition: choose one.", 422)
        cond: dict[str, Any] = {"kind": condition_kind}
        if condition_kind == ConditionKind.OTHERS_COMMIT_FIRST.value:
            if not condition_k.strip().isdigit():
                return again("Say how many other guarantors must commit first (a number).", 422)
            cond["k"] = int(condition_k)
        if condition_text.strip():
            cond["text"] = condition_text.strip()
        fields["condition"] = cond
    if amount.strip():
        try:
            fields["amount"] = float(amount.replace(",", "").strip())
        except ValueError:
            return again("The amount is a number (or leave it empty for your full offer).", 422)
    key_bytes = key_text.encode() if key_text.strip() else b""
    if not key_bytes and key_file is not None and key_file.filename:
        key_bytes = key_file.file.read(MAX_KEY_BYTES + 1)
    if not key_bytes:
        return again("Give your private key (a file or pasted) so the decision is signed.", 422)
    try:
        req = sign_request(fields, parse_private_key(key_bytes))
    except ValidationError as exc:
        return again(f"The decision is not valid: {_field_errors(exc)}", 422)
    except Pact24Error as exc:
        return again(exc.detail, exc.status)
    try:
        service.record_decision(actor, guarantee_id, req)
    except Pact24Error as exc:
        hint = ""
        if exc.status == 409 and "revision" in exc.detail:
            hint = " The board changed since this form was opened: check it and send again."
        return again(f"{exc.title}: {exc.detail}.{hint}", exc.status)
    target = f"{back}?{urlencode({'recorded': instrument})}"
    return _harden(RedirectResponse(target, status_code=303))


__all__ = ["csrf_for", "ledger_status", "parse_private_key", "router", "sign_request"]
