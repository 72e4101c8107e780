"""One received e-mail becomes a case, joins one, or is set aside; the raw message is always kept.

`receive_mail` is what the MTA pipe (cli.py) and the IMAP poller (imap.py) both call:

1. A message over ASPIRASI_MAIL_MAX_BYTES is refused (TooLarge) and nothing of it is stored.
2. Read the message (reading.py; never raises on a bad message).
3. A message already received (same fingerprint: the same message by whatever route, with LF or
   CRLF line ends, with or without a Message-ID) is recognised and not taken twice.
4. A machine's message (bounce, automatic reply, bulk, our own mail) is set aside: no case, no
   reply (screening.py).
5. A message joins a case only when it proves it belongs there: it answers one of our e-mails
   about the case (our Message-ID in In-Reply-To/References) from the case's own address, or it
   quotes the case's secret tracking link. A tracking code in the subject proves nothing (codes
   are numbered one after another), and neither does a From when the site's mail server says
   the sender failed SPF/DMARC (authentication.py). It joins as a clarification while the case
   is open, as a follow-up case within 14 days of closing. Anything else opens a new case,
   which mentions the case it named.
6. A new case gets its receipt (tracking code and secret link) from submit_aspiration, which
   queues it in the outbox in the same transaction; its subject carries the code and the outbox
   keeps its Message-ID, so the customer's reply to it finds the case again (step 5). The
   outbox holds it back when the address had too many automatic messages lately, and the intake
   does when the sender was not verified.
7. The attached files go through the checks of the web form's (type by content, metadata
   removed, size and number) and are stored with the case; a file that fails is named in the
   case's text with the reason, and stays in the raw copy.

Steps 3-7 run in one transaction with the InboundMail row. A database that is locked or away
raises (the caller tells the MTA to try again later); any other failure is a fault of ours or
of this message, so the message is still stored, set aside as "failed", for someone to look at.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aspirasi.attachments.content import Refused
from aspirasi.attachments.services import Prepared, Staging, attach, max_files, prepare, staging
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
from aspirasi.cases.tracking import find_by_code_and_secret
from aspirasi.notifications.models import Message
from aspirasi.notifications.outbox import hold_back

from .authentication import sender_verdict
from .models import InboundMail
from .reading import ReadMail, read_message
from .screening import set_aside

log = logging.getLogger(__name__)

# The tracking code anywhere in a subject ("Re: [ASP-2026-000123] ...").
SUBJECT_CODE_RE = re.compile(r"\bASP-\d{4}-\d{6,}\b", re.IGNORECASE)
# The secret tracking link (public:track), quoted anywhere in the text or an href.
TRACKING_LINK_RE = re.compile(r"/lacak/(ASP-\d{4}-\d{6,})/([A-Za-z0-9_-]{16,})")
# Each quoted link costs a lookup; a message quoting more is not a customer's reply.
MAX_LINKS_TRIED = 5
# Nothing in an e-mail says what it is about; the Kabag TU routes "other" at step 8.
EMAIL_CATEGORY = "lainnya"
SUBJECT_MAX = 200

# The database is locked, unreachable or went away: the MTA should keep the message and retry.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class NotAMessage(ValueError):
    """The input is empty: there is nothing to keep."""


class TooLarge(ValueError):
    """The message is larger than ASPIRASI_MAIL_MAX_BYTES: refused, nothing kept."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(
            f"over the size limit: the message is {_size(size)}, larger than the "
            f"{_size(limit)} this address accepts; send large files as a link, or in "
            "several e-mails"
        )


def _size(size: int) -> str:
    # Not filesizeformat: the bounce text is English whatever language the process runs in.
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


@dataclass(frozen=True)
class Named:
    """The case a message names, and how: "link" (its secret link), "thread" (our Message-ID)
    or "code" (its tracking code in the subject)."""

    case: Aspiration
    by: str


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
    input, TooLarge for one over the size limit, and the database's
    OperationalError/InterfaceError when it is locked or away."""
    if not raw or not raw.strip():
        raise NotAMessage("the input is empty")
    if len(raw) > settings.ASPIRASI_MAIL_MAX_BYTES:
        raise TooLarge(len(raw), settings.ASPIRASI_MAIL_MAX_BYTES)
    now = now or timezone.now()
    if arrived_at is None or arrived_at > now:
        arrived_at = now
    mail = read_message(raw)
    earlier = _earlier(mail)
    if earlier is not None:
        return Received(earlier, duplicate=True)
    with translation.override(settings.LANGUAGE_CODE):
        # Checked before the transaction: cleaning large files takes a while, during which
        # SQLite's write lock would hold up every other writer. A machine's mail keeps its files
        # in the raw copy only.
        files = _checked_files(mail) if set_aside(mail) is None else CheckedFiles([], [])
        try:
            # The files are staged outside the transaction, so a failure at commit removes them.
            with staging() as stage, transaction.atomic():
                return Received(
                    _take(mail, raw, files, via=via, now=now, arrived_at=arrived_at, stage=stage)
                )
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
    # The same bytes also find a message fingerprinted by an earlier version of the intake.
    return (
        InboundMail.objects.defer("raw")
        .select_related("aspiration")
        .filter(Q(fingerprint=mail.fingerprint) | Q(sha256=mail.sha256))
        .order_by("pk")
        .first()
    )


def _take(
    mail: ReadMail,
    raw: bytes,
    files: CheckedFiles,
    *,
    via: str,
    now: dt.datetime,
    arrived_at,
    stage: Staging,
) -> InboundMail:
    ours = bool(mail.message_id) and Message.objects.filter(message_id=mail.message_id).exists()
    aside = set_aside(mail, ours=ours)
    notes = list(mail.notes)
    if aside is not None:
        notes.insert(0, f"set aside by {aside.rule}")
        return _record(
            mail, raw, via=via, now=now, outcome="set_aside", reason=aside.reason, notes=notes
        )

    verdict = sender_verdict(mail)
    unverified = verdict is not None and not verdict.verified
    if unverified:
        notes.insert(0, f"sender not verified: {verdict.detail}")
    named = _named_case(mail)
    proven = named is not None and not unverified and _proves_case(mail, named)
    if proven:
        joined = _join(mail, raw, named.case, files, via=via, now=now, stage=stage, notes=notes)
        if joined is not None:
            return joined

    text = _case_text(mail.text, files)
    if named is not None:
        mention = _why_not_joined(named, proven=proven, unverified=unverified)
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
    attach(submitted.aspiration, files.accepted, stage=stage, now=now)
    if unverified:
        # The From may be someone else's address: mailing it a receipt would let anyone make
        # the faculty write to anyone.
        hold_back(submitted.aspiration, Message.HeldReason.UNVERIFIED_SENDER)
    return _opened(
        mail,
        raw,
        submitted,
        via=via,
        now=now,
        refers_to=named.case if named else None,
        notes=notes,
        unverified=unverified,
    )


def _proves_case(mail: ReadMail, named: Named) -> bool:
    """The secret link is proof enough; our Message-ID only from the address we wrote to; a
    tracking code never (anyone can guess the next number)."""
    if named.by == "link":
        return True
    return named.by == "thread" and bool(mail.sender) and mail.sender == named.case.customer_email


def _join(
    mail: ReadMail, raw: bytes, case: Aspiration, files: CheckedFiles, *, via, now, stage, notes
) -> InboundMail | None:
    """The message joins its case (or the case's open follow-up), or opens its follow-up;
    None when the case takes neither any more."""
    target = _open_follow_up_of(case) if case.status == Status.CLOSED else case
    if target is not None:
        clarification = add_clarification(
            target,
            _clarification_text(mail, files),
            source="email",
            email_message_id=mail.message_id,
            now=now,
        )
        attach(target, files.accepted, stage=stage, now=now)
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
    if may_follow_up(case, now):
        submitted = open_follow_up(
            case, _case_text(mail.text, files), channel=Channel.EMAIL, now=now
        )
        attach(submitted.aspiration, files.accepted, stage=stage, now=now)
        return _opened(mail, raw, submitted, via=via, now=now, refers_to=case, notes=notes)
    return None


def _why_not_joined(named: Named, *, proven: bool, unverified: bool) -> str:
    code = named.case.tracking_code
    if unverified:
        return _(
            "This e-mail refers to case %(code)s, but the mail server could not verify its "
            "sender, so it was opened as a new case."
        ) % {"code": code}
    if named.by == "code":
        return _(
            "This e-mail names case %(code)s in its subject, but it does not answer our e-mail "
            "about that case nor quote its secret link, so it was opened as a new case."
        ) % {"code": code}
    if not proven:
        return _(
            "This e-mail refers to case %(code)s but came from another address, so it "
            "was opened as a new case."
        ) % {"code": code}
    return _(
        "This e-mail refers to case %(code)s, which takes no follow-up any more (only "
        "one, within %(days)s days of its answer), so it was opened as a new case."
    ) % {"code": code, "days": FOLLOW_UP_DAYS}


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


def _opened(
    mail, raw, submitted: Submitted, *, via, now, refers_to, notes, unverified=False
) -> InboundMail:
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
        unverified=unverified,
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
    unverified=False,
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
        unverified=unverified,
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


def _named_case(mail: ReadMail) -> Named | None:
    """The case the message names: by a secret link it quotes, by our Message-ID in its
    threading headers (the nearest first), else by a tracking code in its subject."""
    case = _case_by_link(mail)
    if case is not None:
        return Named(case, "link")
    thread = [*mail.in_reply_to, *reversed(mail.references)]
    if thread:
        found = dict(
            Message.objects.filter(message_id__in=thread, aspiration__isnull=False).values_list(
                "message_id", "aspiration_id"
            )
        )
        for message_id in thread:
            if message_id in found:
                return Named(Aspiration.objects.get(pk=found[message_id]), "thread")
    for code in SUBJECT_CODE_RE.findall(mail.subject):
        case = Aspiration.objects.filter(tracking_code=code.upper()).first()
        if case is not None:
            return Named(case, "code")
    return None


def _case_by_link(mail: ReadMail) -> Aspiration | None:
    """The case whose secret link the message quotes. Never an anonymous case: joining it would
    tie the sender's address to a case that keeps no identity."""
    tried = set()
    for code, secret in TRACKING_LINK_RE.findall(mail.link_text):
        if (code, secret) in tried:
            continue
        if len(tried) >= MAX_LINKS_TRIED:
            break
        tried.add((code, secret))
        case = find_by_code_and_secret(code, secret)
        if case is not None and case.privacy != Privacy.ANONYMOUS:
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


@dataclass(frozen=True)
class CheckedFiles:
    """The message's files that passed the web form's checks, and why each other one did not."""

    accepted: list[Prepared]
    refused: list[str]


def _checked_files(mail: ReadMail) -> CheckedFiles:
    accepted: list[Prepared] = []
    refused: list[str] = []
    for part in mail.files:
        if len(accepted) >= max_files():
            refused.append(
                _("%(name)s: an e-mail brings at most %(n)s files to its case.")
                % {"name": part.name, "n": max_files()}
            )
            continue
        upload = SimpleUploadedFile(part.name, part.data, content_type=part.content_type)
        try:
            accepted += prepare([upload], privacy=Privacy.NORMAL)
        except Refused as exc:
            refused.append(exc.message)
        except Exception:
            # A file no check foresaw must not cost the message its case: it stays in the raw
            # copy, named as refused.
            log.exception(
                "attachment %r of e-mail %s could not be checked", part.name, mail.message_id
            )
            refused.append(
                _("%(name)s could not be checked, so it was not stored.") % {"name": part.name}
            )
    return CheckedFiles(accepted, refused)


def _case_text(text: str, files: CheckedFiles) -> str:
    parts = [text] if text else []
    if files.accepted:
        parts.append(
            _("Stored as attachments of the case: %(names)s")
            % {"names": ", ".join(f.original_name for f in files.accepted)}
        )
    if files.refused:
        parts.append(
            _("Not stored (kept with the original e-mail): %(reasons)s")
            % {"reasons": " ".join(files.refused)}
        )
    if not parts:
        parts.append(_("(The e-mail has no text.)"))
    return "\n\n".join(parts)


_ATTRIBUTION = re.compile(
    r"^\s*(on\b.*\bwrote:|pada\b.*\bmenulis:|-+\s*(original message|pesan asli)\s*-+)\s*$",
    re.IGNORECASE,
)


_WROTE = re.compile(r"\b(wrote|menulis|schrieb|a écrit):\s*$", re.IGNORECASE)


def _clarification_text(mail: ReadMail, files: CheckedFiles) -> str:
    """What the customer added: the quoted thread below it is dropped (it is in the raw copy)."""
    text = _case_text(_without_quote(mail.text), files)
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
