"""The inbox's list as its template shows it: one plain dict of display values per case.

Dicts, not the cases themselves: the template engine reads a dict's key at once, while each
attribute of a model instance costs it a failed subscript (an exception) first. With 50 rows
of ten values that was a third of the page's time (issue 5 wants the page under 50 ms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse

from aspirasi.cases.choices import Channel
from aspirasi.cases.models import Aspiration
from aspirasi.cases.selectors import DUE_MARK_LABELS, clarified_at_this_step, due_mark
from aspirasi.clock.working_time import WorkingCalendar

# What the rows read of a case: the inbox loads only these (and the category), not the
# aspiration's text and the customer's details.
FIELDS = (
    "tracking_code",
    "subject",
    "channel",
    "category",
    "current_step",
    "step_arrived_at",
    "step_due_at",
)


def inbox_rows(
    cases: Sequence[Aspiration], *, now: dt.datetime, calendar: WorkingCalendar
) -> list[dict]:
    """`calendar` may be lazy: due marks consult it only for a case not yet overdue."""
    # Texts made once per request (in its language), not once per row.
    channels = {value: str(label) for value, label in Channel.choices}
    marks = {mark: str(label) for mark, label in DUE_MARK_LABELS.items()}
    steps: dict[int | None, str] = {}
    clarified = clarified_at_this_step(cases)
    rows = []
    for case in cases:
        if case.current_step not in steps:
            step = case.step
            steps[case.current_step] = step.label if step else ""
        mark = due_mark(case, now, calendar)
        rows.append(
            {
                "url": reverse("desk:case", args=[case.tracking_code]),
                "code": case.tracking_code,
                "subject": case.subject,
                "clarified": case.pk in clarified,
                "category": case.category.name,
                "channel": channels.get(case.channel, case.channel),
                "step": case.current_step,
                "step_label": steps[case.current_step],
                "due": case.step_due_at,
                "mark": mark,
                "mark_label": marks[mark],
            }
        )
    return rows
