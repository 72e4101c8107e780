"""Opening a case: a web or e-mail aspiration, or one the clerk types in (step 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop, revision_in_force, sop_of_revision

from .choices import SELF_SERVICE_CHANNELS, Channel, Privacy
from .engine import ActionInput, Incomplete, NotPermitted, perform, position_for_step
from .events import case_received
from .models import Aspiration, Category, OnceKey
from .tracking import hash_secret, new_secret, next_tracking_code


@dataclass(frozen=True)
class AspirationInput:
    channel: str
    category: Category
    subject: str
    body: str
    privacy: str = Privacy.NORMAL
    customer_name: str = ""
    customer_type: str = ""
    customer_number: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    desired_outcome: str = ""
    public_consent: bool = False
    language: str = "id"
    arrived_at: dt.datetime | None = None  # for late entry (decision 17); default: now


@dataclass(frozen=True)
class Once:
    """A form's one-time key as stored (purpose and key) and the secret derived from it."""

    key: str
    secret: str


class AlreadySubmitted(Exception):
    """The form was sent before with this key; `aspiration` is the case it made then."""

    def __init__(self, aspiration: Aspiration):
        super().__init__(aspiration.tracking_code)
        self.aspiration = aspiration


def made_by(once: Once | None) -> Aspiration | None:
    """The case an earlier sending of this form made, if any."""
    if once is None:
        return None
    found = OnceKey.objects.filter(key=once.key).select_related("aspiration").first()
    return found.aspiration if found else None


@dataclass(frozen=True)
class Submitted:
    aspiration: Aspiration
    secret: str  # shown once and e-mailed; only its hash is stored


def submit_aspiration(
    data: AspirationInput,
    *,
    entered_by=None,
    now: dt.datetime | None = None,
    once: Once | None = None,
) -> Submitted:
    """Open a case at the SOP's entry step.

    Web and e-mail aspirations wait there for the clerk to receive them. One the clerk types in
    (paper, phone, notice board...) completes the entry step at once, its clock running from
    when it really arrived.
    """
    now = now or timezone.now()
    if (earlier := made_by(once)) is not None:
        raise AlreadySubmitted(earlier)
    arrived = data.arrived_at or now
    # The case follows the revision in force when it really arrived, to its end.
    revision = revision_in_force(arrived)
    sop = sop_of_revision(revision) if revision is not None else current_sop()
    _validate(data, entered_by, arrived, now, sop)
    try:
        return _open(data, entered_by, now, arrived, revision, sop, once)
    except IntegrityError:
        # The same form sent twice at once: the first one's key is in, and its case stands.
        if (earlier := made_by(once)) is not None:
            raise AlreadySubmitted(earlier) from None
        raise


def _open(
    data: AspirationInput,
    entered_by,
    now: dt.datetime,
    arrived: dt.datetime,
    revision: int | None,
    sop: Sop,
    once: Once | None,
) -> Submitted:
    entry = sop.entry_step
    identity = _identity(data)
    secret, secret_hash = (once.secret, hash_secret(once.secret)) if once else new_secret()
    calendar = faculty_calendar()
    standard = entry.time.working_seconds(calendar.seconds_per_day)
    with transaction.atomic():
        case = Aspiration.objects.create(
            tracking_code=next_tracking_code(timezone.localtime(arrived).year),
            secret_hash=secret_hash,
            sop_number=sop.number,
            revision_id=revision,
            channel=data.channel,
            category=data.category,
            privacy=data.privacy,
            subject=data.subject.strip(),
            body=data.body.strip(),
            desired_outcome=data.desired_outcome.strip(),
            public_consent=data.public_consent,
            language=data.language,
            arrived_at=arrived,
            entered_at=now,
            entered_by=entered_by,
            current_step=entry.number,
            current_position=position_for_step(entry.number, "", sop),
            step_arrived_at=arrived,
            step_due_at=calendar.add(arrived, standard) if standard is not None else None,
            **identity,
        )
        if once is not None:
            OnceKey.objects.create(key=once.key, aspiration=case, made_at=now)
        if entered_by is not None:
            receive = next(a for a in entry.actions if not a.closes)
            perform(case, entered_by, receive.name, ActionInput(), now=now)
        # The receipt holds the secret link, which exists only here: told in this transaction.
        case_received.send(
            sender=Aspiration, case=case, secret=secret, entered_by=entered_by, now=now
        )
    return Submitted(case, secret)


def _identity(data: AspirationInput) -> dict:
    if data.privacy == Privacy.ANONYMOUS:
        # Anonymous means no identity stored at all; the case is followed through its link.
        return {}
    return {
        "customer_name": data.customer_name.strip(),
        "customer_type": data.customer_type,
        "customer_number": data.customer_number.strip(),
        "customer_email": data.customer_email.strip().lower(),
        "customer_phone": data.customer_phone.strip(),
    }


def _validate(
    data: AspirationInput, entered_by, arrived: dt.datetime, now: dt.datetime, sop: Sop
) -> None:
    errors = {}
    if data.channel not in Channel.values:
        errors["channel"] = _("Choose a channel.")
    if not data.subject.strip():
        errors["subject"] = _("Write a subject.")
    if not data.body.strip():
        errors["body"] = _("Write your aspiration.")
    if data.privacy not in Privacy.values:
        errors["privacy"] = _("Choose a privacy level.")
    if arrived > now:
        errors["arrived_at"] = _("The arrival time cannot be in the future.")
    if errors:
        raise Incomplete(_("The aspiration is not complete yet."), errors)
    entry = sop.entry_step
    if data.channel in SELF_SERVICE_CHANNELS and entered_by is None:
        return
    if entered_by is None:
        raise NotPermitted(_("Aspirations from this channel are entered by the clerk."))
    from aspirasi.officials.capacity import capacity_for

    if (
        capacity_for(entered_by, position_for_step(entry.number, "", sop), timezone.localdate(now))
        is None
    ):
        raise NotPermitted(_("Only the clerk enters aspirations that arrive by other channels."))
