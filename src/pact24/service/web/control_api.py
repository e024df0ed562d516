"""The control cell's exercise forms: send an inject, pause and resume. They post to the API.

Injects and the exercise clock belong to exercise mode, whose routes are ``POST
/api/v1/guarantees/{id}/injects`` and ``POST /api/v1/guarantees/{id}/clock`` (``{"running":
false}`` pauses, ``true`` resumes). The page does not re-implement them: it sends the form to
those routes *inside this process* (the app itself as an ASGI transport, authenticated by the
director's own session token) and shows the API's answer as it came, status and body, so the
page and the API can never disagree, and a service without those routes shows its 404 plainly.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from pact24.service.api.deps import ServiceDep
from pact24.service.core import Service
from pact24.service.web.control import Answer, control_page, posted_session
from pact24.service.web.session import WebSession

router = APIRouter(include_in_schema=False)


async def call_api(request: Request, session: WebSession, path: str, body: Any) -> Answer:
    """POST ``body`` to this app's API at ``path`` as the signed-in director; its answer."""
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://control-cell") as client:
        r = await client.post(path, json=body, headers={"Authorization": f"Bearer {session.token}"})
    try:
        parsed = r.json()
    except ValueError:
        parsed = None
    shown = json.dumps(parsed, indent=2, ensure_ascii=False) if parsed is not None else r.text
    if 200 <= r.status_code < 300:
        return Answer(
            True, f"The API accepted it ({r.status_code})", f"POST {path}", 200, body=shown
        )
    problem = parsed if isinstance(parsed, dict) else {}
    detail = str(problem.get("detail", ""))
    if r.status_code == 404 and detail in ("", "Not Found"):
        detail = "this service has no such route (exercise mode's routes are not on this server)"
    return Answer(
        False,
        f"The API refused it: {r.status_code} {problem.get('title', '')}".rstrip(),
        f"POST {path}: {detail}",
        r.status_code if r.status_code >= 400 else 502,
        body=shown,
    )


async def _checked(
    request: Request, service: Service, guarantee_id: str, csrf: str
) -> WebSession | Response:
    return await run_in_threadpool(posted_session, request, service, guarantee_id, csrf)


@router.post("/web/g/{guarantee_id}/control/inject", response_model=None)
async def send_inject(
    request: Request,
    guarantee_id: str,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    checked = await _checked(request, service, guarantee_id, csrf)
    if not isinstance(checked, WebSession):
        return checked
    path = f"/api/v1/guarantees/{quote(guarantee_id)}/injects"
    answer = await call_api(request, checked, path, {"kind": kind, "text": text.strip()})
    values = {"inject_kind": kind, "inject_text": text}
    return await run_in_threadpool(
        control_page, request, service, checked, guarantee_id, answer, values
    )


@router.post("/web/g/{guarantee_id}/control/clock", response_model=None)
async def clock(
    request: Request,
    guarantee_id: str,
    service: ServiceDep,
    csrf: Annotated[str, Form()] = "",
    running: Annotated[str, Form()] = "",
) -> Response:
    """Pause (``running=false``) or resume the exercise's clock."""
    checked = await _checked(request, service, guarantee_id, csrf)
    if not isinstance(checked, WebSession):
        return checked
    path = f"/api/v1/guarantees/{quote(guarantee_id)}/clock"
    answer = await call_api(request, checked, path, {"running": running == "true"})
    return await run_in_threadpool(control_page, request, service, checked, guarantee_id, answer)
