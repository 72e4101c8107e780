"""What the customer's side writes: an aspiration with its files, and fresh links for a
customer who lost theirs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aspirasi.attachments.services import Prepared, attach, staging
from aspirasi.cases.choices import Privacy
from aspirasi.cases.intake import AspirationInput, Once, Submitted, submit_aspiration
from aspirasi.cases.models import Aspiration
from aspirasi.cases.tracking import reissue_secret
from aspirasi.notifications.outbox import Outgoing, enqueue

# A lost-link mail lists at most this many cases (the newest).
MAX_CASES_PER_MAIL = 50


def submit_with_attachments(
    data: AspirationInput,
    prepared: list[Prepared],
    *,
    now: dt.datetime | None = None,
    once: Once | None = None,
) -> Submitted:
    """Open a case and store its files in one transaction: both or neither. Raises
    AlreadySubmitted when the form's one-time key made a case before."""
    with staging() as stage, transaction.atomic():
        submitted = submit_aspiration(data, now=now, once=once)
        attach(submitted.aspiration, prepared, stage=stage, now=submitted.aspiration.entered_at)
    return submitted


def send_links_again(
    email: str,
    *,
    link_for: Callable[[str, str], str],
    language: str = "id",
    now: dt.datetime | None = None,
) -> bool:
    """Mail a fresh link for each case of this address, in one message. Returns whether a mail
    was enqueued; callers must not tell the visitor, so that the page never says whether an
    address is known.

    Only the hash of a secret is stored, so "sending the link again" means issuing another one;
    the earlier links keep working (a stranger who knows the address cannot cut the customer
    off), and closed cases get one too, so their answers and the survey stay reachable.
    """
    now = now or timezone.now()
    email = (email or "").strip().lower()
    if not email:
        return False
    cases = list(
        Aspiration.objects.filter(customer_email=email)
        .exclude(privacy=Privacy.ANONYMOUS)
        .order_by("-arrived_at")[:MAX_CASES_PER_MAIL]
    )
    if not cases:
        return False
    with transaction.atomic():
        links = [
            (case, link_for(case.tracking_code, reissue_secret(case, now)))
            for case in reversed(cases)
        ]
        with translation.override(language):
            subject = _("Your aspiration tracking links")
            body = render_to_string("public/email/lost_links.txt", {"links": links})
        enqueue(
            Outgoing(
                kind="lost_links", to=email, subject=subject, text_body=body, language=language
            ),
            key=f"lost-links:{uuid.uuid4().hex}",
            now=now,
        )
    return True
