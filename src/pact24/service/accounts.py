"""Registering who may act: accounts, delegates with their keys, and tokens.

A delegate is registered against the design: its name must be the guarantor's ``delegate``
(primary) or ``alternate_delegate``, so a delegate can never act for a guarantor the design did
not give it. Its public key goes into the guarantee's ledger as a ``key`` entry in the same
transaction, so every later decision can be checked against a key the record itself holds; the
ledger is the only place a key is kept (``store.keys``), and an account shows the one in force.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.errors import Conflict, InvalidInput, NotFound
from pact24.ledger import decode_public_key, encode_public_key
from pact24.service import views
from pact24.service.auth import (
    Actor,
    Role,
    issue_token,
    new_id,
    require,
    require_mode,
    set_password,
)
from pact24.service.schemas import AccountIn, AccountOut, Credentials, DelegateIn, TokenOut
from pact24.store.db import Store
from pact24.store.keys import Who, delegate_keys
from pact24.store.models import Account, Guarantee, Token
from pact24.store.record import append_key, design_of, lock_guarantee


def _unique_name(session: Session, name: str) -> None:
    if session.scalar(select(Account.id).where(Account.name == name)) is not None:
        raise Conflict(f"an account named {name!r} already exists", name=name)


def bootstrap_admin(session: Session, now: datetime, name: str) -> Credentials:
    """The first admin (from the command line, which has the database itself)."""
    _unique_name(session, name)
    account = Account(id=new_id(), name=name, role=Role.ADMIN.value, created_at=now)
    session.add(account)
    session.flush()
    token, row = issue_token(session, account.id, now, label="bootstrap")
    return Credentials(account=views.account(account), token=token, token_id=row.id)


def create_account(session: Session, now: datetime, actor: Actor, req: AccountIn) -> Credentials:
    """An admin registers an account of any role but delegate (see ``register_delegate``)."""
    require(actor, Role.ADMIN)
    if req.guarantee_id is not None and session.get(Guarantee, req.guarantee_id) is None:
        raise NotFound(f"no guarantee {req.guarantee_id!r}", guarantee=req.guarantee_id)
    if req.role == Role.ADMIN.value and req.guarantee_id is not None:
        raise InvalidInput("an admin account is not scoped to one guarantee")
    # A scoped account takes its guarantee's mode; a mode-bound admin makes only its own mode.
    scope = None if req.guarantee_id is None else session.get(Guarantee, req.guarantee_id)
    mode = scope.mode if scope is not None else req.mode or actor.mode
    if req.mode is not None and mode != req.mode:
        raise InvalidInput(f"guarantee {req.guarantee_id!r} is {mode}, not {req.mode}")
    if mode is not None:
        require_mode(actor, mode, req.guarantee_id or "")
    _unique_name(session, req.name)
    account = Account(
        id=new_id(),
        name=req.name,
        role=req.role,
        guarantee_id=req.guarantee_id,
        mode=mode,
        created_at=now,
    )
    session.add(account)
    session.flush()
    if req.password is not None:
        set_password(session, account.id, req.password)
    token, row = issue_token(session, account.id, now, label="registration")
    return Credentials(account=views.account(account), token=token, token_id=row.id)


def register_delegate(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: DelegateIn,
) -> Credentials:
    """Register a delegate of one guarantor with its key, or rotate the key of one already
    registered (a new key entry; earlier decisions keep the key they were signed with)."""
    require(actor, Role.ADMIN)
    g = lock_guarantee(session, guarantee_id)
    require_mode(actor, g.mode, g.id)
    design = design_of(session, g)
    guarantor = design.guarantor(req.guarantor)
    if guarantor is None:
        raise InvalidInput(f"{req.guarantor} is not a guarantor of {design.name}")
    ranks = {guarantor.delegate: "primary", guarantor.alternate_delegate: "alternate"}
    if req.delegate not in ranks:
        raise InvalidInput(
            f"{req.guarantor}'s delegates in {design.name} are {guarantor.delegate!r} "
            f"(primary) and {guarantor.alternate_delegate!r} (alternate), not {req.delegate!r}"
        )
    public_key = encode_public_key(decode_public_key(req.public_key))
    account = session.scalar(
        select(Account).where(
            Account.guarantee_id == g.id,
            Account.guarantor == req.guarantor,
            Account.delegate == req.delegate,
        )
    )
    if account is None:
        name = req.name or f"{g.id}/{req.guarantor}/{req.delegate}"
        _unique_name(session, name)
        account = Account(
            id=new_id(),
            name=name,
            role=Role.DELEGATE.value,
            guarantee_id=g.id,
            guarantor=req.guarantor,
            delegate=req.delegate,
            rank=ranks[req.delegate],
            mode=g.mode,
            created_at=now,
        )
        session.add(account)
    if req.email is not None:
        account.email = req.email
    session.flush()
    if req.password is not None:
        set_password(session, account.id, req.password)
    append_key(
        session,
        store,
        g,
        guarantor=req.guarantor,
        delegate=req.delegate,
        public_key=public_key,
        now=now,
    )
    token, row = issue_token(session, account.id, now, label="registration")
    return Credentials(account=views.account(account, public_key), token=token, token_id=row.id)


def _key_in(keys: dict[Who, str], a: Account) -> str | None:
    """A delegate account's key in force among ``keys``; None for other accounts."""
    if a.guarantee_id is None or a.guarantor is None or a.delegate is None:
        return None
    return keys.get((a.guarantee_id, a.guarantor, a.delegate))


def new_token(session: Session, now: datetime, actor: Actor, account_id: str) -> Credentials:
    require(actor, Role.ADMIN)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account {account_id!r}")
    key = _key_in(delegate_keys(session, account.guarantee_id), account)
    token, row = issue_token(session, account.id, now, label="issued")
    return Credentials(account=views.account(account, key), token=token, token_id=row.id)


def list_accounts(
    session: Session, actor: Actor, guarantee_id: str | None = None
) -> list[AccountOut]:
    require(actor, Role.ADMIN)
    stmt = select(Account).order_by(Account.created_at, Account.name)
    if guarantee_id is not None:
        stmt = stmt.where(Account.guarantee_id == guarantee_id)
    keys = delegate_keys(session, guarantee_id)
    return [views.account(a, _key_in(keys, a)) for a in session.scalars(stmt)]


def list_tokens(session: Session, actor: Actor, account_id: str) -> list[TokenOut]:
    require(actor, Role.ADMIN)
    if session.get(Account, account_id) is None:
        raise NotFound(f"no account {account_id!r}")
    rows = session.scalars(
        select(Token).where(Token.account_id == account_id).order_by(Token.created_at)
    )
    return [views.token(t) for t in rows]
