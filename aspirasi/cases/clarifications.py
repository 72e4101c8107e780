"""What the customer sends about a case after opening it (decision 15)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Status
from .engine import Incomplete
from .events import case_clarified
from .intake import AspirationInput, Submitted, submit_aspiration
from .models import Aspiration, Clarification, OnceKey

MAX_CLARIFICATION = 5_000
FOLLOW_UP_DAYS = 14


def add_clarification(
    case: Aspiration,
    text: str,
    *,
    source: str,
    email_message_id: str = "",
    now: dt.datetime | None = None,
    once_key: str = "",
) -> Clarification | None:
    """Attach a customer's message to an open case; it waits for whoever holds the case.
    With `once_key` (a form's one-time key) a second sending adds nothing and returns None."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise Incomplete(_("Write your clarification."), {"text": _("Write your clarification.")})
    if len(text) > MAX_CLARIFICATION:
        raise Incomplete(
            _("At most %(n)s characters.") % {"n": MAX_CLARIFICATION},
            {"text": _("At most %(n)s characters.") % {"n": MAX_CLARIFICATION}},
        )
    if case.status != Status.OPEN:
        raise Incomplete(
            _("This case is closed; ask for a follow-up instead."),
            {"text": _("This case is closed; ask for a follow-up instead.")},
        )
    try:
        with transaction.atomic():
            if once_key:
                OnceKey.objects.create(key=once_key, aspiration=case, made_at=now)
            return _clarify(case, text, source, email_message_id, now)
    except IntegrityError:
        if once_key and OnceKey.objects.filter(key=once_key).exists():
            return None  # the same form again: its clarification is there already
        raise


def _clarify(case, text, source, email_message_id, now) -> Clarification:
    with transaction.atomic():
        clarification = Clarification.objects.create(
            aspiration=case,
            text=text,
            source=source,
            received_at=now,
            step=case.current_step,
            position=case.current_position,
            email_message_id=email_message_id,
        )
        # Told in the same transaction (the outbox).
        case_clarified.send(sender=Aspiration, case=case, clarification=clarification)
    return clarification


def may_follow_up(case: Aspiration, now: dt.datetime | None = None) -> bool:
    """A follow-up may be asked once, within 14 days of the case being closed on an SOP path
    (decision 15). A case closed as spam, duplicate, outside the remit or withdrawn was never
    answered, so there is nothing to follow up; the customer sends a new aspiration instead."""
    now = now or timezone.now()
    return (
        case.closed_in_flow
        and case.closed_at is not None
        and now - case.closed_at <= dt.timedelta(days=FOLLOW_UP_DAYS)
        and not case.follow_ups.exists()
    )


@transaction.atomic
def open_follow_up(
    case: Aspiration, text: str, *, channel: str, now: dt.datetime | None = None
) -> Submitted:
    """A new case linked to a closed one, carrying over the customer and category."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise Incomplete(_("Write what you still need."), {"text": _("Write what you still need.")})
    # Checked again under the case's row lock (on SQLite the transaction already holds the write
    # lock): two requests at once must not both open a follow-up.
    case = Aspiration.objects.select_for_update().get(pk=case.pk)
    if not may_follow_up(case, now):
        message = _("This case takes no follow-up any more.")
        raise Incomplete(message, {"text": message})
    submitted = submit_aspiration(
        AspirationInput(
            channel=channel,
            category=case.category,
            subject=(
                _("Follow-up of %(code)s: %(subject)s")
                % {"code": case.tracking_code, "subject": case.subject}
            )[:200],
            body=text,
            privacy=case.privacy,
            customer_name=case.customer_name,
            customer_type=case.customer_type,
            customer_number=case.customer_number,
            customer_email=case.customer_email,
            customer_phone=case.customer_phone,
            language=case.language,
        ),
        now=now,
    )
    Aspiration.objects.filter(pk=submitted.aspiration.pk).update(follow_up_of=case)
    submitted.aspiration.follow_up_of = case
    return submitted
