"""What the printed documents read: who may see a confidential identity, and a case's trail and a
report's signatures put in the SOP's words.

Step facts (activity, actor, completeness, time standard, output) come from the SOP revision the
case follows (case.sop); record facts (who, when, how long, met or not, notes) from the trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from aspirasi.cases.choices import RecordKind
from aspirasi.cases.models import Aspiration, Report, StepRecord
from aspirasi.cases.selectors import trail_of
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import approved_revisions, current_sop, sop_of_revision


# Decision 11: every view of a confidential case's identity leaves a line here.
def signed(name: str, position: str, acting_for: str, sop: Sop | None = None) -> str:
    """'Budi, a.n. Dekan' for an acting official (decision 8), else 'Budi, Dekan'."""
    positions = {**current_sop().positions, **(sop.positions if sop else {})}
    if acting_for:
        acted = positions.get(acting_for)
        return f"{name}, a.n. {acted.name if acted else acting_for}"
    held = positions.get(position)
    return f"{name}, {held.name if held else position}" if position else name


@dataclass(frozen=True)
class TrailRow:
    """One row of the step record, in the columns of the SOP's flow chart."""

    seq: int
    number: int
    is_closure: bool
    activity: str
    action: str
    note: str
    position: str
    needs: str
    standard: str
    working_seconds: int
    met: bool | None
    standard_output: str  # what the SOP's output column says of the step
    output: str  # what this action produced
    customer_message: str
    done_by: str
    done_at: dt.datetime


def trail_rows(case: Aspiration) -> list[TrailRow]:
    """Every record of the case's trail, in order, closures outside the flow included."""
    return [trail_row(record) for record in trail_of(case)]


def trail_row(record: StepRecord) -> TrailRow:
    sop = record.aspiration.sop
    step = sop.steps.get(record.step)
    position = sop.positions.get(record.position)
    if record.kind == RecordKind.CLOSURE:
        closure = sop.closures.get(record.action)
        label = closure.label if closure else record.output
        activity, action, needs, standard, standard_output, output = (
            _("Closure outside the SOP flow (at step %(step)s)") % {"step": record.step},
            label,
            "—",
            "—",
            "—",
            label,
        )
    else:
        definition = step.action(record.action) if step else None
        activity = step.activity if step else record.action
        action = definition.label if definition else record.action
        needs = step.needs if step else "—"
        standard = step.time.text if step else record.standard_text
        standard_output = step.output if step else "—"
        output = step.output_for(definition) if definition else record.output
    return TrailRow(
        seq=record.seq,
        number=record.step,
        is_closure=record.kind == RecordKind.CLOSURE,
        activity=activity,
        action=action,
        note=record.note,
        position=position.name if position else record.position,
        needs=needs,
        standard=standard,
        working_seconds=record.working_seconds,
        met=record.met,
        standard_output=standard_output,
        output=output,
        customer_message=record.customer_message,
        done_by=signed(record.actor_name, "", record.acting_for, sop),
        done_at=record.done_at,
    )


@dataclass(frozen=True)
class Signature:
    who: str
    when: dt.datetime | None


def report_signatures(report: Report) -> tuple[Signature, Signature | None]:
    """Who reported (step 12) and who received the report (step 13), as the trail recorded them:
    the trail knows whether they acted as Plh, the report itself does not."""
    sending = _step_keys(Sop.reporting_steps)
    receiving = _step_keys(Sop.report_receiving_steps)
    records = StepRecord.objects.filter(aspiration__report=report).order_by("seq", "id")
    sent = records.filter(step_key__in=sending, done_at=report.created_at).first()
    reporter = Signature(
        signed(report.author_name, report.position, sent.acting_for if sent else ""),
        report.created_at,
    )
    if report.received_at is None:
        return reporter, None
    got = records.filter(step_key__in=receiving, done_at=report.received_at).first()
    if got is not None:
        receiver_name = signed(got.actor_name, got.position, got.acting_for)
    elif report.received_by is not None:
        receiver_name = report.received_by.get_full_name() or report.received_by.get_username()
    else:
        receiver_name = "—"
    return reporter, Signature(receiver_name, report.received_at)


def _step_keys(pick) -> set[str]:
    """The keys of the steps `pick` chooses, in every revision."""
    keys = set()
    for revision in approved_revisions():
        sop = sop_of_revision(revision)
        keys.update(sop.step(number).key for number in pick(sop))
    return keys


def report_cases(report: Report, readable: Q | None = None) -> list[Aspiration]:
    """The report's cases; with `readable`, only those the reader may read (decision 11)."""
    cases = report.aspirations.all() if readable is None else report.aspirations.filter(readable)
    return list(
        cases.select_related("category").prefetch_related("responses").order_by("tracking_code")
    )


def received_by(case: Aspiration) -> str:
    """Who did the entry step (step 2) of the case, as the trail recorded it."""
    entry = case.sop.entry_step.number
    record = case.trail.filter(step=entry).order_by("seq").first()
    if record is None:
        return "—"
    return signed(record.actor_name, record.position, record.acting_for, case.sop)
