"""``pact24 ledger``: verify a ledger file, make keys.

Errors are domain errors (TamperDetected, LedgerError); ``pact24.cli.main`` prints them as one
line and exits 2.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pact24.errors import LedgerError
from pact24.ledger.jsonl import verify_jsonl
from pact24.ledger.signing import (
    decode_public_key,
    encode_public_key,
    generate_keypair,
    save_private_key,
)

ledger_app = typer.Typer(
    help="The tamper-evident record: verify a ledger file, make keys.", no_args_is_help=True
)


def _pinned_checkpoint(value: str) -> str:
    """A checkpoint given as a file path or, when it holds newlines, as the note itself."""
    if "\n" in value:
        return value
    path = Path(value)
    if not path.is_file():
        raise LedgerError(f"--checkpoint {value}: no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LedgerError(f"--checkpoint {value}: not a text file") from None


@ledger_app.command("verify")
def verify(
    path: Path = typer.Argument(..., help="The ledger file (JSON Lines)."),
    log_key: str | None = typer.Option(
        None,
        "--log-key",
        help="The log's public key (base64 of 32 bytes), obtained out of band. Without it the "
        "key in the file is trusted, which proves only that the file is self-consistent.",
    ),
    checkpoint: str | None = typer.Option(
        None,
        "--checkpoint",
        help="A file holding a signed checkpoint obtained earlier: the ledger must extend it.",
    ),
) -> None:
    """Verify every entry, checkpoint and decision signature; exit 2 naming the first bad entry."""
    if not path.is_file():
        raise LedgerError(f"{path}: no such file")
    key = decode_public_key(log_key) if log_key is not None else None
    pinned = _pinned_checkpoint(checkpoint) if checkpoint is not None else None
    result = verify_jsonl(path, key, pinned)
    typer.echo(f"origin {result.origin}")
    typer.echo(f"size {result.size}")
    typer.echo(f"root {result.root.hex()}")
    if pinned is not None:
        typer.echo("extends the pinned checkpoint")
    typer.echo("verified")


@ledger_app.command("keygen")
def keygen(
    path: Path = typer.Argument(
        ..., help="Where to write the new private key (never overwritten)."
    ),
) -> None:
    """Make an Ed25519 key pair: write the private key (base64, mode 0600), print the public key."""
    if path.exists():
        raise LedgerError(f"{path}: already exists; a key file is never overwritten")
    private_key, public_key = generate_keypair()
    save_private_key(path, private_key)
    typer.echo(encode_public_key(public_key))
