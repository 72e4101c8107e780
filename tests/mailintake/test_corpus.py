"""Every message of ../shared/testdata/mail-corpus (287 real messages from other projects' test
suites: Outlook, Gmail and Apple Mail messages, broken MIME, unknown charsets, 8-bit headers,
bounces from some ninety MTAs, auto-replies) goes through the intake as the MTA would hand it
over: each opens a case or is set aside for a stated reason, nothing crashes, the raw message is
kept byte for byte, and a byte-identical second copy is recognised and not taken twice."""

import csv
import hashlib
import re
import time

import pytest

from aspirasi.cases.choices import Channel, Privacy
from aspirasi.mailintake.intake import receive_mail
from aspirasi.mailintake.models import InboundMail
from aspirasi.mailintake.reading import read_message
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9

from .mails import CORPUS

pytestmark = pytest.mark.django_db

if not (CORPUS / "index.tsv").is_file():
    pytest.skip(
        f"the shared mail corpus is absent ({CORPUS}); it lives beside the repository in "
        "../shared/testdata/mail-corpus",
        allow_module_level=True,
    )

# index.tsv's own reading of each message (see the corpus's SOURCES.md and classify.py).
INDEX = {row["file"]: row for row in csv.DictReader((CORPUS / "index.tsv").open(), delimiter="\t")}
MACHINE_REASONS = {"bounce", "auto_reply", "bulk"}


def test_the_corpus_is_the_one_described():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.parent != CORPUS}
    assert files == set(INDEX) and len(files) == 287


def test_every_message_of_the_corpus_opens_a_case_or_is_set_aside_and_none_is_lost(capsys):
    started = time.perf_counter()
    first_copy: dict[str, InboundMail] = {}
    rerouted: list[str] = []
    outcomes: dict[str, int] = {}
    for name in sorted(INDEX):
        raw = (CORPUS / name).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        messages_before = Message.objects.count()
        received = receive_mail(raw, now=TUESDAY_9)
        mail = received.mail
        outcome = "duplicate" if received.duplicate else str(mail.reason or mail.outcome)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

        if received.duplicate:
            # A redelivery: byte for byte the same, or the same Message-ID, author and body
            # with other trace headers (RFC 5322's examples 01, 02, 08... differ only so) or
            # other line ends (attachment_pdf_lf.eml is attachment_pdf.eml stored with LF).
            if digest not in first_copy:
                earlier = InboundMail.objects.get(pk=mail.pk)
                assert (earlier.message_id, earlier.sender) == (
                    read_message(raw).message_id,
                    read_message(raw).sender,
                ), name
                assert _body(bytes(earlier.raw)) == _body(raw), name
                rerouted.append(name)
            assert Message.objects.count() == messages_before, name
            continue
        first_copy[digest] = mail
        stored = InboundMail.objects.get(pk=mail.pk)
        assert bytes(stored.raw) == raw, f"{name}: raw message not kept byte for byte"
        assert stored.sha256 == digest
        assert mail.outcome in (InboundMail.Outcome.OPENED, InboundMail.Outcome.SET_ASIDE), name
        assert mail.reason != InboundMail.Reason.FAILED, f"{name}: {mail.note}"

        expected = INDEX[name]["auto"]
        if expected:  # the corpus's own classify.py calls it a bounce, auto-reply or bulk
            assert mail.reason in MACHINE_REASONS, f"{name} ({expected}) was {mail.outcome}"
        if mail.outcome == InboundMail.Outcome.SET_ASIDE:
            assert mail.reason in MACHINE_REASONS, name
            assert mail.note.startswith("set aside by "), name
            assert mail.aspiration is None
            assert Message.objects.count() == messages_before, f"{name}: a machine got a reply"
            continue

        case = mail.aspiration
        assert (case.channel, case.privacy, case.current_step) == (Channel.EMAIL, Privacy.NORMAL, 2)
        assert case.subject.strip() and case.body.strip(), name
        assert len(case.subject) <= 200
        receipts = Message.objects.filter(aspiration=case, kind="receipt")
        if mail.sender:
            assert case.customer_email == mail.sender
            assert [r.to for r in receipts] == [mail.sender], name
        else:
            assert not receipts.exists(), name

    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nmail corpus: {len(INDEX)} messages in {elapsed:.1f} s: {sorted(outcomes.items())}"
        )
        print(f"taken once though their trace headers differ: {rerouted}")
    # The five byte-identical pairs the corpus keeps on purpose are each taken once.
    assert outcomes.get("duplicate", 0) >= 5
    assert InboundMail.objects.count() == len(INDEX) - outcomes.get("duplicate", 0)
    assert sum(outcomes.values()) == len(INDEX)


def _body(raw: bytes) -> bytes:
    return re.split(rb"\n\n", raw.replace(b"\r\n", b"\n"), maxsplit=1)[-1].rstrip(b"\n")
