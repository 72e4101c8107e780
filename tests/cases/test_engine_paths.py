"""The three paths of SP-54, validation failing, re-routing and closures, through the engine.

The cases are walked along the SOP (tests/factories.py `walked`, aspirasi/cases/walking.py) by
whoever holds each desk; the steps between are the SOP file's business, not these tests'.
"""

import datetime as dt

import pytest

from aspirasi.cases.choices import CustomerStatus, Status
from aspirasi.cases.engine import (
    ActionInput,
    CaseMovedOn,
    Incomplete,
    NotPermitted,
    open_actions,
    perform,
    receive_report,
    report_to_dean,
)
from aspirasi.cases.models import Aspiration, Response, StepRecord
from aspirasi.cases.walking import Walker, holder_of, with_verdict
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, act, make_case, step_with, walked

pytestmark = pytest.mark.django_db

T = ActionInput


def standard_of(step: int) -> int | None:
    """The step's time standard in working seconds, as the SOP file sets it."""
    return current_sop().step(step).time.working_seconds(faculty_calendar().seconds_per_day)


def steps_walked(case: Aspiration) -> list[int]:
    """The steps of the case's trail, checked to follow each other as the SOP leads: the first
    at the entry step, each next one where the one before led, none twice."""
    records = list(case.trail.order_by("seq"))
    step = current_sop().entry_step.number
    for record in records:
        assert record.step == step, f"record {record.seq} does not start where the last ended"
        step = record.next_step
    steps = [r.step for r in records]
    assert len(set(steps)) == len(steps), f"a step was done twice: {steps}"
    return steps


def test_a_web_aspiration_waits_for_the_clerk_at_the_entry_step(officials):
    case, _ = make_case()
    entry = current_sop().entry_step
    assert case.current_step == entry.number
    assert case.current_position == "kasubbag"
    assert case.sop_number == current_sop().number
    assert case.revision.number == case.sop.revision == current_sop().revision == 1
    assert case.tracking_code.startswith("ASP-2026-")
    # The entry step's standard (10 working minutes) from 09:00 on a Tuesday.
    assert case.step_due_at == TUESDAY_9 + dt.timedelta(seconds=standard_of(entry.number))
    assert case.customer_status == CustomerStatus.RECEIVED


def test_clerk_answers_directly_and_case_closes(officials):
    case = walked(path="A", texts={"response": "Jadwal diumumkan Senin depan."})
    assert case.status == Status.CLOSED
    assert case.closure == "A"
    assert case.customer_status == CustomerStatus.CLOSED
    entry, answering = current_sop().entry_step.number, step_with("answer")
    assert list(case.trail.values_list("step", "action")) == [
        (entry, "receive"),
        (answering, "answer"),
    ]
    response = case.responses.get()
    assert response.published_at is not None and response.step == answering
    assert response.text == "Jadwal diumumkan Senin depan."
    # Received an hour after it arrived: over the entry step's standard. Answered within a day.
    record = case.trail.get(step=entry)
    assert record.working_seconds == 3600 and record.standard_seconds == standard_of(entry)
    assert record.met is False
    assert case.trail.get(step=answering).met is True


def test_vice_dean_answers_reports_and_dean_receives(officials):
    o = officials
    case = walked(
        until="report",
        vice_dean="wd1",
        texts={"response": "Rancangan: ujian susulan tanggal 10."},
        inputs={"communicate": T(text="Ujian susulan tanggal 10 pukul 08.00.")},
    )
    assert (case.current_step, case.current_position) == (step_with("report"), "wd1")
    assert case.customer_status == CustomerStatus.ANSWERED
    published = case.responses.get(published_at__isnull=False)
    assert published.text == "Ujian susulan tanggal 10 pukul 08.00."
    report = report_to_dean([case], o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    case.refresh_from_db()
    assert (case.current_step, case.current_position, case.report) == (
        step_with("receive_report"),
        "dekan",
        report,
    )
    receive_report(report, o["dean"], now=TUESDAY_9 + dt.timedelta(days=1, hours=1))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == "B"
    steps = steps_walked(case)
    assert steps == sorted(steps)
    actions = list(case.trail.values_list("action", flat=True))
    assert actions[-4:] == ["draft_response", "communicate", "report", "receive_report"]
    assert "escalate" not in actions and "answer" not in actions


def test_vice_dean_escalates_to_the_dean_whose_response_is_delivered_and_archived(officials):
    case = walked(
        path="C",
        vice_dean="wd2",
        case_options={"category_code": "keuangan"},
        texts={"response": "Rancangan tanggapan."},
        inputs={
            "escalate": T(reason="Perlu keputusan Dekan soal keringanan UKT."),
            "respond": T(text="Keringanan UKT disetujui 50%."),
        },
    )
    assert case.status == Status.CLOSED and case.closure == "C"
    steps = steps_walked(case)
    assert steps == sorted(steps)
    # Path C passes the Dean, not the batched report.
    sop = current_sop()
    assert not set(steps) & {*sop.reporting_steps(), *sop.report_receiving_steps()}
    assert case.trail.filter(position="dekan").exists()
    assert set(case.trail.filter(position__startswith="wd").values_list("position", flat=True)) == {
        "wd2"
    }
    escalation = case.trail.get(step=step_with("escalate"))
    assert escalation.action == "escalate"
    assert escalation.note == "Perlu keputusan Dekan soal keringanan UKT."
    visible = list(case.responses.filter(published_at__isnull=False).values_list("text", flat=True))
    assert visible == ["Keringanan UKT disetujui 50%."]


def test_supporting_information_returned_for_rework_goes_back_to_the_clerk_keeping_each_round(
    officials,
):
    case, _ = make_case()
    walker = Walker(
        case,
        start=TUESDAY_9,
        texts={"supporting_info": "Data kurang.", "reason": "Lampirkan jadwal resmi."},
    )
    case = walker.to(via=[with_verdict("invalid")])
    assert (case.current_step, case.current_position) == (
        step_with("prepare_supporting_info"),
        "kasubbag",
    )
    walker.texts["supporting_info"] = "Jadwal resmi terlampir."
    case = walker.to(via=[with_verdict("valid")])
    validation = current_sop().step(step_with("validate"))
    assert case.current_step == validation.action("validate").to
    rounds = list(case.supporting_infos.values_list("round", "verdict", "verdict_note", "text"))
    assert rounds == [
        (1, "invalid", "Lampirkan jadwal resmi.", "Data kurang."),
        (2, "valid", "", "Jadwal resmi terlampir."),
    ]


def test_vice_dean_sends_a_case_back_to_be_forwarded_again(officials):
    o = officials
    case = walked(until="send_back", vice_dean="wd3")
    assert case.current_position == "wd3"
    forwarded_from = case.trail.get(action="forward").position
    case = perform(case, o["wd3"], "send_back", T(reason="Ini urusan akademik, bukan WD III."))
    assert (case.current_step, case.current_position, case.vice_dean_position) == (
        step_with("forward"),
        forwarded_from,
        "",
    )
    case = act(case, "forward", T(vice_dean="wd1"))
    assert (case.current_step, case.current_position) == (step_with("send_back"), "wd1")
    record = case.trail.get(action="send_back")
    assert record.position == "wd3" and record.note.startswith("Ini urusan akademik")


def test_case_closed_as_duplicate_links_the_original(officials):
    original, _ = make_case()
    repeat, _ = make_case()
    repeat = act(
        repeat,
        "duplicate",
        T(reason="Sama dengan aspirasi sebelumnya.", duplicate_of=original.tracking_code.lower()),
    )
    assert repeat.status == Status.CLOSED and repeat.closure == "duplicate"
    assert repeat.duplicate_of == original
    record = repeat.trail.get()
    assert record.kind == "closure" and record.met is None
    assert record.actor == officials["clerk"]


def test_duplicate_needs_an_existing_other_case(officials):
    case, _ = make_case()
    with pytest.raises(Incomplete) as refused:
        act(case, "duplicate", T(reason="x", duplicate_of=case.tracking_code))
    assert "duplicate_of" in refused.value.errors
    assert case.trail.count() == 0


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("answer", T(text="   "), "text"),
        ("defer", None, None),
    ],
)
def test_the_clerk_answers_only_with_a_response_text(officials, action, data, field):
    case = walked(until="answer")
    if field is None:
        act(case, action, data)
        return
    with pytest.raises(Incomplete) as refused:
        act(case, action, data)
    assert field in refused.value.errors
    assert Aspiration.objects.get(pk=case.pk).current_step == step_with("answer")


def test_supporting_information_cannot_be_saved_empty(officials):
    case = walked(until="prepare_supporting_info")
    with pytest.raises(Incomplete):
        act(case, "prepare_supporting_info", T(text=""))
    case.refresh_from_db()
    assert case.current_step == step_with("prepare_supporting_info")
    assert case.validation_round == 0
    assert case.step.action("hand_over") is None  # no hand-over before it is saved


def test_a_user_of_the_wrong_role_is_refused_at_every_step(officials):
    """Walk path C; at each step every persona but the desk's holder is refused, for every action
    of the step, and nothing changes; the holder then moves the case on."""
    case, _ = make_case(category_code="keuangan")
    walker = Walker(case, start=TUESDAY_9, gap=dt.timedelta(minutes=5), vice_dean="wd2")
    steps = 0
    while case.status == Status.OPEN:
        moment = walker.now + walker.gap
        holder = holder_of(case, moment.date())
        for user in officials.values():
            if user == holder:
                continue
            assert open_actions(case, user) == []
            for action in case.step.actions:
                with pytest.raises(NotPermitted):
                    perform(case, user, action.name, walker.fill(action.name), now=moment)
        before = StepRecord.objects.count()
        case = walker.to(path="C", limit=1)
        assert StepRecord.objects.count() == before + 1
        assert case.trail.order_by("seq").last().actor == holder
        steps += 1
        assert steps < 50, "path C does not end"
    assert case.status == Status.CLOSED and case.closure == "C"


def test_a_stale_copy_cannot_move_the_case_twice(officials):
    case, _ = make_case()
    first = Aspiration.objects.get(pk=case.pk)
    second = Aspiration.objects.get(pk=case.pk)
    act(first, "receive")
    with pytest.raises(CaseMovedOn):
        act(second, "receive")
    assert case.trail.count() == 1
    received = current_sop().entry_step.action("receive").to
    assert Aspiration.objects.get(pk=case.pk).current_step == received


def test_closed_case_never_changes(officials):
    case, _ = make_case()
    case = act(case, "spam", T(reason="Iklan."))
    assert open_actions(case, officials["clerk"]) == []
    with pytest.raises(CaseMovedOn):
        perform(case, officials["clerk"], "receive")
    with pytest.raises(Exception, match="append-only"):
        case.trail.update(note="changed")
    record = case.trail.get()
    record.note = "changed"
    with pytest.raises(Exception, match="append-only"):
        record.save()


def test_the_draft_is_not_seen_by_the_customer_until_communicated(officials):
    case = walked(until="communicate", texts={"response": "Draf."})
    draft = case.responses.get()
    assert draft.text == "Draf." and draft.step == step_with("draft_response")
    assert not Response.objects.filter(aspiration=case, published_at__isnull=False).exists()
    assert case.customer_status == CustomerStatus.IN_PROGRESS
