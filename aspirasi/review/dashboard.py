"""Every figure of the management review for one period and one set of filters, gathered for
the dashboard (views.py) from the modules that compute them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aspirasi.sop.definition import Sop

from . import attention, compliance, figures, satisfaction, steps, trends
from .period import Period
from .scope import Filters, reference_sop


@dataclass(frozen=True)
class Review:
    period: Period
    filters: Filters
    sop: Sop  # whose words (numbers, labels) the figures are shown in
    now: dt.datetime
    intake: figures.Intake
    outcomes: figures.Outcomes
    follow_ups: int
    steps: list[steps.StepRow]
    overall: steps.Performance
    most_time_lost: steps.StepRow | None
    officials: list[steps.OfficialRow]
    closures: list[figures.Row]
    overdue: attention.Overdue
    escalations: attention.Escalations
    failed_validations: attention.FailedValidations
    satisfaction: satisfaction.Satisfaction
    trend: list[trends.Month]
    sheet: compliance.Sheet


def review(period: Period, filters: Filters, now: dt.datetime) -> Review:
    sop = reference_sop(filters, now)
    step_rows = steps.by_step(period, filters, sop)
    return Review(
        period=period,
        filters=filters,
        sop=sop,
        now=now,
        intake=figures.received(period, filters),
        outcomes=figures.outcomes(period, filters, sop),
        follow_ups=figures.follow_ups(period, filters),
        steps=step_rows,
        overall=steps.overall(period, filters),
        most_time_lost=steps.most_time_lost(step_rows),
        officials=steps.by_official(period, filters, sop),
        closures=steps.closures_outside_flow(period, filters, sop),
        overdue=attention.overdue_now(filters, sop, now),
        escalations=attention.escalations(period, filters, sop),
        failed_validations=attention.failed_validations(period, filters, sop),
        satisfaction=satisfaction.satisfaction(period, filters),
        trend=trends.monthly(period, filters),
        sheet=compliance.sheet(sop, step_rows),
    )


def compliance_sheet(period: Period, filters: Filters, now: dt.datetime):
    """The sheet alone (its own page), in the words of the reference revision."""
    sop = reference_sop(filters, now)
    return sop, compliance.sheet(sop, steps.by_step(period, filters, sop))
