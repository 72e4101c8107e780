"""A real SMTP server on loopback (aiosmtpd) that records what it accepts.

`delay` holds each message after it has been received and before the server answers 250, like a
slow mail server: a client killed in that moment has handed the message over without learning
it. `rcpt_delay` stalls before answering RCPT (before anything was handed over). `refuse` lists
addresses answered with 550 (a permanent refusal)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    to: str
    message_id: str
    subject: str
    language: str
    text: str
    html: str


class RecordingHandler:
    def __init__(self):
        self.received: list[Received] = []
        self.delay = 0.0
        self.rcpt_delay = 0.0
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=policy.default)
        text = mail.get_body(preferencelist=("plain",))
        html = mail.get_body(preferencelist=("html",))
        with self.lock:
            for to in envelope.rcpt_tos:
                self.received.append(
                    Received(
                        to=to,
                        message_id=str(mail["Message-ID"]),
                        subject=str(mail["Subject"]),
                        language=str(mail["Content-Language"] or ""),
                        text=text.get_content() if text is not None else "",
                        html=html.get_content() if html is not None else "",
                    )
                )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.received if m.to == address]

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until at least `count` messages were received (polling, bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{len(self.received)} of {count} messages arrived in {timeout} s")
