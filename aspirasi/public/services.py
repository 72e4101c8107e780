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
from aspirasi.cases.choices import Privacy, Status
from aspirasi.cases.intake import AspirationInput, Submitted, submit_aspiration
from aspirasi.cases.models import Aspiration
from aspirasi.cases.tracking import new_secret
from aspirasi.notifications.outbox import Outgoing, enqueue

# A lost-link mail lists at most this many cases (the newest).
MAX_CASES_PER_MAIL = 50


def submit_with_attachments(
    data: AspirationInput, prepared: list[Prepared], *, now: dt.datetime | None = None
) -> Submitted:
    """Open a case and store its files in one transaction: both or neither."""
    with staging() as stage, transaction.atomic():
        submitted = submit_aspiration(data, now=now)
        attach(submitted.aspiration, prepared, stage=stage, now=submitted.aspiration.entered_at)
    return submitted


def send_links_again(
    email: str,
    *,
    link_for: Callable[[str, str], str],
    language: str = "id",
    now: dt.datetime | None = None,
) -> bool:
    """Issue a fresh secret for each open case of this address and mail the new links in one
    message; closed cases are listed by their code (see the note in the report: an archived
    case cannot change, so its secret is not rotated). Returns whether a mail was enqueued;
    callers must not tell the visitor, so that the page never says whether an address is known.

    Only the hash of a secret is stored, so "sending the link again" means replacing it: the
    earlier links of the open cases stop working.
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
        fresh, closed = [], []
        for case in reversed(cases):
            if case.status == Status.OPEN:
                secret, secret_hash = new_secret()
                rotated = Aspiration.objects.filter(pk=case.pk, status=Status.OPEN).update(
                    secret_hash=secret_hash
                )
                if rotated:
                    fresh.append((case, link_for(case.tracking_code, secret)))
                    continue
            closed.append(case)
        with translation.override(language):
            subject = _("Your aspiration tracking links")
            body = render_to_string(
                "public/email/lost_links.txt", {"fresh": fresh, "closed": closed}
            )
        enqueue(
            Outgoing(
                kind="lost_links", to=email, subject=subject, text_body=body, language=language
            ),
            key=f"lost-links:{uuid.uuid4().hex}",
            now=now,
        )
    return True
