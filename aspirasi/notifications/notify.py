"""What the case engine and intake call: decide who is told what about a change, and enqueue
it in the change's own transaction. The engine knows nothing of messages beyond these calls."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aspirasi.cases.choices import RecordKind, Status

from . import compose
from .models import DeadlineWarning
from .outbox import enqueue
from .recipients import officials_of


def notify_case_received(case, secret: str, *, entered_by=None, now: dt.datetime | None = None):
    """A case was opened: the customer's receipt (tracking code and secret link), and the
    officials of the desk it waits at, unless the one who entered it holds that desk."""
    now = now or timezone.now()
    if case.customer_email:
        enqueue(
            compose.receipt(case, secret),
            key=f"case:{case.pk}:receipt:customer",
            aspiration=case,
            now=now,
        )
    _tell_desk(case, key=f"case:{case.pk}:v{case.version}:arrived", now=now, skip=entered_by)


def notify_case_moved(case, record) -> None:
    """The engine moved a case one action on (`record` is the new line of its trail; `case` is
    already as it is afterwards)."""
    _settle_warnings(case, record.done_at)
    sop = case.sop
    now = record.done_at
    action = sop.step(record.step).action(record.action) if record.kind == RecordKind.STEP else None
    closed = record.next_step is None
    prefix = f"case:{case.pk}:seq:{record.seq}"
    customer = case.customer_email

    if action is not None and action.publishes_response and customer:
        response = (
            case.responses.filter(published_at__isnull=False)
            .order_by("-published_at", "-id")
            .first()
        )
        enqueue(
            compose.response_given(case, response, closed=closed),
            key=f"{prefix}:response_given:customer",
            aspiration=case,
            now=now,
        )
    if record.customer_message and customer:
        enqueue(
            compose.holding_message(case, record.customer_message),
            key=f"{prefix}:holding_message:customer",
            aspiration=case,
            now=now,
        )
    if closed:
        said_closed = action is not None and action.publishes_response
        # A closure outside the flow is explained to the customer as the SOP file says
        # (a spammer is told nothing); a path's last step says what it needs to itself.
        closure = sop.closures.get(case.closure)
        if customer and not said_closed and (closure is None or closure.tells_customer):
            enqueue(
                compose.case_closed(
                    case,
                    reason=record.note,
                    original_code=case.duplicate_of.tracking_code if case.duplicate_of_id else "",
                ),
                key=f"{prefix}:case_closed:customer",
                aspiration=case,
                now=now,
            )
        if customer and sop.closed_in_flow(case.closure):
            enqueue(
                compose.survey_invitation(case),
                key=f"case:{case.pk}:survey_invitation:customer",
                aspiration=case,
                now=now,
            )
        return
    if record.next_position == record.position:
        return  # the same desk goes on with the next step: nobody new to tell
    if action is not None and action.creates_report and case.report_id:
        # Step 12 reports many cases at once: the Dean hears of the report once, not per case.
        for user in officials_of(record.next_position, timezone.localdate(now)):
            enqueue(
                compose.report_arrived(case.report, user),
                key=f"report:{case.report_id}:arrived:user{user.pk}",
                now=now,
            )
        return
    _tell_desk(case, key=f"{prefix}:arrived", now=now, skip=record.actor)


def _tell_desk(case, *, key: str, now: dt.datetime, skip=None) -> None:
    if not case.current_position or case.current_step is None:
        return
    for user in officials_of(case.current_position, timezone.localdate(now)):
        if skip is not None and user.pk == skip.pk:
            continue
        enqueue(
            compose.case_arrived(case, user),
            key=f"{key}:user{user.pk}",
            aspiration=case,
            now=now,
        )


def notify_clarification(case, clarification) -> None:
    """The customer clarified an open case: whoever holds it now hears of it."""
    now = clarification.received_at
    for user in officials_of(case.current_position, timezone.localdate(now)):
        enqueue(
            compose.clarification_arrived(case, clarification, user),
            key=f"clarification:{clarification.pk}:user{user.pk}",
            aspiration=case,
            now=now,
        )


def _settle_warnings(case, now: dt.datetime) -> None:
    """The case left a visit: the warnings about it are settled (the inbox shows unsettled ones).
    A new visit of the same step (a case back at step 4) has its own arrival time, so only its
    own warnings stay open."""
    unsettled = DeadlineWarning.objects.filter(aspiration=case, settled_at__isnull=True)
    if case.status == Status.OPEN:
        unsettled = unsettled.exclude(step=case.current_step, step_arrived_at=case.step_arrived_at)
    unsettled.update(settled_at=now)
