"""Polling an IMAP mailbox, for a faculty address that is a mailbox rather than a pipe.

Each unseen message is fetched without marking it (BODY.PEEK), handed to the same receive_mail
as the pipe, and flagged \\Seen only after its transaction has committed. A database that is
locked or away stops the round with the message still unseen, so the next round takes it again;
a message taken twice is recognised and not doubled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings

from aspirasi.channels.health import report_health

from .intake import TRANSIENT_ERRORS, NotAMessage, Received, TooLarge, receive_mail
from .models import InboundMail

log = logging.getLogger(__name__)
_UIDS = re.compile(rb"\d+")


@dataclass(frozen=True)
class ImapAccount:
    host: str
    user: str
    password: str = field(repr=False)
    port: int = 993
    mailbox: str = "INBOX"
    ssl: bool = True
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> ImapAccount:
        return cls(
            host=settings.ASPIRASI_IMAP_HOST,
            user=settings.ASPIRASI_IMAP_USER,
            password=settings.ASPIRASI_IMAP_PASSWORD,
            port=settings.ASPIRASI_IMAP_PORT,
            mailbox=settings.ASPIRASI_IMAP_MAILBOX,
            ssl=settings.ASPIRASI_IMAP_SSL,
            timeout=settings.ASPIRASI_IMAP_TIMEOUT,
        )


@dataclass
class Round:
    taken: list[Received] = field(default_factory=list)
    # Messages over the size limit: nothing of them stored, left in the mailbox marked seen.
    refused: list[str] = field(default_factory=list)
    error: str = ""  # why the round stopped early; the rest waits for the next round


class ImapUnavailable(Exception):
    """The mailbox cannot be reached or refused us."""


def poll_imap(account: ImapAccount | None = None) -> Round:
    """Take every unseen message of the mailbox in; see the module docstring."""
    account = account or ImapAccount.from_settings()
    if not account.host:
        raise ImapUnavailable("ASPIRASI_IMAP_HOST is not set")
    result = Round()
    try:
        client = _connect(account)
    except (OSError, imaplib.IMAP4.error) as exc:
        report_health("email", "intake", ok=False, detail=f"IMAP {account.host}: {exc}")
        raise ImapUnavailable(f"{account.host}: {exc}") from exc
    try:
        for uid in _unseen(client):
            raw, arrived_at = _fetch(client, uid)
            try:
                received = receive_mail(raw, via=InboundMail.Via.IMAP, arrived_at=arrived_at)
            except NotAMessage:
                log.warning("IMAP message %s is empty; marked seen", uid.decode())
            except TooLarge as exc:
                # No bounce can be sent from here; the message stays in the mailbox for a person.
                log.warning("IMAP message %s refused, %s; marked seen", uid.decode(), exc)
                result.refused.append(f"UID {uid.decode()}: {exc}")
            except TRANSIENT_ERRORS as exc:
                result.error = f"database: {exc}"
                break
            else:
                result.taken.append(received)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = f"IMAP {account.host}: {exc}"
    finally:
        _logout(client)
    if result.error:
        # The database itself may be what failed; the report is then only tried.
        with contextlib.suppress(TRANSIENT_ERRORS):
            report_health("email", "intake", ok=False, detail=result.error)
    else:
        report_health(
            "email", "intake", ok=True, detail=f"IMAP: {len(result.taken)} message(s) taken in"
        )
    return result


def _connect(account: ImapAccount) -> imaplib.IMAP4:
    kind = imaplib.IMAP4_SSL if account.ssl else imaplib.IMAP4
    client = kind(account.host, account.port, timeout=account.timeout)
    client.login(account.user, account.password)
    status, data = client.select(account.mailbox)
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open {account.mailbox}: {data!r}")
    return client


def _unseen(client: imaplib.IMAP4) -> list[bytes]:
    status, data = client.uid("SEARCH", None, "UNSEEN")
    if status != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
    return _UIDS.findall(b" ".join(d for d in data if d))


def _fetch(client: imaplib.IMAP4, uid: bytes) -> tuple[bytes, dt.datetime | None]:
    status, data = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid.decode()} failed: {data!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1], _internal_date(item[0])
    raise imaplib.IMAP4.error(f"FETCH {uid.decode()} gave no message")


def _internal_date(response: bytes) -> dt.datetime | None:
    """When the mailbox received the message: the case's arrival (decision 17)."""
    parsed = imaplib.Internaldate2tuple(response)
    if parsed is None:
        return None
    return dt.datetime.fromtimestamp(time.mktime(parsed), tz=dt.UTC)


def _logout(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()
