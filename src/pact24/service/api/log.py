"""Routes: the guarantee's Merkle log — checkpoints, entries, proofs, the JSONL export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from pact24.service.api.deps import MAX_INDEX, ActorDep, GuaranteeId, ServiceDep
from pact24.service.api.problems import responses
from pact24.service.schemas import CheckpointOut, ConsistencyOut, EntryOut, InclusionOut

router = APIRouter(
    prefix="/api/v1/guarantees/{guarantee_id}/log",
    tags=["log"],
    responses=responses(401, 403, 404, 422),
)
Size = Annotated[
    int | None, Query(ge=0, le=MAX_INDEX, description="Log size (default: the current size)")
]


@router.get("/checkpoint", response_model=CheckpointOut)
def checkpoint(
    guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep, size: Size = None
) -> CheckpointOut:
    """The signed checkpoint (C2SP) of the log, now or at an earlier ``size``."""
    return service.checkpoint(actor, guarantee_id, size)


@router.get(
    "/checkpoint/note",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def checkpoint_note(
    guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep, size: Size = None
) -> Response:
    """The signed checkpoint as a bare C2SP signed note, for transparency-log tooling."""
    cp = service.checkpoint(actor, guarantee_id, size)
    return Response(
        cp.note, media_type="text/plain; charset=utf-8", headers={"Pact24-Mode": cp.mode}
    )


@router.get("/entries/{index}", response_model=EntryOut)
def entry(
    guarantee_id: GuaranteeId,
    index: Annotated[int, Path(ge=0, le=MAX_INDEX)],
    service: ServiceDep,
    actor: ActorDep,
) -> EntryOut:
    """One ledger entry, with its leaf hash."""
    return service.entry(actor, guarantee_id, index)


@router.get("/proof/inclusion", response_model=InclusionOut)
def inclusion(
    guarantee_id: GuaranteeId,
    service: ServiceDep,
    actor: ActorDep,
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    size: Size = None,
) -> InclusionOut:
    """RFC 6962 audit path of entry ``index`` in the log of ``size`` entries."""
    return service.inclusion(actor, guarantee_id, index, size)


@router.get("/proof/consistency", response_model=ConsistencyOut)
def consistency(
    guarantee_id: GuaranteeId,
    service: ServiceDep,
    actor: ActorDep,
    old: Annotated[int, Query(ge=0, le=MAX_INDEX, description="The earlier size")],
    new: Size = None,
) -> ConsistencyOut:
    """RFC 6962 proof that the log at ``new`` extends the log at ``old``."""
    return service.consistency(actor, guarantee_id, old, new)


@router.get(
    "/export.jsonl",
    response_class=Response,
    responses={200: {"content": {"application/jsonl": {"schema": {"type": "string"}}}}},
)
def export(guarantee_id: GuaranteeId, service: ServiceDep, actor: ActorDep) -> Response:
    """The whole log as a JSON Lines file that ``pact24 ledger verify`` checks; the
    ``Pact24-Mode`` header says whether it is an exercise's (every entry says so too)."""
    data = service.ledger_jsonl(actor, guarantee_id)
    mode = service.guarantee(actor, guarantee_id).mode
    return Response(
        data,
        media_type="application/jsonl",
        headers={
            "Content-Disposition": f'attachment; filename="{guarantee_id}.jsonl"',
            "Pact24-Mode": mode,
        },
    )
