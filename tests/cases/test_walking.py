"""The walker (aspirasi/cases/walking.py): it takes a case along the SOP as whoever holds the desk.

The tests and the demo lean on it to say where a case should go and never which steps lie
between; these tests check that it goes there, stops where it is asked to, and acts only as the
officials whose turn it is.
"""

import datetime as dt

import pytest

from aspirasi.cases.choices import CustomerStatus, Status
from aspirasi.cases.engine import ActionInput, NotPermitted
from aspirasi.cases.models import Aspiration
from aspirasi.cases.walking import (
    HOUR,
    Walker,
    WalkError,
    holder_of,
    of_kind,
    walk_case,
    with_verdict,
)
from aspirasi.sop.definition import CLOSED
from aspirasi.sop.registry import current_sop
from tests.factories import (
    PERSONAS,
    TUESDAY_9,
    make_acting,
    make_case,
    make_user,
    step_with,
    walked,
)

pytestmark = pytest.mark.django_db

# The persona who holds each position (tests/conftest.py makes one holder per position).
PERSONA_AT = {position: persona for persona, position in PERSONAS.items()}


def actions_of(case: Aspiration) -> list[str]:
    return list(case.trail.order_by("seq").values_list("action", flat=True))


def assert_unbroken_trail(case: Aspiration) -> None:
    """Each record starts at the step the one before led to, the first at the entry step."""
    step = current_sop().entry_step.number
    for record in case.trail.order_by("seq"):
        assert record.step == step
        step = record.next_step
    assert step == case.current_step


# ---------------------------------------------------------------------------------------------
# Paths


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_a_case_walked_along_a_path_closes_by_that_path(officials, path):
    case = walked(path=path)
    assert case.status == Status.CLOSED
    assert case.closure == path
    assert_unbroken_trail(case)
    last = case.trail.order_by("seq").last()
    definition = current_sop().step(last.step).action(last.action)
    assert definition.to == CLOSED and definition.path == path
    assert case.trail.filter(kind="closure").count() == 0  # by the flow, not a closure


def test_path_b_passes_the_report_and_its_receipt(officials):
    case = walked(path="B")
    sop = current_sop()
    *_, reported, received = (sop.step(r.step).action(r.action) for r in case.trail.order_by("seq"))
    assert reported.creates_report and received.receives_report
    assert case.report is not None and case.report.received_at is not None


def test_path_c_passes_the_dean(officials):
    case = walked(path="C")
    actions = actions_of(case)
    escalation = step_with("escalate")
    assert case.trail.filter(step=escalation, action="escalate").exists()
    assert "respond" in actions and "deliver" in actions
    assert actions.index("escalate") < actions.index("respond") < actions.index("deliver")
    assert case.trail.filter(position="dekan").exists()


def test_the_walker_takes_the_shortest_route(officials):
    """Path A: receive it, answer it; nothing in between."""
    case = walked(path="A")
    assert actions_of(case) == ["receive", "answer"]


def test_an_unknown_path_is_refused(officials):
    case, _ = make_case()
    with pytest.raises(WalkError, match="no path"):
        walk_case(case, path="Z")
    assert case.trail.count() == 0


# ---------------------------------------------------------------------------------------------
# Stopping: until, via, limit


@pytest.mark.parametrize("action", ["answer", "hand_over", "forward", "escalate", "archive"])
def test_until_stops_where_the_action_is_open_without_doing_it(officials, action):
    case = walked(until=action)
    assert case.status == Status.OPEN
    assert case.step.action(action) is not None
    assert case.current_step == step_with(action)
    assert action not in actions_of(case)
    assert_unbroken_trail(case)


def test_until_where_the_action_is_already_open_does_nothing(officials):
    case, _ = make_case()
    case = walk_case(case, until="receive")
    assert case.trail.count() == 0
    assert case.current_step == current_sop().entry_step.number


def test_until_accepts_a_kind_of_action(officials):
    case = walked(until=of_kind("escalation"))
    assert case.current_step == step_with("escalate")
    assert "escalate" not in actions_of(case)


def test_until_the_report_stops_with_the_answer_out(officials):
    case = walked(until="report")
    assert case.current_step in current_sop().reporting_steps()
    assert case.customer_status == CustomerStatus.ANSWERED


def test_via_an_invalid_verdict_brings_the_case_back_for_a_second_round(officials):
    case = walked(via=[with_verdict("invalid")], until="prepare_supporting_info")
    assert case.current_step == step_with("prepare_supporting_info")
    assert case.current_position == "kasubbag"
    rounds = list(case.supporting_infos.values_list("round", "verdict"))
    assert rounds == [(1, "invalid")]
    case = walk_case(case, via=["prepare_supporting_info"], until="validate")
    assert case.validation_round == 2
    rounds = list(case.supporting_infos.values_list("round", "verdict"))
    assert rounds == [(1, "invalid"), (2, "")]


def test_via_an_invalid_verdict_then_on_to_the_end_of_a_path(officials):
    case = walked(via=[with_verdict("invalid")], path="B")
    assert case.status == Status.CLOSED and case.closure == "B"
    rounds = list(case.supporting_infos.values_list("round", "verdict"))
    assert rounds == [(1, "invalid"), (2, "valid")]
    assert actions_of(case).count("prepare_supporting_info") == 2


def test_via_visits_each_waypoint_in_order(officials):
    case = walked(via=["send_back", "forward", "escalate"], until="respond")
    actions = actions_of(case)
    forwards = [n for n, name in enumerate(actions) if name == "forward"]
    assert len(forwards) == 2
    assert forwards[0] < actions.index("send_back") < forwards[1] < actions.index("escalate")
    assert actions[-1] == "acknowledge"
    assert case.current_step == step_with("respond")


def test_limit_stops_after_that_many_actions(officials):
    whole = walked(path="C")
    for n in (0, 1, 3, whole.trail.count() - 1):
        case = walked(path="C", limit=n)
        assert case.trail.count() == n
        assert case.status == Status.OPEN
        assert actions_of(case) == actions_of(whole)[:n]
    case = walked(path="C", limit=whole.trail.count() + 5)
    assert case.status == Status.CLOSED and actions_of(case) == actions_of(whole)


# ---------------------------------------------------------------------------------------------
# No route


def test_a_waypoint_behind_the_case_cannot_be_reached(officials):
    case = walked(until="prepare_supporting_info")
    with pytest.raises(WalkError, match="no route"):
        walk_case(case, until="answer")
    assert Aspiration.objects.get(pk=case.pk).version == case.version


def test_an_action_the_sop_does_not_have_cannot_be_reached(officials):
    case, _ = make_case()
    with pytest.raises(WalkError, match="no route"):
        walk_case(case, via=["terbang"])
    assert case.trail.count() == 0


def test_a_closed_case_cannot_be_walked(officials):
    case = walked(path="A")
    with pytest.raises(WalkError, match="closed"):
        walk_case(case, path="B")


def test_a_case_at_the_end_of_one_path_cannot_take_another(officials):
    case = walked(until="report")
    with pytest.raises(WalkError, match="no route"):
        walk_case(case, path="C")


def test_nobody_at_the_desk_stops_the_walk(db):
    case, _ = make_case()
    with pytest.raises(WalkError, match="nobody holds"):
        walk_case(case, path="A")
    assert case.trail.count() == 0


# ---------------------------------------------------------------------------------------------
# Who acts, when, with what


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_the_holder_of_each_desk_is_the_one_who_acted(officials, path):
    case = walked(path=path, vice_dean="wd2")
    records = list(case.trail.order_by("seq"))
    assert records
    for record in records:
        assert record.actor == officials[PERSONA_AT[record.position]]
        assert record.acting_for == ""
    vice_dean_desks = {r.position for r in records} & {"wd1", "wd2", "wd3"}
    assert vice_dean_desks <= {"wd2"}
    assert bool(vice_dean_desks) == (path != "A")


def test_holder_of_names_the_holder_of_the_current_desk(officials):
    case = walked(until="validate")
    holder = holder_of(case, TUESDAY_9.date())
    assert holder == officials[PERSONA_AT[case.current_position]]


def test_an_acting_official_acts_when_nobody_holds_the_desk(officials):
    """A Plh for a desk nobody holds (the Dean's, here): the walker acts as the Plh."""
    officials["dean"].holdings.all().delete()
    plh = make_user("plh_dekan")
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    case = walked(path="C")
    dean_records = case.trail.filter(position="dekan")
    assert dean_records.exists()
    assert {r.actor for r in dean_records} == {plh}
    assert {r.acting_for for r in dean_records} == {"dekan"}


def test_one_gap_of_time_per_action(officials):
    start = TUESDAY_9
    case = walked(path="C", start=start)
    done = list(case.trail.order_by("seq").values_list("done_at", flat=True))
    assert done == [start + HOUR * n for n in range(1, len(done) + 1)]


def test_a_walker_keeps_its_own_clock(officials):
    case, _ = make_case()
    walker = Walker(case, start=TUESDAY_9, gap=dt.timedelta(minutes=10))
    walker.to(until="answer")
    assert walker.now == TUESDAY_9 + dt.timedelta(minutes=10)
    walker.act("answer")
    assert walker.now == TUESDAY_9 + dt.timedelta(minutes=20)
    assert walker.case.status == Status.CLOSED
    assert walker.case.closed_at == walker.now
    assert walker.done == ["receive", "answer"]


def test_act_may_name_who_acts(officials):
    """`by` picks the official; one who may not act at the desk is refused by the engine."""
    case, _ = make_case()
    walker = Walker(case, start=TUESDAY_9)
    with pytest.raises(NotPermitted):
        walker.act("receive", by=officials["outsider"])
    walker.act("receive", by=officials["clerk"])
    assert walker.case.trail.get().actor == officials["clerk"]


def test_texts_and_inputs_fill_what_the_actions_require(officials):
    case = walked(
        path="C",
        texts={"response": "Tanggapan bersama.", "supporting_info": "Lampiran jadwal."},
        inputs={"escalate": ActionInput(reason="Perlu keputusan Dekan.")},
    )
    assert case.supporting_infos.get().text == "Lampiran jadwal."
    assert case.trail.get(action="escalate").note == "Perlu keputusan Dekan."
    texts = set(case.responses.values_list("text", flat=True))
    assert texts == {"Tanggapan bersama."}


def test_without_texts_the_walker_writes_what_each_text_is(officials):
    case = walked(path="A")
    response = case.responses.get()
    assert case.tracking_code in response.text
    assert response.published_at is not None


def test_the_vice_dean_asked_for_gets_the_case(officials):
    case = walked(until="draft_response", vice_dean="wd3")
    assert (case.current_position, case.vice_dean_position) == ("wd3", "wd3")


def test_without_a_vice_dean_the_category_suggests_one(officials):
    case = walked(until="draft_response", case_options={"category_code": "keuangan"})
    suggested = case.category.suggested_position
    assert suggested in {"wd1", "wd2", "wd3"}
    assert case.current_position == suggested
