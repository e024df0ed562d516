"""Dependencies of the JSON routes: the service, and the actor behind the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pact24.errors import Unauthorized
from pact24.service.auth import Actor
from pact24.service.core import Service
from pact24.service.schemas import GUARANTEE_ID, OBJECT_ID

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
GuaranteeId = Annotated[str, Path(pattern=GUARANTEE_ID, description="The guarantee")]
ObjectId = Annotated[str, Path(pattern=OBJECT_ID)]
OptionalGuaranteeId = Annotated[str | None, Query(pattern=GUARANTEE_ID)]
#: Indexes and sizes fit a 32-bit signed integer, the type of the store's columns.
MAX_INDEX = 2**31 - 1
