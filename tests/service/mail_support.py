"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the mail tests."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ACK_LINK = re.compile(r"(https?://\S+/web/ack/(\S+))")


class Inbox:
    """The messages an SMTP server received, as parsed emails."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def ack_link(message: EmailMessage) -> tuple[str, str]:
    """The acknowledge link of a message, and its token."""
    found = ACK_LINK.search(body(message))
    assert found is not None, body(message)
    return found.group(1), found.group(2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_server(
    port: int | None = None, login: tuple[str, str] | None = None
) -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server (its inbox and port) until the generator is closed; with
    ``login``, one that takes mail only after that user name and password (AUTH PLAIN/LOGIN,
    offered without TLS, as on a local relay)."""
    inbox = Inbox()
    port = port or free_port()
    auth: dict[str, Any] = {}
    if login is not None:

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            given = (data.login.decode(), data.password.decode())
            ok = isinstance(data, LoginPassword) and given == login
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535

        auth = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
