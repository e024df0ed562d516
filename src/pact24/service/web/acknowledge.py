"""The acknowledge link of a delegate's email, as a page.

Following the link shows what it acknowledges and one button; the button records it. A GET
changes nothing, because mail scanners and link previews fetch links nobody clicked: only the
delegate's own click counts. The token in the path is the credential (``service.acks``); no
sign-in is needed, and the link can do nothing but this. A posted form is refused when the
browser marks it cross-site.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pact24.errors import Pact24Error
from pact24.service.api.deps import ServiceDep
from pact24.service.web.render import csrf_refused, error_page, render
from pact24.service.web.session import cross_site

router = APIRouter(include_in_schema=False)


@router.get("/web/ack/{token}", response_model=None)
def ack_page(request: Request, token: str, service: ServiceDep) -> Response:
    try:
        ack = service.ack_preview(token)
    except Pact24Error as exc:
        return error_page(request, None, exc)
    return render(request, "ack.html", {"ack": ack, "token": token, "mode": ack.mode})


@router.post("/web/ack/{token}", response_model=None)
def ack_post(request: Request, token: str, service: ServiceDep) -> Response:
    if cross_site(request):
        return csrf_refused(request, None)
    try:
        ack = service.acknowledge(token)
    except Pact24Error as exc:
        return error_page(request, None, exc)
    return render(request, "ack.html", {"ack": ack, "token": token, "mode": ack.mode})
