"""Routes: who am I, accounts, delegates' registration, tokens (admin)."""

from __future__ import annotations

from fastapi import APIRouter

from pact24.service.api.deps import ActorDep, ObjectId, OptionalGuaranteeId, ServiceDep
from pact24.service.api.problems import responses
from pact24.service.schemas import AccountIn, AccountOut, Credentials, Me, TokenOut

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=responses(401, 403, 422))


@router.get("/me", response_model=Me)
def me(actor: ActorDep) -> Me:
    """The account behind the token: its role and scope."""
    return Me(
        account_id=actor.account_id,
        name=actor.name,
        role=actor.role.value,
        guarantee_id=actor.guarantee_id,
        guarantor=actor.guarantor,
        delegate=actor.delegate,
        token_id=actor.token_id,
    )


@router.post(
    "/accounts", status_code=201, response_model=Credentials, responses=responses(404, 409)
)
def create_account(req: AccountIn, service: ServiceDep, actor: ActorDep) -> Credentials:
    """Register an admin, reporter, observer or witness; returns its first token, once."""
    return service.create_account(actor, req)


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(
    service: ServiceDep, actor: ActorDep, guarantee_id: OptionalGuaranteeId = None
) -> list[AccountOut]:
    return service.accounts(actor, guarantee_id)


@router.post(
    "/accounts/{account_id}/tokens",
    status_code=201,
    response_model=Credentials,
    responses=responses(404),
)
def new_token(account_id: ObjectId, service: ServiceDep, actor: ActorDep) -> Credentials:
    """Another token for an account (shown once)."""
    return service.new_token(actor, account_id)


@router.get(
    "/accounts/{account_id}/tokens", response_model=list[TokenOut], responses=responses(404)
)
def list_tokens(account_id: ObjectId, service: ServiceDep, actor: ActorDep) -> list[TokenOut]:
    return service.tokens(actor, account_id)


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut, responses=responses(404))
def revoke_token(token_id: ObjectId, service: ServiceDep, actor: ActorDep) -> TokenOut:
    """Revoke a token: from now on every request with it gets 401."""
    return service.revoke_token(actor, token_id)
