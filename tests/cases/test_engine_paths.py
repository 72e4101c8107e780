"""The three paths of SP-54, validation failing, re-routing and closures, through the engine."""

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
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, make_case, walk

pytestmark = pytest.mark.django_db

T = ActionInput


def to_step_9(case, o, vice_dean="wd1"):
    return walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Jadwal dari prodi terlampir.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "validate", None),
            (o["kabag"], "forward", T(vice_dean=vice_dean)),
        ],
    )


def test_new_web_case_waits_for_the_clerk_at_step_2(officials):
    case, _ = make_case()
    assert case.current_step == 2
    assert case.current_position == "kasubbag"
    assert case.sop_number == current_sop().number
    assert case.sop_revision == current_sop().revision
    assert case.tracking_code.startswith("ASP-2026-")
    # 10 working minutes from 09:00 on a Tuesday.
    assert case.step_due_at == TUESDAY_9 + dt.timedelta(minutes=10)
    assert case.customer_status == CustomerStatus.RECEIVED


def test_clerk_answers_directly_and_case_closes(officials):
    case, _ = make_case()
    case = walk(
        case,
        [
            (officials["clerk"], "receive", None),
            (officials["clerk"], "answer", T(text="Jadwal diumumkan Senin depan.")),
        ],
    )
    assert case.status == Status.CLOSED
    assert case.closure == "A"
    assert case.customer_status == CustomerStatus.CLOSED
    assert list(case.trail.values_list("step", "action")) == [(2, "receive"), (3, "answer")]
    response = case.responses.get()
    assert response.published_at is not None and response.step == 3
    record = case.trail.get(step=2)
    assert record.working_seconds == 3600 and record.standard_seconds == 600
    assert record.met is False
    assert case.trail.get(step=3).met is True


def test_vice_dean_answers_reports_and_dean_receives(officials):
    o = officials
    case, _ = make_case()
    case = to_step_9(case, o)
    assert (case.current_step, case.current_position) == (9, "wd1")
    case = walk(
        case,
        [
            (o["wd1"], "acknowledge", None),
            (o["wd1"], "draft_response", T(text="Rancangan: ujian susulan tanggal 10.")),
            (o["wd1"], "communicate", T(text="Ujian susulan tanggal 10 pukul 08.00.")),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    assert case.current_step == 12
    assert case.customer_status == CustomerStatus.ANSWERED
    published = case.responses.get(published_at__isnull=False)
    assert published.text == "Ujian susulan tanggal 10 pukul 08.00."
    report = report_to_dean([case], o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    case.refresh_from_db()
    assert (case.current_step, case.current_position, case.report) == (13, "dekan", report)
    receive_report(report, o["dean"], now=TUESDAY_9 + dt.timedelta(days=1, hours=1))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == "B"
    steps = list(case.trail.values_list("step", flat=True))
    assert steps == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]


def test_escalated_to_the_dean_and_back_delivered_archived(officials):
    o = officials
    case, _ = make_case(category_code="keuangan")
    case = to_step_9(case, o, vice_dean="wd2")
    case = walk(
        case,
        [
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "draft_response", T(text="Rancangan tanggapan.")),
            (o["wd2"], "escalate", T(reason="Perlu keputusan Dekan soal keringanan UKT.")),
            (o["dean"], "acknowledge", None),
            (o["dean"], "respond", T(text="Keringanan UKT disetujui 50%.")),
            (o["dean"], "send_to_vice_dean", None),
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "deliver", None),
            (o["wd2"], "archive", None),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    assert case.status == Status.CLOSED and case.closure == "C"
    steps = list(case.trail.values_list("step", flat=True))
    assert steps == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19]
    assert case.trail.get(step=11).note == "Perlu keputusan Dekan soal keringanan UKT."
    visible = list(case.responses.filter(published_at__isnull=False).values_list("text", flat=True))
    assert visible == ["Keringanan UKT disetujui 50%."]


def test_failed_validation_goes_back_to_step_4_and_keeps_each_round(officials):
    o = officials
    case, _ = make_case()
    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Data kurang.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "return_for_rework", T(reason="Lampirkan jadwal resmi.")),
        ],
    )
    assert (case.current_step, case.current_position) == (4, "kasubbag")
    case = walk(
        case,
        [
            (o["clerk"], "prepare_supporting_info", T(text="Jadwal resmi terlampir.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "validate", None),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=7),
    )
    assert case.current_step == 8
    rounds = list(case.supporting_infos.values_list("round", "verdict", "verdict_note"))
    assert rounds == [(1, "invalid", "Lampirkan jadwal resmi."), (2, "valid", "")]


def test_vice_dean_sends_a_case_back_for_rerouting(officials):
    o = officials
    case, _ = make_case()
    case = to_step_9(case, o, vice_dean="wd3")
    case = perform(case, o["wd3"], "send_back", T(reason="Ini urusan akademik, bukan WD III."))
    assert (case.current_step, case.current_position, case.vice_dean_position) == (
        8,
        "kabag_tu",
        "",
    )
    case = perform(case, o["kabag"], "forward", T(vice_dean="wd1"))
    assert (case.current_step, case.current_position) == (9, "wd1")
    record = case.trail.get(action="send_back")
    assert record.position == "wd3" and record.note.startswith("Ini urusan akademik")


def test_case_closed_as_duplicate_links_the_original(officials):
    original, _ = make_case()
    repeat, _ = make_case()
    repeat = perform(
        repeat,
        officials["clerk"],
        "duplicate",
        T(reason="Sama dengan aspirasi sebelumnya.", duplicate_of=original.tracking_code.lower()),
    )
    assert repeat.status == Status.CLOSED and repeat.closure == "duplicate"
    assert repeat.duplicate_of == original
    record = repeat.trail.get()
    assert record.kind == "closure" and record.met is None


def test_duplicate_needs_an_existing_other_case(officials):
    case, _ = make_case()
    with pytest.raises(Incomplete) as refused:
        perform(
            case, officials["clerk"], "duplicate", T(reason="x", duplicate_of=case.tracking_code)
        )
    assert "duplicate_of" in refused.value.errors
    assert case.trail.count() == 0


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("answer", T(text="   "), "text"),
        ("defer", None, None),
    ],
)
def test_step_3_needs_a_response_text_to_answer(officials, action, data, field):
    case, _ = make_case()
    case = perform(case, officials["clerk"], "receive")
    if field is None:
        perform(case, officials["clerk"], action, data)
        return
    with pytest.raises(Incomplete) as refused:
        perform(case, officials["clerk"], action, data)
    assert field in refused.value.errors
    assert Aspiration.objects.get(pk=case.pk).current_step == 3


def test_no_hand_over_at_step_5_without_supporting_information(officials):
    case, _ = make_case()
    case = walk(case, [(officials["clerk"], "receive", None), (officials["clerk"], "defer", None)])
    with pytest.raises(Incomplete):
        perform(case, officials["clerk"], "prepare_supporting_info", T(text=""))
    assert case.current_step == 4


def test_a_user_of_the_wrong_role_is_refused_at_every_step(officials):
    """Walk path C; at each step every other persona is refused and nothing changes."""
    o = officials
    case, _ = make_case(category_code="keuangan")
    plan = [
        ("clerk", "receive", None),
        ("clerk", "defer", None),
        ("clerk", "prepare_supporting_info", T(text="Dukungan.")),
        ("clerk", "hand_over", None),
        ("kabag", "acknowledge", None),
        ("kabag", "validate", None),
        ("kabag", "forward", T(vice_dean="wd2")),
        ("wd2", "acknowledge", None),
        ("wd2", "draft_response", T(text="Draf.")),
        ("wd2", "escalate", T(reason="Butuh Dekan.")),
        ("dean", "acknowledge", None),
        ("dean", "respond", T(text="Tanggapan Dekan.")),
        ("dean", "send_to_vice_dean", None),
        ("wd2", "acknowledge", None),
        ("wd2", "deliver", None),
        ("wd2", "archive", None),
    ]
    moment = TUESDAY_9
    for who, action, data in plan:
        moment += dt.timedelta(minutes=5)
        for other, user in o.items():
            if other == who:
                continue
            assert open_actions(case, user) == []
            with pytest.raises(NotPermitted):
                perform(case, user, action, data, now=moment)
        before = StepRecord.objects.count()
        case = perform(case, o[who], action, data, now=moment)
        assert StepRecord.objects.count() == before + 1
    assert case.status == Status.CLOSED


def test_a_stale_copy_cannot_move_the_case_twice(officials):
    case, _ = make_case()
    first = Aspiration.objects.get(pk=case.pk)
    second = Aspiration.objects.get(pk=case.pk)
    perform(first, officials["clerk"], "receive")
    with pytest.raises(CaseMovedOn):
        perform(second, officials["clerk"], "receive")
    assert case.trail.count() == 1
    assert Aspiration.objects.get(pk=case.pk).current_step == 3


def test_closed_case_never_changes(officials):
    case, _ = make_case()
    case = walk(case, [(officials["clerk"], "spam", T(reason="Iklan."))])
    assert open_actions(case, officials["clerk"]) == []
    with pytest.raises(CaseMovedOn):
        perform(case, officials["clerk"], "receive")
    with pytest.raises(Exception, match="append-only"):
        case.trail.update(note="changed")
    record = case.trail.get()
    record.note = "changed"
    with pytest.raises(Exception, match="append-only"):
        record.save()


def test_draft_is_not_seen_by_the_customer_until_communicated(officials):
    o = officials
    case, _ = make_case()
    case = to_step_9(case, o)
    case = walk(
        case,
        [(o["wd1"], "acknowledge", None), (o["wd1"], "draft_response", T(text="Draf."))],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    assert not Response.objects.filter(aspiration=case, published_at__isnull=False).exists()
    assert case.customer_status == CustomerStatus.IN_PROGRESS
