"""Routes: guarantees, their board, their delegates, and what happens in a deliberation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from pact24.service.api.deps import ActorDep, GuaranteeId, IdempotencyKey, ServiceDep
from pact24.service.api.problems import responses
from pact24.service.idempotency import REPLAYED_HEADER
from pact24.service.schemas import (
    AttributionIn,
    BoardOut,
    ClockIn,
    CloseIn,
    Credentials,
    DecisionIn,
    DelegateIn,
    DeliveryIn,
    GuaranteeIn,
    GuaranteeOut,
    IncidentIn,
    InjectIn,
    InjectOut,
    InvocationIn,
    MailOut,
    NotificationOut,
    Recorded,
    RefusedOut,
    ResolutionIn,
)

router = APIRouter(
    prefix="/api/v1/guarantees", tags=["guarantees"], responses=responses(401, 403, 422)
)
WRITE = responses(400, 404, 409)


@router.post("", status_code=201, response_model=GuaranteeOut, responses=responses(404, 409))
def create_guarantee(req: GuaranteeIn, service: ServiceDep, actor: ActorDep) -> GuaranteeOut:
    """Create a guarantee from a design (YAML text) or a preset, live or exercise (admin)."""
    return service.create_guarantee(actor, req)


@router.get("", response_model=list[GuaranteeOut])
def list_guarantees(service: ServiceDep, actor: ActorDep) -> list[GuaranteeOut]:
    return service.guarantees(actor)


@router.get("/{guarantee_id}", response_model=GuaranteeOut, responses=responses(404))
def get_guarantee(guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep) -> GuaranteeOut:
    return service.guarantee(actor, guarantee_id)


@router.post("/{guarantee_id}/clock", response_model=GuaranteeOut, responses=responses(404, 409))
def set_clock(
    guarantee_id: GuaranteeId, req: ClockIn, service: ServiceDep, actor: ActorDep
) -> GuaranteeOut:
    """Pause (``running: false``) or resume an exercise's clock (admin); 409 for a live one.
    While paused, the exercise's time, deadline and reminders stand still."""
    return service.set_running(actor, guarantee_id, req.running)


@router.post(
    "/{guarantee_id}/injects",
    status_code=201,
    response_model=InjectOut,
    responses=responses(404, 409),
)
def send_inject(
    guarantee_id: GuaranteeId, req: InjectIn, service: ServiceDep, actor: ActorDep
) -> InjectOut:
    """Tell an exercise's players something (admin): kept with the exercise's time, listed at
    ``GET …/injects``; 409 for a live guarantee."""
    return service.send_inject(actor, guarantee_id, req)


@router.get("/{guarantee_id}/injects", response_model=list[InjectOut], responses=responses(404))
def list_injects(
    guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep
) -> list[InjectOut]:
    """What the control cell told the players, in order."""
    return service.injects(actor, guarantee_id)


@router.get("/{guarantee_id}/design", responses=responses(404))
def get_design(guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep) -> dict[str, Any]:
    """The design the guarantee runs under, exactly as stored."""
    return service.design(actor, guarantee_id).model_dump(mode="json")


@router.get("/{guarantee_id}/board", response_model=BoardOut, responses=responses(404))
def get_board(guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep) -> BoardOut:
    """Every guarantor's current decision per instrument, the receipts and the outcome."""
    return service.board(actor, guarantee_id)


@router.get(
    "/{guarantee_id}/notifications",
    response_model=list[NotificationOut],
    responses=responses(404),
)
def list_notifications(
    guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep
) -> list[NotificationOut]:
    """Reminders and escalations sent so far."""
    return service.notifications(actor, guarantee_id)


@router.get("/{guarantee_id}/mail", response_model=list[MailOut], responses=responses(404))
def list_mail(guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep) -> list[MailOut]:
    """Emails to the delegates: delivery (pending, sent, dead with its error) and when each
    was acknowledged (admin)."""
    return service.mail_log(actor, guarantee_id)


@router.post(
    "/{guarantee_id}/delegates", status_code=201, response_model=Credentials, responses=WRITE
)
def register_delegate(
    guarantee_id: GuaranteeId, req: DelegateIn, service: ServiceDep, actor: ActorDep
) -> Credentials:
    """Register a guarantor's delegate and its public key (admin); returns its token, once.
    Registering an already registered delegate rotates its key."""
    return service.register_delegate(actor, guarantee_id, req)


def _answer(response: Response, result: tuple[Recorded, bool]) -> Recorded:
    recorded, replayed = result
    response.headers["Pact24-Mode"] = recorded.mode
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return recorded


@router.post("/{guarantee_id}/incidents", status_code=201, response_model=Recorded, responses=WRITE)
def report_incident(
    guarantee_id: GuaranteeId,
    req: IncidentIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """The beneficiary reports an attack (reporter); the window may open with it. ``engaged``
    names the guarantors whose stationed forces it touched (422 for a state with none)."""
    return _answer(response, service.report_incident(actor, guarantee_id, req, idempotency_key))


@router.post(
    "/{guarantee_id}/attributions", status_code=201, response_model=Recorded, responses=WRITE
)
def assess_attribution(
    guarantee_id: GuaranteeId,
    req: AttributionIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """An attribution finding (admin); on an on_attribution design it may open the window."""
    return _answer(response, service.assess_attribution(actor, guarantee_id, req, idempotency_key))


@router.post(
    "/{guarantee_id}/invocation", status_code=201, response_model=Recorded, responses=WRITE
)
def invoke(
    guarantee_id: GuaranteeId,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """The chair (admin) records the guarantors' council's invocation of an ``on_invocation``
    guarantee: the window opens now. 403 for anyone else; 409 before the incident, while
    attribution is below the design's threshold, or once invoked; 422 for a design that opens
    by its own rule. The mechanism decides; a refusal stores nothing."""
    return _answer(response, service.invoke(actor, guarantee_id, InvocationIn(), idempotency_key))


@router.post("/{guarantee_id}/decisions", status_code=201, response_model=Recorded, responses=WRITE)
def record_decision(
    guarantee_id: GuaranteeId,
    req: DecisionIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """A delegate's signed decision for its own guarantor. 403 for another guarantor, 400 for
    a bad signature, 409 (naming the deadline) once the deadline has passed."""
    return _answer(response, service.record_decision(actor, guarantee_id, req, idempotency_key))


@router.get("/{guarantee_id}/refused", response_model=list[RefusedOut], responses=responses(404))
def list_refused(
    guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep
) -> list[RefusedOut]:
    """Signed decisions refused because they arrived at or after the deadline: none counted."""
    return service.refused(actor, guarantee_id)


@router.post(
    "/{guarantee_id}/resolutions", status_code=201, response_model=Recorded, responses=WRITE
)
def resolve_condition(
    guarantee_id: GuaranteeId,
    req: ResolutionIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """A condition (parliament approval, UN mandate...) is met or not."""
    return _answer(response, service.resolve_condition(actor, guarantee_id, req, idempotency_key))


@router.post(
    "/{guarantee_id}/deliveries", status_code=201, response_model=Recorded, responses=WRITE
)
def report_delivery(
    guarantee_id: GuaranteeId,
    req: DeliveryIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """A commitment carried out, after the outcome."""
    return _answer(response, service.report_delivery(actor, guarantee_id, req, idempotency_key))


@router.post("/{guarantee_id}/close", response_model=Recorded, responses=WRITE)
def close(
    guarantee_id: GuaranteeId,
    req: CloseIn,
    response: Response,
    service: ServiceDep,
    actor: ActorDep,
    idempotency_key: IdempotencyKey = None,
) -> Recorded:
    """The one idempotent close (admin): at the deadline, or as chair in a design without one.
    A second close appends nothing."""
    return _answer(response, service.close(actor, guarantee_id, req, idempotency_key))
