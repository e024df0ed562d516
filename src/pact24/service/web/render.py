"""How the web pages answer: Jinja2 templates that take their words from ``pact24.wording``,
security headers on every page, and the redirect and error pages.

An error page's status and title come from the API's mapping
(``pact24.service.api.problems``), so a refusal reads the same on a page as in problem+json,
except the few whose words are internal jargon: those read in plain words here
(``plain_refusal``, with the words from ``pact24.wording``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from pact24 import __version__, wording
from pact24.errors import NotCanonical, OutOfOrder, Pact24Error
from pact24.mechanism import Phase, codec
from pact24.service.api import problems
from pact24.service.auth import Actor
from pact24.service.core import Service
from pact24.service.schemas import CellOut
from pact24.service.web.session import WebSession, safe_next

SERVICE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = SERVICE_DIR / "templates"
STATIC_DIR = SERVICE_DIR / "static"
POLL_SECONDS = 5

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

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


# --- times as a person reads them --------------------------------------------------------------


def utc_text(at: datetime | None) -> str:
    """A time as a person reads it: ``2027-03-01 04:00 UTC``."""
    return "" if at is None else wording.utc(at)


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


def cell_condition(c: CellOut) -> str:
    """The condition of a board cell, in words (empty when it has none)."""
    if c.condition is None:
        return ""
    return wording.condition_text(c.condition.kind, c.condition.k, c.condition.text)


templates.env.filters.update(
    instrument=wording.instrument_label,
    choice=wording.choice_label,
    phase=wording.phase_label,
    utc=utc_text,
    iso=iso,
    condition=cell_condition,
)
templates.env.globals.update(
    CHOICE_LABELS=wording.CHOICE_LABELS,
    amount_text=wording.amount_text,
    met_text=wording.met_text,
    app_version=__version__,
)


# --- responses ---------------------------------------------------------------------------------


def harden(response: Response) -> Response:
    """The security headers every page carries, and no caching."""
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
    harden(response)
    return response


def to_login(request: Request) -> Response:
    """To the login page, and back here after it."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return harden(RedirectResponse(f"/web/login?next={quote(safe_next(target))}", status_code=303))


def error_page(
    request: Request,
    session: WebSession | None,
    exc: Pact24Error,
    *,
    back: str | None = None,
    mode: str | None = None,
) -> HTMLResponse:
    """The refusal as a page; ``mode`` (``mode_of``) marks an exercise's page as one."""
    status, title, detail = plain_refusal(exc)
    return render(
        request,
        "error.html",
        {"title": title, "detail": detail, "status": status, "back": back, "mode": mode},
        session=session,
        status_code=status,
    )


def mode_of(service: Service, actor: Actor, guarantee_id: str) -> str | None:
    """The guarantee's mode when this actor may read it, so that a refusal inside an exercise
    still carries the EXERCISE banner; None (no banner) when it may not read it."""
    try:
        return service.guarantee(actor, guarantee_id).mode
    except Pact24Error:
        return None


def plain_refusal(exc: Pact24Error, phase: str | None = None) -> tuple[int, str, str]:
    """Status, title and detail of a refusal in words a delegate reads; ``phase`` is where the
    deliberation stands, when the caller knows it."""
    status, title = answer(exc)
    if isinstance(exc, NotCanonical):
        return status, "Number not accepted", wording.NOT_EXACT_NUMBER
    if isinstance(exc, OutOfOrder) and phase is not None and phase != Phase.WINDOW_OPEN:
        return status, "Window not open", wording.window_not_open(phase)
    return status, title, exc.detail


def csrf_refused(
    request: Request, session: WebSession | None, mode: str | None = None
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {
            "title": "Form refused",
            "detail": "This form has expired or did not come from this site. Nothing was "
            "recorded. Go back, reload the page and send it again.",
            "status": 403,
            "back": None,
            "mode": mode,
        },
        session=session,
        status_code=403,
    )


def answer(exc: Pact24Error) -> tuple[int, str]:
    """The HTTP status and title that answer a domain error, as the API answers it."""
    return problems.status_of(exc), problems.title_of(exc)
