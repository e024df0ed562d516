"""The pages: login and logout, the list of guarantees, the board and its htmx fragment, and
the static files (htmx, the stylesheet, the countdown script)."""

from __future__ import annotations

import functools
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from pact24 import wording
from pact24.errors import Pact24Error, TooManyRequests, Unauthorized
from pact24.service.api.deps import ServiceDep
from pact24.service.web.board import board_version
from pact24.service.web.board_cache import BOARDS
from pact24.service.web.render import (
    STATIC_DIR,
    csrf_refused,
    error_page,
    harden,
    plain_refusal,
    render,
    to_login,
)
from pact24.service.web.session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_TTL,
    current_session,
    forged,
    safe_next,
    secure,
)

_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}

router = APIRouter(include_in_schema=False)


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


# --- signing in and out ------------------------------------------------------------------------


@router.get("/web/login", response_model=None)
def login_page(request: Request, service: ServiceDep, next: str | None = None) -> Response:
    if current_session(request, service) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
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
            "next": safe_next(next),
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
        secure=secure(request),
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
    if forged(request, csrf, request.cookies.get(LOGIN_COOKIE, "")):
        return csrf_refused(request, None)
    try:
        if token.strip():
            session_token, actor = service.login_with_token(token.strip())
        elif name.strip() and password:
            address = request.client.host if request.client else ""
            session_token, actor = service.login(name.strip(), password, address)
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
    target = safe_next(next)
    if target == "/web/" and actor.guarantee_id is not None:
        target = f"/web/g/{quote(actor.guarantee_id)}"
    response = harden(RedirectResponse(target, status_code=303))
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/web/login")
    return response


@router.post("/web/logout", response_model=None)
def logout(request: Request, service: ServiceDep, csrf: Annotated[str, Form()] = "") -> Response:
    session = current_session(request, service)
    if session is None:
        return harden(RedirectResponse("/web/login", status_code=303))
    if forged(request, csrf, session.csrf):
        return csrf_refused(request, session)
    service.logout(session.actor)
    response = _login_form(request, notice="You are signed out; the session was revoked.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- guarantees and boards ---------------------------------------------------------------------


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
        ctx = BOARDS.context(service, session.actor, guarantee_id)
    except Pact24Error as exc:
        return error_page(request, session, exc, back="/web/")
    flash = None
    if recorded in wording.INSTRUMENT_LABELS and ctx["can_decide"]:
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
            return harden(Response(status_code=204))
        ctx = BOARDS.context(service, session.actor, guarantee_id, board)
    except Pact24Error as exc:
        # In place of the board, without polling on: the page around it stays as it was.
        status, title, detail = plain_refusal(exc)
        body = (
            '<section id="board" class="board"><div class="notice notice-error" role="alert">'
            f"<p>{escape(title)}: {escape(detail)}</p></div></section>"
        )
        return harden(HTMLResponse(body, status_code=status))
    return render(request, "_board.html", ctx, session=session)
