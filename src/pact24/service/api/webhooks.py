"""Routes: webhooks (admin) — register, rotate the secret, disable, list deliveries."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pact24.service.api.deps import ActorDep, ObjectId, ServiceDep
from pact24.service.api.problems import responses
from pact24.service.schemas import OutboxOut, WebhookIn, WebhookOut

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=responses(401, 403, 422))


@router.post("", status_code=201, response_model=WebhookOut, responses=responses(404))
def create(req: WebhookIn, service: ServiceDep, actor: ActorDep) -> WebhookOut:
    """Register a receiver; the answer holds its signing secret, shown once."""
    return service.create_webhook(actor, req)


@router.get("", response_model=list[WebhookOut])
def list_hooks(service: ServiceDep, actor: ActorDep) -> list[WebhookOut]:
    return service.webhooks(actor)


@router.post("/{webhook_id}/rotate", response_model=WebhookOut, responses=responses(404))
def rotate(webhook_id: ObjectId, service: ServiceDep, actor: ActorDep) -> WebhookOut:
    """A new secret; the previous one keeps signing for 24 hours."""
    return service.rotate_webhook(actor, webhook_id)


@router.post("/{webhook_id}/disable", response_model=WebhookOut, responses=responses(404))
def disable(webhook_id: ObjectId, service: ServiceDep, actor: ActorDep) -> WebhookOut:
    return service.disable_webhook(actor, webhook_id)


@router.get("/{webhook_id}/deliveries", response_model=list[OutboxOut], responses=responses(404))
def deliveries(
    webhook_id: ObjectId,
    service: ServiceDep,
    actor: ActorDep,
    status: Literal["pending", "delivered", "dead"] | None = None,
) -> list[OutboxOut]:
    """The webhook's messages; ``status=dead`` lists the dead letters."""
    return service.deliveries(actor, webhook_id, status)
