"""Deadline warnings show an official only the cases they may read (decision 11): their own
desks' cases, and as superior the overdue cases waiting below them (decision 16). Warnings are
raised by the SLA watch; superiors and roles are the SOP file's."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.notifications.models import DeadlineWarning
from aspirasi.notifications.selectors import open_warnings_for, warnings_for
from aspirasi.notifications.sla import watch_deadlines
from tests.factories import TUESDAY_9, make_case, sop_revision, walk_case, walked
from tests.sop_variants import with_superior, without_reading_every_case

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def overdue(case):
    """Let the SLA watch find the case overdue at its step, as if today."""
    watch_deadlines(now=case.step_due_at + MINUTE)
    DeadlineWarning.objects.update(raised_at=timezone.now())


def listed(user) -> set[str]:
    return {w.aspiration.tracking_code for w in warnings_for(user)}


def waiting(user) -> set[str]:
    return {w.aspiration.tracking_code for w in open_warnings_for(user).first}


def test_a_vice_dean_is_not_warned_about_another_vice_deans_case(client, officials):
    case = walked(via=["forward"], vice_dean="wd1", start=TUESDAY_9)
    overdue(case)

    for name in ("wd1", "dean"):  # the desk, and its superior
        assert listed(officials[name]) == waiting(officials[name]) == {case.tracking_code}
    for name in ("wd2", "wd3"):
        assert listed(officials[name]) == waiting(officials[name]) == set()
        client.force_login(officials[name])
        page = client.get(reverse("notifications:my_warnings")).content.decode()
        assert case.tracking_code not in page


def test_a_superior_sees_a_warning_while_the_case_waits_below_and_not_once_it_is_gone(officials):
    sop_revision(without_reading_every_case("head_of_administration"))
    kabag, clerk = officials["kabag"], officials["clerk"]
    case, _ = make_case(now=TUESDAY_9)
    overdue(case)
    assert DeadlineWarning.objects.get().superior_position == "kabag_tu"

    assert listed(kabag) == waiting(kabag) == {case.tracking_code}
    # The clerk answers it at once (path A): it never reaches the Kabag TU, who no longer
    # reads it; the clerk, whose desk it passed, still does.
    walk_case(case, path="A", start=case.step_due_at + 2 * MINUTE)
    assert listed(kabag) == waiting(kabag) == set()
    assert listed(clerk) == {case.tracking_code}


def test_a_superior_line_moved_by_a_revision_no_longer_shows_the_warning(officials):
    """Warned under a revision whose clerk answered to the Kabag TU; the revision in force now
    draws the line straight to the Dean: the Kabag TU no longer reads the waiting case."""
    sop_revision(without_reading_every_case("head_of_administration", "dean"))
    case, _ = make_case(now=TUESDAY_9)
    overdue(case)
    assert waiting(officials["kabag"]) == {case.tracking_code}

    moved = with_superior("kasubbag", "dekan")
    sop_revision(without_reading_every_case("head_of_administration", "dean", text=moved))

    assert waiting(officials["kabag"]) == set() and listed(officials["kabag"]) == set()
    assert open_warnings_for(officials["kabag"]).count == 0
    assert waiting(officials["clerk"]) == {case.tracking_code}  # the desk still is
