"""One received e-mail becomes a case, joins one, or is set aside; the raw message is always kept.

`receive_mail` is what the MTA pipe (cli.py) and the IMAP poller (imap.py) both call:

1. Read the message (reading.py; never raises on a bad message).
2. A message already received (same fingerprint) is recognised and not taken twice.
3. A machine's message (bounce, automatic reply, bulk, our own mail) is set aside: no case, no
   reply (screening.py).
4. A message that names a case (our Message-ID in In-Reply-To/References, or its tracking code in
   the subject) and comes from that case's own address joins it: as a clarification while the
   case is open, as a follow-up case within 14 days of closing. Anything else opens a new case,
   which mentions the code it named.
5. A new case gets its receipt (tracking code and secret link) from submit_aspiration, which
   queues it in the outbox in the same transaction; its subject carries the code and the outbox
   keeps its Message-ID, so the customer's reply to it finds the case again (step 4).

Steps 2-5 run in one transaction with the InboundMail row. A database that is locked or away
raises (the caller tells the MTA to try again later); any other failure is a fault of ours or
of this message, so the message is still stored, set aside as "failed", for someone to look at.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aspirasi.cases.choices import Channel, Privacy, Status
from aspirasi.cases.clarifications import (
    FOLLOW_UP_DAYS,
    MAX_CLARIFICATION,
    add_clarification,
    may_follow_up,
    open_follow_up,
)
from aspirasi.cases.intake import AspirationInput, Submitted, submit_aspiration
from aspirasi.cases.models import Aspiration, Category
from aspirasi.notifications.models import Message

from .models import InboundMail
from .reading import ReadMail, read_message
from .screening import set_aside

log = logging.getLogger(__name__)

# The tracking code anywhere in a subject ("Re: [ASP-2026-000123] ...").
SUBJECT_CODE_RE = re.compile(r"\bASP-\d{4}-\d{6,}\b", re.IGNORECASE)
# Nothing in an e-mail says what it is about; the Kabag TU routes "other" at step 8.
EMAIL_CATEGORY = "lainnya"
SUBJECT_MAX = 200

# The database is locked, unreachable or went away: the MTA should keep the message and retry.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class NotAMessage(ValueError):
    """The input is empty: there is nothing to keep."""


@dataclass(frozen=True)
class Received:
    mail: InboundMail
    duplicate: bool = False  # this message had been received before; nothing new was written

    @property
    def summary(self) -> str:
        mail = self.mail
        case = mail.aspiration.tracking_code if mail.aspiration_id else ""
        what = f"{mail.outcome} {case}".strip()
        if mail.reason:
            what += f" ({mail.reason})"
        return f"already received: {what}" if self.duplicate else what


def receive_mail(
    raw: bytes,
    *,
    via: str = InboundMail.Via.PIPE,
    now: dt.datetime | None = None,
    arrived_at: dt.datetime | None = None,
) -> Received:
    """Take one raw RFC 822 message in; see the module docstring. Raises NotAMessage for empty
    input, and the database's OperationalError/InterfaceError when it is locked or away."""
    if not raw or not raw.strip():
        raise NotAMessage("the input is empty")
    now = now or timezone.now()
    if arrived_at is None or arrived_at > now:
        arrived_at = now
    mail = read_message(raw)
    earlier = _earlier(mail)
    if earlier is not None:
        return Received(earlier, duplicate=True)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                return Received(_take(mail, raw, via=via, now=now, arrived_at=arrived_at))
        except IntegrityError:
            # The same message, delivered twice at the same moment, and the other won.
            earlier = _earlier(mail)
            if earlier is not None:
                return Received(earlier, duplicate=True)
            log.exception("e-mail %s could not be taken in", mail.message_id)
            return Received(_keep_failed(mail, raw, via=via, now=now, error="IntegrityError"))
        except TRANSIENT_ERRORS:
            raise
        except Exception as exc:
            log.exception("e-mail %s could not be taken in", mail.message_id)
            return Received(_keep_failed(mail, raw, via=via, now=now, error=repr(exc)))


def _earlier(mail: ReadMail) -> InboundMail | None:
    return (
        InboundMail.objects.defer("raw")
        .select_related("aspiration")
        .filter(fingerprint=mail.fingerprint)
        .first()
    )


def _take(mail: ReadMail, raw: bytes, *, via: str, now: dt.datetime, arrived_at) -> InboundMail:
    ours = bool(mail.message_id) and Message.objects.filter(message_id=mail.message_id).exists()
    aside = set_aside(mail, ours=ours)
    notes = list(mail.notes)
    if aside is not None:
        notes.insert(0, f"set aside by {aside.rule}")
        return _record(
            mail, raw, via=via, now=now, outcome="set_aside", reason=aside.reason, notes=notes
        )

    named = _named_case(mail)
    same_sender = named is not None and bool(mail.sender) and mail.sender == named.customer_email
    if named is not None and same_sender:
        target = _open_follow_up_of(named) if named.status == Status.CLOSED else named
        if target is not None:
            clarification = add_clarification(
                target,
                _clarification_text(mail),
                source="email",
                email_message_id=mail.message_id,
                now=now,
            )
            return _record(
                mail,
                raw,
                via=via,
                now=now,
                outcome="joined",
                case=target,
                clarification=clarification,
                notes=notes,
            )
        if may_follow_up(named, now):
            submitted = open_follow_up(named, _case_text(mail), channel=Channel.EMAIL, now=now)
            return _opened(mail, raw, submitted, via=via, now=now, refers_to=named, notes=notes)

    text = _case_text(mail)
    if named is not None:
        if not same_sender:
            why = _(
                "This e-mail refers to case %(code)s but came from another address, so it "
                "was opened as a new case."
            )
        else:
            why = _(
                "This e-mail refers to case %(code)s, which takes no follow-up any more (only "
                "one, within %(days)s days of its answer), so it was opened as a new case."
            )
        mention = why % {"code": named.tracking_code, "days": FOLLOW_UP_DAYS}
        text = f"{text}\n\n[{mention}]"
        notes.insert(0, mention)
    submitted = submit_aspiration(
        AspirationInput(
            channel=Channel.EMAIL,
            category=_email_category(),
            subject=_subject(mail),
            body=text,
            privacy=Privacy.NORMAL,
            customer_name=mail.sender_name,
            customer_email=mail.sender,
            language=language_of_mail(mail),
            arrived_at=arrived_at,
        ),
        now=now,
    )
    return _opened(mail, raw, submitted, via=via, now=now, refers_to=named, notes=notes)


def language_of_mail(mail: ReadMail) -> str:
    """The language the customer is answered in: English when the message says it is written
    in English (Content-Language: en, en-US, ...; the first tag counts), Indonesian otherwise.

    Kept simple on purpose: the header is the sender's own statement, and most mail programs
    leave it out, so the faculty's language is the default. Guessing from the words (a
    language detector) errs on short or mixed texts, and a wrong guess would answer an
    Indonesian in English; some programs set the header from their own settings rather than
    the text, which at worst answers in the language the sender's program is set to.
    """
    first = mail.header("content-language").split(",")[0].strip().lower()
    return "en" if first.replace("_", "-").split("-")[0] == "en" else "id"


def _opened(mail, raw, submitted: Submitted, *, via, now, refers_to, notes) -> InboundMail:
    # The receipt (tracking code and secret link) was queued by submit_aspiration itself, in
    # this transaction, under the key every new case uses ("case:<id>:receipt:customer").
    return _record(
        mail,
        raw,
        via=via,
        now=now,
        outcome="opened",
        case=submitted.aspiration,
        refers_to=refers_to,
        notes=notes,
    )


def _record(
    mail: ReadMail,
    raw: bytes,
    *,
    via,
    now,
    outcome,
    reason="",
    case=None,
    clarification=None,
    refers_to=None,
    notes=(),
) -> InboundMail:
    return InboundMail.objects.create(
        received_at=now,
        via=via,
        raw=raw,
        size=len(raw),
        sha256=mail.sha256,
        fingerprint=mail.fingerprint,
        message_id=mail.message_id,
        sender=mail.sender,
        sender_name=mail.sender_name,
        subject=mail.subject[:250],
        outcome=outcome,
        reason=reason,
        note="\n".join(notes)[:5000],
        aspiration=case,
        clarification=clarification,
        refers_to=refers_to,
    )


def _keep_failed(mail: ReadMail, raw: bytes, *, via, now, error: str) -> InboundMail:
    with transaction.atomic():
        return _record(
            mail,
            raw,
            via=via,
            now=now,
            outcome="set_aside",
            reason=InboundMail.Reason.FAILED,
            notes=[error[:1000], *mail.notes],
        )


def _named_case(mail: ReadMail) -> Aspiration | None:
    """The case the message names: by our Message-ID in its threading headers (the nearest
    first), else by a tracking code in its subject."""
    thread = [*mail.in_reply_to, *reversed(mail.references)]
    if thread:
        found = dict(
            Message.objects.filter(message_id__in=thread, aspiration__isnull=False).values_list(
                "message_id", "aspiration_id"
            )
        )
        for message_id in thread:
            if message_id in found:
                return Aspiration.objects.get(pk=found[message_id])
    for code in SUBJECT_CODE_RE.findall(mail.subject):
        case = Aspiration.objects.filter(tracking_code=code.upper()).first()
        if case is not None:
            return case
    return None


def _open_follow_up_of(case: Aspiration) -> Aspiration | None:
    """A reply to a closed case whose follow-up is still open belongs to that follow-up."""
    return (
        case.follow_ups.filter(status=Status.OPEN, customer_email=case.customer_email)
        .order_by("-arrived_at")
        .first()
    )


def _email_category() -> Category:
    """ "Other", or (should the admin have retired it) the first category still in use."""
    return (
        Category.objects.filter(code=EMAIL_CATEGORY).first()
        or Category.objects.filter(active=True).order_by("order", "code").first()
        or Category.objects.order_by("order", "code").first()
    )


def _subject(mail: ReadMail) -> str:
    subject = mail.subject.strip() or _("(no subject)")
    return subject[:SUBJECT_MAX]


def _case_text(mail: ReadMail) -> str:
    parts = [mail.text] if mail.text else []
    if mail.attachments:
        parts.append(
            _("Attached (kept with the original e-mail): %(names)s")
            % {"names": ", ".join(mail.attachments)}
        )
    if not parts:
        parts.append(_("(The e-mail has no text.)"))
    return "\n\n".join(parts)


_ATTRIBUTION = re.compile(
    r"^\s*(on\b.*\bwrote:|pada\b.*\bmenulis:|-+\s*(original message|pesan asli)\s*-+)\s*$",
    re.IGNORECASE,
)


_WROTE = re.compile(r"\b(wrote|menulis|schrieb|a écrit):\s*$", re.IGNORECASE)


def _clarification_text(mail: ReadMail) -> str:
    """What the customer added: the quoted thread below it is dropped (it is in the raw copy)."""
    text = _case_text(replace(mail, text=_without_quote(mail.text)))
    if len(text) > MAX_CLARIFICATION:
        cut = _("[cut here; the whole e-mail is kept]")
        text = text[: MAX_CLARIFICATION - len(cut) - 2] + "\n\n" + cut
    return text


def _without_quote(text: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line):
            return "\n".join(lines[:i]).strip() or text
        if line.startswith(">") and _rest_is_quote(lines[i:]):
            # A long "On ... wrote:" is wrapped over two lines just above the quote.
            head = lines[:i]
            while head and not head[-1].strip():
                head.pop()
            if head and _WROTE.search(head[-1]):
                head.pop()
                if head and re.match(r"^\s*(on|pada)\b", head[-1], re.IGNORECASE):
                    head.pop()
            return "\n".join(head).strip() or text
    return text


def _rest_is_quote(lines: list[str]) -> bool:
    return all(not line.strip() or line.startswith(">") for line in lines)
