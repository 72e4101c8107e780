"""Polling an IMAP mailbox: against a small real IMAP server on loopback (imap_server.py), through
imaplib, the same intake as the pipe; a message is flagged seen only once it is stored."""

import datetime as dt
import socket

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from aspirasi.cases.models import Aspiration
from aspirasi.channels.models import ChannelHealth
from aspirasi.mailintake import imap
from aspirasi.mailintake.imap import ImapAccount, ImapUnavailable, poll_imap
from aspirasi.mailintake.models import InboundMail
from aspirasi.mailintake.reading import read_message

from .imap_server import TinyImapServer
from .mails import mail, reseed_categories


def account(server: TinyImapServer, password: str = "rahasia") -> ImapAccount:
    return ImapAccount(
        host="127.0.0.1",
        port=server.port,
        user="aspirasi",
        password=password,
        ssl=False,
        timeout=10,
    )


@pytest.mark.django_db(transaction=True)
def test_polling_takes_each_unseen_message_and_flags_it_seen_only_once_stored():
    reseed_categories()
    person, bounce, old = (
        mail(body="AC ruang kuliah C-201 mati."),
        mail(sender="MAILER-DAEMON@mx.example.com", subject="Undelivered Mail"),
        mail(subject="Sudah dibaca"),
    )
    an_hour_ago = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    with TinyImapServer([person, bounce, old]) as server:
        server.mailbox[0].internal_date = an_hour_ago.strftime("%d-%b-%Y %H:%M:%S %z")
        server.mailbox[2].flags.add("\\Seen")
        stored_before_flagged = []

        def check_stored(uid: int) -> None:
            # The server's own thread and database connection: it sees only committed rows.
            raw = server.mailbox[uid - 1].raw
            fingerprint = read_message(raw).fingerprint
            stored_before_flagged.append(
                InboundMail.objects.filter(fingerprint=fingerprint).exists()
            )
            connection.close()

        server.on_store = check_stored
        first = poll_imap(account(server))
        assert server.seen() == {1, 2, 3}
        second = poll_imap(account(server))

    assert stored_before_flagged == [True, True]
    assert [r.mail.outcome for r in first.taken] == ["opened", "set_aside"]
    assert first.error == "" and second.taken == []
    case = Aspiration.objects.get()
    assert case.body == "AC ruang kuliah C-201 mati."
    assert case.arrived_at == an_hour_ago
    assert set(InboundMail.objects.values_list("via", flat=True)) == {"imap"}
    assert ChannelHealth.objects.get(channel="email", probe="intake").ok


@pytest.mark.django_db
def test_a_database_failure_leaves_the_message_unseen_for_the_next_round(monkeypatch):
    real = imap.receive_mail

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    with TinyImapServer([mail()]) as server:
        monkeypatch.setattr(imap, "receive_mail", locked)
        stopped = poll_imap(account(server))
        assert stopped.error == "database: database is locked"
        assert server.seen() == set()
        assert "UID STORE" not in server.commands
        monkeypatch.setattr(imap, "receive_mail", real)
        again = poll_imap(account(server))
        assert [r.mail.outcome for r in again.taken] == ["opened"]
        assert server.seen() == {1}


@pytest.mark.django_db
def test_a_mailbox_that_refuses_us_is_reported_as_not_working():
    with TinyImapServer([mail()]) as server, pytest.raises(ImapUnavailable):
        poll_imap(account(server, password="salah"))
    health = ChannelHealth.objects.get(channel="email", probe="intake")
    assert not health.ok and "IMAP" in health.detail


@pytest.mark.django_db
def test_an_unreachable_mailbox_is_reported_as_not_working():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = ImapAccount(host="127.0.0.1", port=port, user="x", password="y", ssl=False)
    with pytest.raises(ImapUnavailable):
        poll_imap(unreachable)
    assert not ChannelHealth.objects.get(channel="email", probe="intake").ok


@pytest.mark.django_db
def test_the_poll_imap_command_uses_the_settings(settings, capsys):
    with TinyImapServer([mail()]) as server:
        settings.ASPIRASI_IMAP_HOST = "127.0.0.1"
        settings.ASPIRASI_IMAP_PORT = server.port
        settings.ASPIRASI_IMAP_USER = "aspirasi"
        settings.ASPIRASI_IMAP_PASSWORD = "rahasia"
        settings.ASPIRASI_IMAP_SSL = False
        call_command("poll_imap")
    out = capsys.readouterr().out
    assert "opened ASP-" in out and "1 message(s) taken in" in out


@pytest.mark.django_db
def test_an_oversize_message_in_the_mailbox_is_refused_stored_nowhere_and_not_fetched_again(
    settings, capsys
):
    settings.ASPIRASI_MAIL_MAX_BYTES = 20_000
    big, small = mail(body="B" * 30_000), mail(subject="Kecil")
    with TinyImapServer([big, small]) as server:
        settings.ASPIRASI_IMAP_HOST = "127.0.0.1"
        settings.ASPIRASI_IMAP_PORT = server.port
        settings.ASPIRASI_IMAP_USER = "aspirasi"
        settings.ASPIRASI_IMAP_PASSWORD = "rahasia"
        settings.ASPIRASI_IMAP_SSL = False
        call_command("poll_imap")
        assert server.seen() == {1, 2}
    out = capsys.readouterr().out
    assert "refused, left in the mailbox: UID 1: over the size limit" in out
    assert list(InboundMail.objects.values_list("subject", flat=True)) == ["Kecil"]
