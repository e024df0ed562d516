"""The web pages: a board, a delegate's decision form and a login, served as HTML.

Server-rendered with Jinja2 (``service/templates/``) over the same ``Service`` and the same
accounts as the JSON API, whose driver it is too: every read and every write goes through a
``Service`` method. htmx (vendored in ``service/static/``, see ``web/build.sh``) only refreshes
the board in place. Every page reads and works without JavaScript.

Routes (all under ``/web``; ``/`` redirects there):

================================  ==================================================================
``GET  /web/login``               sign in with an account's name and password, or with an API token
``POST /web/login``               → a web session (an HttpOnly, SameSite=Strict cookie)
``POST /web/logout``              revokes the session's token
``GET  /web/``                    the guarantees this account may see
``GET  /web/g/{id}``              the board (read-only for everyone: the observer view)
``GET  /web/g/{id}/board``        the board fragment htmx polls; 204 when nothing changed
``GET  /web/g/{id}/decide``       the decision form (a delegate, for its own guarantor only)
``POST /web/g/{id}/decide``       signs the decision with the delegate's key and records it
``GET  /web/g/{id}/control``      the control cell (admins): incident, delegates, who is silent
``POST /web/g/{id}/control/*``    ``incident``, ``delegate``, ``close``; ``inject`` and ``clock``
                                  post to the exercise API and show its answer
``GET  /web/ack/{token}``         an email's acknowledge link: what it acknowledges, and a button
``POST /web/ack/{token}``         records the acknowledgement (once; the board shows it)
``GET  /web/static/{f}``          htmx, the stylesheet and the countdown script
================================  ==================================================================

Modules: ``session`` (sessions and CSRF), ``render`` (templates, headers, error pages),
``ledger_check`` (the ledger verified on the board), ``board`` (the board's view model),
``decide`` (the decision form), ``control`` and ``control_api`` (the control cell),
``acknowledge`` (an email's acknowledge link), ``pages`` (the other routes).
"""

from __future__ import annotations

from fastapi import APIRouter

from pact24.service.web import acknowledge, control, control_api, decide, pages
from pact24.service.web.ledger_check import LEDGER_CHECKS
from pact24.service.web.render import STATIC_DIR, countdown_text
from pact24.service.web.session import LOGIN_COOKIE, SESSION_COOKIE, SESSION_TTL

router = APIRouter(include_in_schema=False)
router.include_router(pages.router)
router.include_router(decide.router)
router.include_router(acknowledge.router)
router.include_router(control.router)
router.include_router(control_api.router)

__all__ = [
    "LEDGER_CHECKS",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "SESSION_TTL",
    "STATIC_DIR",
    "countdown_text",
    "router",
]
