"""Every error as RFC 9457 problem+json: domain errors, validation errors, unknown routes.

Domain errors carry no HTTP: this edge gives each class its status and title (``status_of``,
``title_of``, ``problem_for``), for the API's handler and for the web pages alike. FastAPI's own
errors are translated here too, so a client sees one error format everywhere.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from pact24.errors import (
    BadSignature,
    BodyTooLarge,
    Conflict,
    DeadlinePassed,
    Forbidden,
    InvalidDesign,
    InvalidInput,
    LedgerError,
    MechanismError,
    NotCanonical,
    NotFound,
    OutOfOrder,
    Overloaded,
    Pact24Error,
    RevisionRefused,
    TamperDetected,
    TooManyRequests,
    Unauthorized,
    UnknownDesign,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("pact24.api")


class Problem(BaseModel):
    """RFC 9457 problem details; extra members (``deadline``, ``errors``...) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str


#: Status and title per domain error class; a subclass not listed answers as its nearest base.
_ANSWERS: dict[type[Pact24Error], tuple[int, str]] = {
    Pact24Error: (400, "Bad request"),
    InvalidDesign: (422, "Invalid design"),
    UnknownDesign: (404, "Unknown design"),
    MechanismError: (422, "Event refused"),
    OutOfOrder: (409, "Event out of order"),
    DeadlinePassed: (409, "Deadline passed"),
    RevisionRefused: (409, "Revision refused"),
    LedgerError: (422, "Ledger error"),
    TamperDetected: (422, "Ledger tampered"),
    BadSignature: (400, "Bad signature"),
    NotFound: (404, "Not found"),
    Unauthorized: (401, "Unauthorized"),
    Forbidden: (403, "Forbidden"),
    Conflict: (409, "Conflict"),
    InvalidInput: (422, "Invalid input"),
    NotCanonical: (422, "Not canonical JSON"),
    TooManyRequests: (429, "Too many requests"),
    BodyTooLarge: (413, "Content too large"),
    Overloaded: (503, "Service overloaded"),
}


def _answer(exc: Pact24Error) -> tuple[int, str]:
    return next(_ANSWERS[c] for c in type(exc).__mro__ if c in _ANSWERS)


def status_of(exc: Pact24Error) -> int:
    """The HTTP status that answers ``exc``."""
    return _answer(exc)[0]


def title_of(exc: Pact24Error) -> str:
    """The short, fixed title of ``exc``'s class of problem."""
    return _answer(exc)[1]


def problem_for(exc: Pact24Error) -> tuple[int, dict[str, Any]]:
    """The status and RFC 9457 problem document that answer ``exc``."""
    status, title = _answer(exc)
    body = _problem(status, title, exc.detail, type(exc).__name__)
    body.update(exc.extra)
    return status, body


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _problem(status: int, title: str, detail: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"https://pact24.example/problems/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }


def _clean(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(Pact24Error)
    async def _domain(_: Request, exc: Pact24Error) -> JSONResponse:
        status, body = problem_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return problem_response(status, body, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean(list(exc.errors()))
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"])
        return problem_response(
            422,
            _problem(
                422, "Invalid request", f"{where}: {first['msg']}", "InvalidRequest", errors=errors
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
        return problem_response(
            exc.status_code,
            _problem(exc.status_code, title, str(exc.detail), f"HTTP{exc.status_code}"),
            getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(
            500,
            _problem(
                500, "Internal error", "the service failed; nothing was recorded", "InternalError"
            ),
        )


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem answers a route may give."""
    return {
        code: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": _DESCRIPTIONS[code]}
        for code in codes
    }


_DESCRIPTIONS = {
    400: "Bad request (e.g. a bad signature)",
    401: "No token, or a token that is unknown, revoked or expired",
    403: "The token's role or scope does not allow this",
    404: "No such guarantee, entry or object",
    409: "Refused by the deadline or the order of the deliberation",
    422: "Invalid input, or an event the mechanism refuses",
}
