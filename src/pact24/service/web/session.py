"""Web sessions and CSRF.

The session cookie holds a token of the account, issued for the browser (label "web session",
26 h: longer than a 24-hour window), stored like every token only as an argon2 hash, and revoked
at logout. Signing in with an API token issues such a session token too, so the API token never
sits in a cookie.

Every form that changes something carries a hidden CSRF token: per session, the HMAC of a fixed
label under the session token (which scripts cannot read), and before login a random value that
must match a SameSite=Strict cookie. Requests a browser marks ``Sec-Fetch-Site: cross-site`` are
refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from fastapi import Request

from pact24.errors import Unauthorized
from pact24.service import auth
from pact24.service.auth import Actor
from pact24.service.core import Service

SESSION_COOKIE = "pact24_session"
LOGIN_COOKIE = "pact24_login"
SESSION_TTL = auth.SESSION_TTL
SECURE_COOKIE_ENV = "PACT24_WEB_SECURE_COOKIE"

_CSRF_LABEL = b"pact24 web csrf v1"


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
    """The session behind the request's cookie; None when there is none or it has ended."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        actor = service.authenticate(token)
    except Unauthorized:
        return None
    return WebSession(actor, token, csrf_for(token))


def same_token(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def forged(request: Request, csrf: str, expected: str) -> bool:
    """Whether a form post must be refused: sent cross-site, or without the expected token."""
    return cross_site(request) or not same_token(csrf, expected)


def cross_site(request: Request) -> bool:
    return request.headers.get("sec-fetch-site", "").lower() == "cross-site"


def secure(request: Request) -> bool:
    """Whether cookies get the Secure flag: over HTTPS, or when the deployment says so."""
    return request.url.scheme == "https" or os.environ.get(SECURE_COOKIE_ENV) == "1"


def safe_next(value: str | None) -> str:
    """Where to go after login: a path on this site's pages, never another site."""
    if value and value.startswith("/web/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/web/"
