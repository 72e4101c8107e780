"""The archive search's trail filters (issue 15, item 5): the cases in whose trail an official
did a step, a step finished in a period, a step done beyond its time standard ("late at step
9"). Every such condition holds for one and the same step record.

Most tests read the December 2025 data set of tests/review/dataset.py, whose docstring lists
each case, who did which step and which steps missed their standard:
- late: A2 at the receipt and the clerk's answer; B2 at the receipt, the hand-over, the Kabag's
  receipt, the forwarding and the vice dean's receipt; in January, J at the receipt;
- B1 and C1 went to WD I, B2 to WD II; the Dean received B1's and B2's reports and C1's
  escalation; the clerk received every case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from aspirasi.cases.models import StepRecord
from aspirasi.search.query import CaseFilter, search_cases
from tests.factories import WITA, act, make_acting, make_case, make_user, sop_revision, walked
from tests.review import dataset as data
from tests.review.test_as_needed import clerk_answers_as_needed

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
DECEMBER = {"done_from": dt.date(2025, 12, 1), "done_to": dt.date(2025, 12, 31)}


@pytest.fixture
def december(officials):
    return data.build(officials)


def found(viewer, **filters) -> set[str]:
    return {case.tracking_code for case in search_cases(CaseFilter(**filters), viewer)}


def codes(dataset, *names: str) -> set[str]:
    return {dataset[name].tracking_code for name in names}


def listed(client, params: dict) -> set[str]:
    page = client.get(SEARCH, params)
    assert page.status_code == 200, page.context["filter_form"].errors
    return {case.tracking_code for case, _mark in page.context["rows"]}


# ---------------------------------------------------------------------------------------------
# Compliance: late at a step


def test_late_at_the_receipt_finds_only_the_cases_late_at_that_step(officials, december):
    kabag = officials["kabag"]  # reads every case
    assert found(kabag, trail_step="receipt", late=True) == codes(december, "A2", "B2", "J")
    # J's late receipt was on 2 January.
    assert found(kabag, trail_step="receipt", late=True, **DECEMBER) == codes(december, "A2", "B2")
    assert found(kabag, trail_step="kabag_receipt", late=True) == codes(december, "B2")
    assert found(kabag, late=True, **DECEMBER) == codes(december, "A2", "B2")  # at any step


def test_late_at_validation_finds_no_case_late_only_elsewhere(officials, december):
    """B2 passed the validation within its standard and was late at five other steps: the
    step and the lateness must be the same record."""
    kabag = officials["kabag"]
    assert found(kabag, trail_step="validation") == codes(december, "B1", "B2", "C1")
    assert found(kabag, trail_step="validation", late=True) == set()


def test_a_step_as_needed_is_never_late_however_long_it_took(officials):
    sop_revision(clerk_answers_as_needed(), effective_from=dt.datetime(2026, 2, 1, tzinfo=WITA))
    tuesday = dt.datetime(2026, 2, 3, 9, 0, tzinfo=WITA)
    # A week for the clerk's answer, "as needed": no limit, so not beyond it.
    slow = walked(path="A", start=tuesday, gap=dt.timedelta(days=7))
    answer = slow.trail.get(step_key="clerk_response")
    assert answer.standard_seconds is None and answer.met is None

    kabag = officials["kabag"]
    assert found(kabag, trail_step="clerk_response") == {slow.tracking_code}
    assert found(kabag, trail_step="clerk_response", late=True) == set()


# ---------------------------------------------------------------------------------------------
# A step finished in a period


def test_a_step_counts_in_the_period_in_which_it_finished(officials, december):
    kabag = officials["kabag"]
    # P arrived in November and was received there; J's receipt waited for 2 January.
    received_in_december = codes(december, "A1", "A2", "B1", "F", "B2", "C1", "O")
    assert found(kabag, trail_step="receipt", **DECEMBER) == received_in_december
    assert found(kabag, trail_step="receipt", done_to=dt.date(2025, 11, 30)) == codes(december, "P")
    assert found(kabag, trail_step="receipt", done_from=dt.date(2026, 1, 1)) == codes(december, "J")
    # The end day is included: P's answer on Monday 1 December at 08:00.
    first = dt.date(2025, 12, 1)
    assert found(kabag, trail_step="clerk_response", done_from=first, done_to=first) == codes(
        december, "P"
    )


def test_the_period_is_in_the_faculty_s_days(officials):
    """Received at 07:45 on Tuesday in Samarinda, which is still Monday in UTC."""
    early = dt.datetime(2026, 11, 3, 7, 40, tzinfo=WITA)
    case, _ = make_case(now=early)
    act(case, "receive", now=early.replace(minute=45))
    tuesday, monday = dt.date(2026, 11, 3), dt.date(2026, 11, 2)

    kabag = officials["kabag"]
    assert found(kabag, trail_step="receipt", done_from=tuesday, done_to=tuesday) == {
        case.tracking_code
    }
    assert found(kabag, trail_step="receipt", done_to=monday) == set()


# ---------------------------------------------------------------------------------------------
# Who did the step


def test_the_official_filter_lists_the_cases_where_they_acted(officials, december):
    kabag = officials["kabag"]
    assert found(kabag, official=officials["wd2"].pk) == codes(december, "B2")
    assert found(kabag, official=officials["wd1"].pk) == codes(december, "B1", "C1")
    assert found(kabag, official=officials["dean"].pk) == codes(december, "B1", "B2", "C1")
    assert found(kabag, official=officials["wd3"].pk) == set()
    # The Kabag TU passed B1, B2 and C1 on, but never received a case at the front desk.
    assert found(kabag, official=kabag.pk) == codes(december, "B1", "B2", "C1")
    assert found(kabag, official=kabag.pk, trail_step="receipt") == set()
    # The clerk was late on A2 and B2, and answered late only on A2.
    clerk = officials["clerk"].pk
    assert found(kabag, official=clerk, late=True, **DECEMBER) == codes(december, "A2", "B2")
    assert found(kabag, official=clerk, trail_step="clerk_response", late=True) == codes(
        december, "A2"
    )


def test_a_plh_s_steps_are_found_under_the_position_they_acted_for(officials):
    """WD III holds its own position and, for November, acts for the clerk (Plh Kasubbag)."""
    wd3 = officials["wd3"]
    make_acting(wd3, "kasubbag", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    as_plh, _ = make_case()
    act(as_plh, "receive", by=wd3)
    as_holder = walked(path="B", vice_dean="wd3")
    assert StepRecord.objects.filter(actor=wd3, position="kasubbag").count() == 1

    kabag = officials["kabag"]
    both = {as_plh.tracking_code, as_holder.tracking_code}
    assert found(kabag, official=wd3.pk) == both
    assert found(kabag, official=wd3.pk, position="kasubbag") == {as_plh.tracking_code}
    assert found(kabag, official=wd3.pk, position="wd3") == {as_holder.tracking_code}
    # The position alone: every case the Kasubbag's desk did a step of, by holder or Plh.
    assert found(kabag, position="kasubbag") == both


def test_a_closure_outside_the_flow_is_no_step_done(officials, december):
    """S was closed as spam by the clerk: a closure, not a step of the flow (decision 14)."""
    s = december["S"].tracking_code
    assert december["S"].trail.filter(actor=officials["clerk"]).exists()
    assert s not in found(officials["kabag"], official=officials["clerk"].pk)


# ---------------------------------------------------------------------------------------------
# Through the search page


def test_the_search_page_asks_the_trail_by_its_parameters_and_lists_only_what_is_read(
    client, officials, december
):
    late_in_december = {"late": "on", "done_from": "2025-12-01", "done_to": "2025-12-31"}
    client.force_login(officials["dean"])  # reads every case
    assert listed(client, late_in_december) == codes(december, "A2", "B2")
    assert listed(client, {**late_in_december, "trail_step": "kabag_receipt"}) == codes(
        december, "B2"
    )
    wd1 = {"official": officials["wd1"].pk, "position": "wd1"}
    assert listed(client, wd1) == codes(december, "B1", "C1")
    by_the_dean = {"official": officials["dean"].pk, **late_in_december}
    assert listed(client, by_the_dean) == set()  # the Dean's steps were all within standard
    assert listed(client, {"official": officials["dean"].pk}) == codes(december, "B1", "B2", "C1")
    # A step that only the second revision has is asked by its key, like any other.
    assert listed(client, {"trail_step": "second_validation"}) == codes(december, "B2", "C1")

    client.force_login(officials["wd2"])  # reads B2, which passed its desk, and not A2
    assert listed(client, late_in_december) == codes(december, "B2")
    assert listed(client, wd1) == set()


def test_the_search_page_says_how_many_cases_it_leaves_out(client, officials, december):
    late_in_december = {"late": "on", "done_from": "2025-12-01", "done_to": "2025-12-31"}
    client.force_login(officials["wd2"])  # reads B2, not A2
    page = client.get(SEARCH, late_in_december)
    assert page.context["left_out"] == 1
    with translation.override("id"):
        note = translation.ngettext(
            "%(n)s more case matches, which you may not read.",
            "%(n)s more cases match, which you may not read.",
            1,
        ) % {"n": 1}
    assert note in page.content.decode()

    client.force_login(officials["dean"])  # reads every case: nothing left out, nothing said
    page = client.get(SEARCH, late_in_december)
    assert page.context["left_out"] == 0 and 'id="left-out"' not in page.content.decode()

    # Words are never counted in cases the reader may not read: that would tell their words.
    client.force_login(officials["wd2"])
    page = client.get(SEARCH, {**late_in_december, "q": "jadwal"})
    assert page.context["left_out"] is None and 'id="left-out"' not in page.content.decode()


def test_the_trail_fields_are_in_indonesian_and_a_reversed_period_is_refused(client, officials):
    client.force_login(officials["kabag"])
    html = client.get(SEARCH).content.decode()
    with translation.override("id"):
        for label in ("Step done", "Done by", "Done as", "Finished from", "Beyond standard"):
            text = translation.gettext(label)
            assert text != label and text in html, label
    # Those who hold or held a position, or act for one, are offered; nobody else.
    assert f'<option value="{officials["wd2"].pk}">Wd2</option>' in html
    outsider = make_user("tamu", first_name="Tamu")
    assert "Tamu" not in client.get(SEARCH).content.decode()
    make_acting(outsider, "wd1", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert f'<option value="{outsider.pk}">Tamu</option>' in client.get(SEARCH).content.decode()

    page = client.get(SEARCH, {"done_from": "2025-12-31", "done_to": "2025-12-01"})
    assert page.status_code == 400
    with translation.override("id"):
        refusal = translation.gettext("The end of the range is before its start.")
    assert refusal in page.content.decode()
