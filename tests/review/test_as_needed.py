"""A step whose standard is "as needed" (disesuaikan) sets no limit: it counts as passed through,
never in compliance, and a case waiting there is never overdue (decision 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from aspirasi.review import attention, steps
from aspirasi.review import period as periods
from aspirasi.review.scope import Filters, reference_sop
from tests.factories import make_case, sop_revision
from tests.sop_variants import REAL_TEXT

from .dataset import WITA, one_action

pytestmark = pytest.mark.django_db


def clerk_answers_as_needed() -> str:
    """The shipped SOP, with the clerk's answer (step 3) "as needed" instead of one day."""
    head, tail = REAL_TEXT.split('key = "clerk_response"\n', 1)
    assert 'time = "1 hari"' in tail
    return f'{head}key = "clerk_response"\n' + tail.replace(
        'time = "1 hari"', 'time = "disesuaikan"', 1
    )


def test_an_as_needed_step_counts_as_passed_but_not_in_compliance(officials):
    sop_revision(clerk_answers_as_needed(), effective_from=dt.datetime(2026, 2, 1, tzinfo=WITA))
    tuesday = dt.datetime(2026, 2, 3, 9, 0, tzinfo=WITA)
    answered, _ = make_case(now=tuesday)
    answered = one_action(
        one_action(answered, tuesday.replace(minute=5)), tuesday.replace(hour=11, minute=5)
    )
    waiting, _ = make_case(now=tuesday)
    waiting = one_action(waiting, tuesday.replace(minute=10))
    assert answered.is_closed and waiting.step_due_at is None

    february, everything = periods.month(2026, 2), Filters()
    sop = reference_sop(everything, tuesday)
    found = {row.name.key: row.performance for row in steps.by_step(february, everything, sop)}
    receipt, answer = found["receipt"], found["clerk_response"]
    assert (receipt.passed, receipt.met, receipt.limited) == (2, 2, 2)  # 300 and 600 of 600
    # Passed through, with its time (09:05 → 11:05), but outside compliance.
    assert (answer.passed, answer.met, answer.limited, answer.as_needed) == (1, 0, 0, 1)
    assert answer.within_standard.percent is None
    assert (answer.median, answer.p90, answer.excess) == (7200, 7200, 0)

    total = steps.overall(february, everything)
    assert (total.passed, total.met, total.limited) == (3, 2, 2)
    assert str(total.within_standard.percent) == "100.0"
    # Waiting at a step without a due time, never overdue, however long it waits.
    later = dt.datetime(2026, 6, 1, tzinfo=WITA)
    assert attention.overdue_now(everything, sop, later).total == 0
