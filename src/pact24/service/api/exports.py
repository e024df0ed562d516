"""Routes: the timeline, the receipts and the outcome, as JSON or CSV (``?format=csv``)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response

from pact24.service import exports
from pact24.service.api.deps import ActorDep, GuaranteeId, ServiceDep
from pact24.service.api.problems import responses
from pact24.service.schemas import OutcomeOut, Receipts, Timeline

router = APIRouter(
    prefix="/api/v1/guarantees/{guarantee_id}",
    tags=["exports"],
    responses=responses(401, 403, 404, 422),
)
Format = Literal["json", "csv"]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


def _csv(text: str, mode: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Pact24-Mode": mode,
            "Content-Disposition": f'attachment; filename="{name}.csv"',
        },
    )


@router.get("/timeline", response_model=Timeline, responses=CSV)
def timeline(
    guarantee_id: GuaranteeId,
    service: ServiceDep,
    actor: ActorDep,
    response: Response,
    format: Format = "json",
) -> Timeline | Response:
    """Every accepted event in order, as stored."""
    t = service.timeline(actor, guarantee_id)
    if format == "csv":
        return _csv(exports.timeline_csv(t), t.mode, f"{guarantee_id}-timeline")
    response.headers["Pact24-Mode"] = t.mode
    return t


@router.get("/receipts", response_model=Receipts, responses=CSV)
def receipts(
    guarantee_id: GuaranteeId,
    service: ServiceDep,
    actor: ActorDep,
    response: Response,
    format: Format = "json",
) -> Receipts | Response:
    """One frozen receipt per guarantor per instrument (empty until the close)."""
    r = service.receipts(actor, guarantee_id)
    if format == "csv":
        return _csv(exports.receipts_csv(r), r.mode, f"{guarantee_id}-receipts")
    response.headers["Pact24-Mode"] = r.mode
    return r


@router.get("/outcome", response_model=OutcomeOut, responses=CSV)
def outcome(
    guarantee_id: GuaranteeId,
    service: ServiceDep,
    actor: ActorDep,
    response: Response,
    format: Format = "json",
) -> OutcomeOut | Response:
    """Whether the guarantee was honoured, with the tallies (404 before the close)."""
    o = service.outcome(actor, guarantee_id)
    if format == "csv":
        return _csv(exports.outcome_csv(o), o.mode, f"{guarantee_id}-outcome")
    response.headers["Pact24-Mode"] = o.mode
    return o
