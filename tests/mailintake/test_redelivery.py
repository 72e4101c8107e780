"""A message is taken once however it comes: by the MTA's pipe with LF line ends, then again
from the IMAP mailbox with CRLF line ends and other trace headers, with or without a
Message-ID. Two different messages are still two."""

import pytest

from aspirasi.cases.models import Aspiration
from aspirasi.mailintake.intake import receive_mail
from aspirasi.mailintake.models import InboundMail
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9

from .mails import as_in_mailbox, as_piped, mail

pytestmark = pytest.mark.django_db


def without_message_id(raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    return b"\n".join(line for line in lines if not line.lower().startswith(b"message-id:"))


def take_by_pipe_then_imap(raw: bytes):
    piped = as_piped(raw)
    fetched = as_in_mailbox(raw)
    assert b"\r\n" not in piped and fetched.count(b"\r\n") == fetched.count(b"\n")
    first = receive_mail(piped, via=InboundMail.Via.PIPE, now=TUESDAY_9)
    again = receive_mail(fetched, via=InboundMail.Via.IMAP, now=TUESDAY_9)
    return first, again


def test_the_same_message_by_pipe_then_by_imap_with_crlf_makes_one_case():
    first, again = take_by_pipe_then_imap(mail())
    assert first.mail.outcome == "opened" and again.duplicate
    assert again.mail == first.mail
    assert InboundMail.objects.count() == 1 and Aspiration.objects.count() == 1
    assert Message.objects.filter(kind="receipt").count() == 1


def test_a_message_without_a_message_id_delivered_twice_makes_one_case():
    raw = without_message_id(mail())
    first, again = take_by_pipe_then_imap(raw)
    assert first.mail.message_id == ""
    assert again.duplicate and again.mail == first.mail
    assert Aspiration.objects.count() == 1
    assert Message.objects.filter(kind="receipt").count() == 1


@pytest.mark.parametrize(
    "other",
    [
        {"body": "Kapan jadwal ujian susulan Teknik Mesin diumumkan?"},
        {"subject": "Jadwal ujian susulan (lagi)"},
        {"sender": "Budi <budi@students.unmul.ac.id>"},
    ],
)
def test_two_different_messages_without_a_message_id_make_two_cases(other):
    receive_mail(as_piped(without_message_id(mail())), now=TUESDAY_9)
    second = receive_mail(as_piped(without_message_id(mail(**other))), now=TUESDAY_9)
    assert not second.duplicate
    assert Aspiration.objects.count() == 2
