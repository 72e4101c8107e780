"""Real RFC 822 messages for the e-mail intake tests, built with the standard library."""

from __future__ import annotations

import importlib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.apps import apps as django_apps

from aspirasi.cases.models import Aspiration
from aspirasi.notifications.models import Message

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "mail-corpus"
CUSTOMER = "Siti Rahma <siti.rahma@students.unmul.ac.id>"
CUSTOMER_ADDRESS = "siti.rahma@students.unmul.ac.id"


def mail(
    *,
    sender: str = CUSTOMER,
    subject: str = "Jadwal ujian susulan",
    body: str = "Kapan jadwal ujian susulan Teknik Sipil diumumkan?",
    subtype: str = "plain",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    date=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Aspirasi FT Unmul <aspirasi@ft.unmul.ac.id>"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="students.unmul.ac.id")
    if date is not None:
        message["Date"] = format_datetime(date)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, subtype=subtype)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def receipt_of(case: Aspiration) -> Message:
    """The receipt every new case's customer is sent (queued by submit_aspiration)."""
    return Message.objects.get(aspiration=case, kind="receipt")


def reseed_categories() -> None:
    """The categories of the data migration, for tests after a transactional test's flush."""
    seed = importlib.import_module("aspirasi.cases.migrations.0002_categories")
    seed.create(django_apps, None)


def as_piped(raw: bytes) -> bytes:
    """The message as Postfix's pipe (flags=DRq) hands it over: LF line ends, the envelope's
    Return-Path and Delivered-To and its own Received on top."""
    trace = (
        b"Return-Path: <siti.rahma@students.unmul.ac.id>\n"
        b"Delivered-To: aspirasi@ft.unmul.ac.id\n"
        b"Received: from mx.students.unmul.ac.id (mx.students.unmul.ac.id [10.1.2.3])\n"
        b"\tby mail.ft.unmul.ac.id (Postfix) with ESMTPS id 4R2x9;\n"
        b"\tTue, 3 Nov 2026 09:00:01 +0800 (WITA)\n"
    )
    return trace + raw.replace(b"\r\n", b"\n")


def as_in_mailbox(raw: bytes) -> bytes:
    """The same message as an IMAP server returns it: CRLF line ends, its own trace headers
    (another Received, X-Original-To, a spam filter's verdict) and the mailbox's Status."""
    trace = (
        b"Return-Path: <siti.rahma@students.unmul.ac.id>\n"
        b"X-Original-To: aspirasi@ft.unmul.ac.id\n"
        b"Delivered-To: aspirasi@imap.ft.unmul.ac.id\n"
        b"Received: from mail.ft.unmul.ac.id by imap.ft.unmul.ac.id (Dovecot) with LMTP\n"
        b"\tid 8Kq2; Tue, 03 Nov 2026 09:00:02 +0800\n"
        b"X-Spam-Status: No, score=-1.2\n"
        b"Status: RO\n"
    )
    lf = (trace + raw).replace(b"\r\n", b"\n")
    return lf.replace(b"\n", b"\r\n")
