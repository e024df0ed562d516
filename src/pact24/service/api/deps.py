"""Dependencies of the JSON routes: the service, and the actor behind the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pact24.errors import Unauthorized
from pact24.service.auth import Actor
from pact24.service.core import Service

bearer = HTTPBearer(auto_error=False, description="A pact24 token: p24_<id>_<secret>")


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def get_actor(
    service: Annotated[Service, Depends(get_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send a token: Authorization: Bearer p24_...")
    return service.authenticate(credentials.credentials)


ServiceDep = Annotated[Service, Depends(get_service)]
ActorDep = Annotated[Actor, Depends(get_actor)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retry safely: a repeated key returns the first answer, recording nothing",
        max_length=255,
    ),
]
