"""A real SMTP server for the mail tests (aiosmtpd), and the settings that point the outbox's
worker at it (fixture ``smtp_settings`` in the root conftest)."""

import socket

from aiosmtpd.handlers import Sink


class Recorder(Sink):
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
