"""The SOP engine: which actions are open on a case, and performing one.

Plain Python, no HTTP. Everything about a step (who, what it needs, where it leads, its time
standard and output) comes from the SOP file; this module only knows how to carry it out.
Every move is one transaction that starts with a conditional UPDATE on the case's version, so two
officials acting at once cannot both win, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.clock.working_time import WorkingCalendar
from aspirasi.officials.capacity import Capacity, capacity_for
from aspirasi.sop.definition import CLOSED, Action, Closure, Sop, Step
from aspirasi.sop.registry import current_sop

from .choices import Delivery, RecordKind, Status
from .events import case_moved
from .models import Aspiration, Report, Response, StepRecord, SupportingInfo

MAX_TEXT = 20_000


class ActionRefused(Exception):
    """The action cannot be done; `message` says why, in the user's language."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotPermitted(ActionRefused):
    pass


class CaseMovedOn(ActionRefused):
    pass


class Incomplete(ActionRefused):
    pass


@dataclass(frozen=True)
class ActionInput:
    """What an official supplies with an action; which fields count depends on its `requires`."""

    text: str = ""
    reason: str = ""
    vice_dean: str = ""
    duplicate_of: str = ""
    # How a published response reached the customer (Delivery); empty: by e-mail when the
    # customer gave an address, else on the tracking page.
    delivered_via: str = ""
    # With a deferral: an optional short message telling the customer the case goes on.
    holding_message: str = ""
    # Called with the response the action writes or sends, in its transaction and before
    # anyone is told: the desk attaches the response's file (a signed letter) here, so the
    # customer's e-mail can say it is there.
    with_response: Callable[[Response], None] | None = None


@dataclass(frozen=True)
class OpenAction:
    name: str
    label: str
    kind: str
    requires: frozenset[str]
    step: Step
    capacity: Capacity
    definition: Action | Closure = field(repr=False)

    @property
    def closes(self) -> bool:
        return self.kind == RecordKind.CLOSURE or self.definition.to == CLOSED


# ---------------------------------------------------------------------------------------------
# Reading: what may happen next


def open_actions(case: Aspiration, user, *, on: dt.date | None = None) -> list[OpenAction]:
    """The actions this user may take on the case now (empty for everyone on a closed case)."""
    if case.status != Status.OPEN:
        return []
    capacity = capacity_for(user, case.current_position, on)
    if capacity is None:
        return []
    sop = case.sop
    step = sop.step(case.current_step)
    actions = [
        OpenAction(a.name, a.label, RecordKind.STEP, a.requires, step, capacity, a)
        for a in step.actions
    ]
    actions += [
        OpenAction(c.name, c.label, RecordKind.CLOSURE, c.requires, step, capacity, c)
        for c in sop.closures.values()
    ]
    return actions


def vice_dean_choices(sop: Sop | None = None) -> list[tuple[str, str]]:
    """Positions a case can be routed to at the step that requires `route` (in a case's
    revision, by default the one in force)."""
    sop = sop or current_sop()
    routed_roles = {s.actor for s in sop.case_steps() if len(sop.positions_of_role(s.actor)) > 1}
    return [(p.code, p.name) for p in sop.positions.values() if p.role in routed_roles]


# ---------------------------------------------------------------------------------------------
# Writing: performing an action


def perform(
    case: Aspiration,
    user,
    name: str,
    data: ActionInput | None = None,
    *,
    now: dt.datetime | None = None,
) -> Aspiration:
    """Do action `name` on the case as `user`; returns the case as it is afterwards."""
    data = data or ActionInput()
    now = now or timezone.now()
    if case.status != Status.OPEN:
        raise CaseMovedOn(_("This case is closed; it can no longer change."))
    action = _find_open_action(case, user, name, now)
    if isinstance(action.definition, Action) and action.definition.receives_report:
        if case.report_id is None:
            raise Incomplete(_("This case is not in a report yet."))
        receive_report(case.report, user, now=now)
        case.refresh_from_db()
        return case
    if isinstance(action.definition, Action) and action.definition.creates_report:
        report_to_dean([case], user, summary=data.text, now=now)
        case.refresh_from_db()
        return case
    _check_requirements(case, action, data)
    calendar = faculty_calendar()
    with transaction.atomic():
        _move(case, user, action, data, now, calendar)
    return case


def _find_open_action(case: Aspiration, user, name: str, now: dt.datetime) -> OpenAction:
    on = timezone.localdate(now)
    if capacity_for(user, case.current_position, on) is None:
        raise NotPermitted(
            _("Only the %(position)s (or its acting official) may act at this step.")
            % {"position": case.position_name}
        )
    for action in open_actions(case, user, on=on):
        if action.name == name:
            return action
    raise NotPermitted(
        _("“%(action)s” is not an action of step %(step)s.")
        % {"action": name, "step": case.current_step}
    )


def _check_requirements(case: Aspiration, action: OpenAction, data: ActionInput) -> None:
    errors: dict[str, str] = {}
    needs = action.requires
    for field_name in ("text", "reason", "holding_message"):
        if len(getattr(data, field_name)) > MAX_TEXT:
            errors[field_name] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
    if data.delivered_via and data.delivered_via not in Delivery.values:
        errors["delivered_via"] = _("Choose how the response reached the customer.")
    if data.holding_message.strip() and getattr(action.definition, "kind", None) != "deferral":
        errors["holding_message"] = _("Only a deferral carries a holding message.")
    if {"response", "supporting_info"} & needs and not data.text.strip():
        errors["text"] = (
            _("Write the response.")
            if "response" in needs
            else _("Write the supporting information.")
        )
    if "reason" in needs and not data.reason.strip():
        errors["reason"] = _("Write the reason.")
    if "route" in needs and data.vice_dean not in dict(vice_dean_choices(case.sop)):
        errors["route"] = _("Choose the vice dean to forward to.")
    if "has_supporting_info" in needs and not _current_supporting_info(case):
        errors["text"] = _("There is no supporting information for this round yet.")
    source = getattr(action.definition, "uses_response_of", None)
    if source is not None and not _response_of(case, source):
        errors["text"] = _("There is no response from step %(step)s yet.") % {"step": source}
    if "duplicate_of" in needs:
        original = _duplicate_target(case, data.duplicate_of)
        if original is None:
            errors["duplicate_of"] = _("Give the tracking code of another, existing case.")
    if errors:
        raise Incomplete(_("The step is not complete yet."), errors)


def _response_of(case: Aspiration, step: int) -> Response | None:
    return case.responses.filter(step=step).order_by("-written_at", "-id").first()


def _current_supporting_info(case: Aspiration) -> SupportingInfo | None:
    if not case.validation_round:
        return None
    return case.supporting_infos.filter(round=case.validation_round).first()


def _duplicate_target(case: Aspiration, code: str) -> Aspiration | None:
    code = (code or "").strip().upper()
    if not code or code == case.tracking_code:
        return None
    return Aspiration.objects.filter(tracking_code=code).first()


def position_for_step(step_number: int, vice_dean: str, sop: Sop) -> str:
    """The position a case waits on at a step of its revision: the role's only position, or
    the routed one."""
    positions = [p.code for p in sop.positions_of_role(sop.step(step_number).actor)]
    if len(positions) == 1:
        return positions[0]
    if vice_dean in positions:
        return vice_dean
    raise Incomplete(_("Choose the vice dean to forward to."), {"route": _("Required.")})


def _move(
    case: Aspiration,
    user,
    action: OpenAction,
    data: ActionInput,
    now: dt.datetime,
    calendar: WorkingCalendar,
    *,
    report: Report | None = None,
) -> None:
    """Move the case one action on: guarded update, trail record, and the action's outputs.

    Must run inside a transaction. Raises CaseMovedOn when someone else moved the case first.
    """
    sop = case.sop
    step = action.step
    definition = action.definition
    vice_dean = case.vice_dean_position
    updates: dict = {}
    if "route" in action.requires:
        vice_dean = data.vice_dean
    if isinstance(definition, Action) and definition.unroute:
        vice_dean = ""
    updates["vice_dean_position"] = vice_dean

    closes = action.kind == RecordKind.CLOSURE or definition.to == CLOSED
    if closes:
        next_step, next_position = None, ""
        updates.update(
            status=Status.CLOSED,
            closure=definition.path if action.kind == RecordKind.STEP else definition.name,
            closed_at=now,
            step_arrived_at=None,
            step_due_at=None,
        )
        if "duplicate_of" in action.requires:
            updates["duplicate_of"] = _duplicate_target(case, data.duplicate_of)
    else:
        next_step = definition.to
        next_position = position_for_step(next_step, vice_dean, sop)
        standard = sop.step(next_step).time.working_seconds(calendar.seconds_per_day)
        updates.update(
            step_arrived_at=now,
            step_due_at=calendar.add(now, standard) if standard is not None else None,
        )
    updates.update(current_step=next_step, current_position=next_position)
    if "supporting_info" in action.requires:
        updates["validation_round"] = case.validation_round + 1
    publishes = isinstance(definition, Action) and definition.publishes_response
    if publishes and case.answered_at is None:
        updates["answered_at"] = now
    if report is not None:
        updates.update(report=report)

    # The guard names the step the action belongs to, not whatever the object says now: a
    # stale or twice-listed object can never move the case from another step.
    moved = Aspiration.objects.filter(
        pk=case.pk, version=case.version, status=Status.OPEN, current_step=step.number
    ).update(version=F("version") + 1, **updates)
    if moved != 1:
        raise CaseMovedOn(
            _("Case %(code)s has moved on since you opened it; reload it to see where it is now.")
            % {"code": case.tracking_code}
        )

    arrived = case.step_arrived_at
    taken = calendar.between(arrived, now)
    standard = step.time.working_seconds(calendar.seconds_per_day)
    note = data.reason.strip()
    # What this action produced: a deferral is a deferral, a failed validation is not
    # "validated" (the step's standard output stays in the SOP beside it).
    output = (
        definition.label_id if action.kind == RecordKind.CLOSURE else step.output_of(definition)[0]
    )
    record = StepRecord.objects.create(
        aspiration=case,
        seq=case.version + 1,
        kind=action.kind,
        step=step.number,
        step_key=step.key,
        action=action.name,
        position=case.current_position,
        actor=user,
        actor_name=user.get_full_name() or user.get_username(),
        acting_for=case.current_position if action.capacity.acting else "",
        arrived_at=arrived,
        done_at=now,
        working_seconds=taken,
        standard_seconds=standard,
        standard_text=step.time.text,
        met=None if standard is None or action.kind == RecordKind.CLOSURE else taken <= standard,
        output=output,
        note=note,
        customer_message=data.holding_message.strip(),
        next_step=next_step,
        next_position=next_position,
    )
    _write_outputs(case, user, action, data, now)
    case.refresh_from_db()
    # Told in this same transaction: the outbox and the search index write their rows here.
    case_moved.send(sender=Aspiration, case=case, record=record)


def _write_outputs(
    case: Aspiration, user, action: OpenAction, data: ActionInput, now: dt.datetime
) -> None:
    definition = action.definition
    needs = action.requires
    if "supporting_info" in needs:
        SupportingInfo.objects.create(
            aspiration=case,
            round=case.validation_round + 1,
            text=data.text.strip(),
            prepared_by=user,
            prepared_at=now,
        )
    if isinstance(definition, Action) and definition.verdict:
        SupportingInfo.objects.filter(aspiration=case, round=case.validation_round).update(
            verdict=definition.verdict,
            verdict_note=data.reason.strip(),
            judged_by=user,
            judged_at=now,
        )
    response = None
    if "response" in needs:
        response = Response.objects.create(
            aspiration=case,
            step=action.step.number,
            text=data.text.strip(),
            author=user,
            author_name=user.get_full_name() or user.get_username(),
            position=case.current_position,
            acting_for=case.current_position if action.capacity.acting else "",
            written_at=now,
            published_at=now if definition.publishes_response else None,
            published_by=user if definition.publishes_response else None,
            delivered_via=_delivery(case, data) if definition.publishes_response else "",
        )
    elif isinstance(definition, Action) and definition.publishes_response:
        draft = _response_of(case, definition.uses_response_of)
        changes = {
            "published_at": now,
            "published_by": user,
            "delivered_via": _delivery(case, data),
        }
        if data.text.strip() and draft.position == case.current_position:
            # The drafting desk may polish its own draft before it goes out; until now nobody
            # outside the faculty has seen it, so the draft itself becomes the final text.
            changes["text"] = data.text.strip()
        Response.objects.filter(pk=draft.pk).update(**changes)
        response = draft
    if response is not None and data.with_response is not None:
        data.with_response(response)


def _delivery(case: Aspiration, data: ActionInput) -> str:
    if data.delivered_via:
        return data.delivered_via
    return Delivery.EMAIL if case.customer_email else Delivery.TRACKING_PAGE


# ---------------------------------------------------------------------------------------------
# Step 12 and 13: batched reports (decision 5)


def report_to_dean(
    cases: Iterable[Aspiration], user, *, summary: str = "", now: dt.datetime | None = None
) -> Report:
    """A vice dean reports many answered cases to the Dean in one report (step 12)."""
    now = now or timezone.now()
    # A case listed twice is reported once; cases move in primary-key order so that two
    # reports of the same cases lock them in the same order and cannot deadlock.
    cases = sorted({c.pk: c for c in cases}.values(), key=lambda c: c.pk)
    if not cases:
        raise Incomplete(_("Choose at least one case to report."), {"cases": _("Required.")})
    actions = [_find_open_action(c, user, _report_action_name(c), now) for c in cases]
    positions = {c.current_position for c in cases}
    if len(positions) != 1:
        raise Incomplete(_("One report holds the cases of one vice dean only."))
    calendar = faculty_calendar()
    with transaction.atomic():
        report = Report.objects.create(
            position=positions.pop(),
            author=user,
            author_name=user.get_full_name() or user.get_username(),
            created_at=now,
            summary=summary.strip(),
        )
        for case, action in zip(cases, actions, strict=True):
            _move(case, user, action, ActionInput(), now, calendar, report=report)
    return report


def receive_report(report: Report, user, *, now: dt.datetime | None = None) -> Report:
    """The Dean receives a report (step 13); that completes every case in it."""
    now = now or timezone.now()
    desks = current_sop().positions_with("receives_reports")
    on = timezone.localdate(now)
    # Checked on the report itself, not only through its cases: a report whose cases were all
    # closed meanwhile is still the Dean's alone to receive.
    if not any(capacity_for(user, desk, on) for desk in desks):
        raise NotPermitted(_("Only the Dean (or the acting Dean) receives reports."))
    cases = list(report.aspirations.filter(status=Status.OPEN).order_by("pk"))
    actions = [_find_open_action(c, user, _report_action_name(c), now) for c in cases]
    calendar = faculty_calendar()
    with transaction.atomic():
        received = Report.objects.filter(pk=report.pk, received_at__isnull=True).update(
            received_at=now, received_by=user
        )
        if received != 1:
            raise CaseMovedOn(_("This report has already been received."))
        for case, action in zip(cases, actions, strict=True):
            _move(case, user, action, ActionInput(), now, calendar)
    report.refresh_from_db()
    return report


def _report_action_name(case: Aspiration) -> str:
    step = case.step
    for action in step.actions if step else ():
        if action.creates_report or action.receives_report:
            return action.name
    raise NotPermitted(
        _("Case %(code)s is not at a reporting step.") % {"code": case.tracking_code}
    )
