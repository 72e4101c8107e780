"""A tiny IMAP4rev1 server on loopback, enough for imaplib and poll_imap: LOGIN, SELECT,
UID SEARCH UNSEEN, UID FETCH (INTERNALDATE BODY.PEEK[]), UID STORE +FLAGS (\\Seen), LOGOUT.
It keeps each message's flags and the commands it was sent, for the tests to check."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Stored:
    uid: int
    raw: bytes
    internal_date: str = "03-Nov-2026 08:55:00 +0800"
    flags: set[str] = field(default_factory=set)


class TinyImapServer:
    def __init__(self, messages: list[bytes], *, user: str = "aspirasi", password: str = "rahasia"):
        self.mailbox = [Stored(uid=i + 1, raw=raw) for i, raw in enumerate(messages)]
        self.user, self.password = user, password
        self.commands: list[str] = []
        # Called with the uid when a STORE arrives, before it is applied.
        self.on_store: Callable[[int], None] | None = None
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                server._session(self.rfile, self.wfile)

        self._tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._tcp.daemon_threads = True
        self.port = self._tcp.server_address[1]
        self._thread = threading.Thread(target=self._tcp.serve_forever, daemon=True)

    def __enter__(self) -> TinyImapServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._tcp.shutdown()
        self._tcp.server_close()

    def seen(self) -> set[int]:
        return {m.uid for m in self.mailbox if "\\Seen" in m.flags}

    def _session(self, rfile, wfile) -> None:
        def send(line: str | bytes) -> None:
            wfile.write(line if isinstance(line, bytes) else line.encode() + b"\r\n")

        send("* OK tiny IMAP ready")
        while True:
            line = rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                command, _, args = args.partition(" ")
                command = "UID " + command.upper()
            self.commands.append(command)
            if command == "CAPABILITY":
                send("* CAPABILITY IMAP4rev1")
            elif command == "LOGIN":
                user, password = [a.strip('"') for a in args.split(" ", 1)]
                if (user, password) != (self.user, self.password):
                    send(f"{tag} NO wrong user or password")
                    continue
            elif command == "SELECT":
                send(f"* {len(self.mailbox)} EXISTS")
                send("* OK [UIDVALIDITY 1] UIDs valid")
            elif command == "UID SEARCH":
                unseen = [str(m.uid) for m in self.mailbox if "\\Seen" not in m.flags]
                send("* SEARCH " + " ".join(unseen))
            elif command == "UID FETCH":
                uid = int(args.split(" ", 1)[0])
                seq, stored = self._by_uid(uid)
                send(
                    f'* {seq} FETCH (UID {uid} INTERNALDATE "{stored.internal_date}" '
                    f"BODY[] {{{len(stored.raw)}}}".encode()
                    + b"\r\n"
                    + stored.raw
                    + b")\r\n"
                )
            elif command == "UID STORE":
                uid = int(args.split(" ", 1)[0])
                if self.on_store is not None:
                    self.on_store(uid)
                seq, stored = self._by_uid(uid)
                stored.flags.update(re.findall(r"\\\w+", args))
                send(f"* {seq} FETCH (UID {uid} FLAGS ({' '.join(sorted(stored.flags))}))")
            elif command == "LOGOUT":
                send("* BYE")
                send(f"{tag} OK LOGOUT completed")
                return
            elif command != "NOOP":
                send(f"{tag} BAD unknown command")
                continue
            send(f"{tag} OK {command} completed")

    def _by_uid(self, uid: int) -> tuple[int, Stored]:
        for seq, stored in enumerate(self.mailbox, start=1):
            if stored.uid == uid:
                return seq, stored
        raise KeyError(uid)
