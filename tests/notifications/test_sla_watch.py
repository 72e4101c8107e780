"""The SLA watch in working time: a step is nearly due at 80% of its standard and overdue past
it; the desk hears both, its superior the overdue one (decision 16); once per visit and level.
The clock is moved across closing time, a weekend, and Christmas with its collective leave day.
Time standards and superiors are read from the SOP file, never written out here."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi.cases.walking import with_verdict
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.notifications import schedule
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.models import DeadlineWarning, Message, ScheduledJob
from aspirasi.notifications.sla import watch_deadlines
from aspirasi.officials.models import LanguagePreference
from aspirasi.sop.registry import current_sop
from tests.factories import (
    PERSONAS,
    TUESDAY_9,
    WITA,
    act,
    make_acting,
    make_case,
    make_official,
    step_with,
    walk_case,
    walked,
)

pytestmark = pytest.mark.django_db

Level = DeadlineWarning.Level
MINUTE = dt.timedelta(minutes=1)
DUE_SOON = 0.8  # of the step's time standard (decision 16)


@pytest.fixture
def desks(officials):
    for name, user in officials.items():
        user.email = f"{name}@ft.example"
        user.save()
    return officials


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


def opening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, faculty_calendar().opens, WITA)


def closing(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, faculty_calendar().closes, WITA)


def standard_of(case) -> dt.timedelta:
    """The time standard of the step the case waits at, in working time, as the SOP file sets
    it for the faculty's working day."""
    seconds = case.step.time.working_seconds(faculty_calendar().seconds_per_day)
    return dt.timedelta(seconds=seconds)


def soon_and_late(case) -> tuple[dt.datetime, dt.datetime]:
    """When the case's visit is nearly due, and a minute past due (for a short standard, well
    inside one working day)."""
    return case.step_arrived_at + DUE_SOON * standard_of(case), case.step_due_at + MINUTE


def holder(desks, position: str):
    """The persona holding the position."""
    [name] = [name for name, held in PERSONAS.items() if held == position]
    return desks[name]


def superior_of(case) -> str:
    return current_sop().positions[case.current_position].superior


def levels(case) -> list[str]:
    return list(case.deadline_warnings.order_by("id").values_list("level", flat=True))


def warned(user) -> list[str]:
    return list(
        Message.objects.filter(to=user.email, kind__in=["due_soon", "overdue", "overdue_superior"])
        .order_by("id")
        .values_list("kind", flat=True)
    )


def at_the_clerks_response(reached: dt.datetime):
    """A case received at `reached`: it waits where the clerk answers it (or cannot yet)."""
    case, _ = make_case(now=reached - 5 * MINUTE)
    return walk_case(case, until="answer", start=reached - 5 * MINUTE, gap=5 * MINUTE)


def returned_for_rework(case):
    """Late, the clerk's supporting information goes up and fails validation: the case comes
    back to the step where supporting information is prepared (a new visit)."""
    return walk_case(case, via=[with_verdict("invalid")], start=case.step_due_at + 2 * MINUTE)


def test_receipt_is_warned_at_80_percent_of_its_standard_and_overdue_past_it(desks):
    case, _ = make_case(now=TUESDAY_9)  # waiting to be received: "10 menit", due 09:10
    standard = standard_of(case)
    assert case.step_due_at == TUESDAY_9 + standard
    soon, due = TUESDAY_9 + DUE_SOON * standard, case.step_due_at
    assert watch_deadlines(now=soon - dt.timedelta(seconds=1)) == []
    [warning] = watch_deadlines(now=soon)
    assert (warning.level, warning.step, warning.position) == (
        Level.DUE_SOON,
        case.current_step,
        case.current_position,
    )
    assert watch_deadlines(now=soon + (due - soon) / 2) == []  # once per level
    assert watch_deadlines(now=due) == []  # due, not yet past
    [late] = watch_deadlines(now=due + dt.timedelta(seconds=1))
    assert (late.level, late.superior_position) == (Level.OVERDUE, superior_of(case))
    assert watch_deadlines(now=due + dt.timedelta(hours=3)) == []
    assert levels(case) == ["due_soon", "overdue"]
    assert warned(holder(desks, case.current_position)) == ["due_soon", "overdue"]
    assert warned(holder(desks, superior_of(case))) == ["overdue_superior"]
    assert warned(desks["dean"]) == []  # the superior's superior is not told


def test_the_count_stops_at_closing_time_and_resumes_next_morning(desks):
    tuesday, wednesday = dt.date(2026, 11, 3), dt.date(2026, 11, 4)
    tuesday_1555 = closing(tuesday) - 5 * MINUTE
    case, _ = make_case(now=tuesday_1555)  # 5 minutes today, the rest tomorrow: due Wed 07:35
    standard, used_today = standard_of(case), closing(tuesday) - tuesday_1555
    assert case.step_due_at == opening(wednesday) + standard - used_today
    assert watch_deadlines(now=at(2026, 11, 3, 23, 0)) == []  # 7 hours later, 5 minutes used
    soon = opening(wednesday) + DUE_SOON * standard - used_today
    assert watch_deadlines(now=soon - MINUTE) == []
    assert [w.level for w in watch_deadlines(now=soon)] == [Level.DUE_SOON]
    assert [w.level for w in watch_deadlines(now=case.step_due_at + MINUTE)] == [Level.OVERDUE]


def test_the_clerks_response_runs_over_the_weekend(desks):
    friday, monday = dt.date(2026, 11, 6), dt.date(2026, 11, 9)
    case = at_the_clerks_response(at(2026, 11, 6, 14, 0))  # "1 hari": due Monday 14:00
    standard, used_friday = standard_of(case), closing(friday) - case.step_arrived_at
    due = opening(monday) + standard - used_friday
    assert case.step_due_at == due
    for moment in [at(2026, 11, 6, 16, 30), at(2026, 11, 7, 12, 0), at(2026, 11, 8, 20, 0)]:
        assert watch_deadlines(now=moment) == []  # the weekend uses no working time
    # 80% of 8.5 hours is 6 h 48 min: 2 hours on Friday, 4 h 48 min from Monday 07:30 (12:18).
    soon = opening(monday) + DUE_SOON * standard - used_friday
    assert watch_deadlines(now=soon - MINUTE) == []
    assert [w.level for w in watch_deadlines(now=soon)] == [Level.DUE_SOON]
    assert watch_deadlines(now=due) == []
    assert [w.level for w in watch_deadlines(now=due + MINUTE)] == [Level.OVERDUE]


def test_christmas_and_its_collective_leave_day_are_not_counted(desks):
    # Wednesday 23 December 14:00; Thursday 24 is cuti bersama, Friday 25 Christmas.
    wednesday_14 = at(2026, 12, 23, 14, 0)
    case = at_the_clerks_response(wednesday_14)
    standard, used_wednesday = standard_of(case), closing(wednesday_14.date()) - wednesday_14
    monday = opening(dt.date(2026, 12, 28))
    assert case.step_due_at == monday + standard - used_wednesday  # Monday 28 December 14:00
    for moment in [at(2026, 12, 24, 10, 0), at(2026, 12, 25, 15, 0), at(2026, 12, 27, 9, 0)]:
        assert watch_deadlines(now=moment) == []
    soon = monday + DUE_SOON * standard - used_wednesday
    assert [w.level for w in watch_deadlines(now=soon)] == [Level.DUE_SOON]
    assert [w.level for w in watch_deadlines(now=case.step_due_at + MINUTE)] == [Level.OVERDUE]
    assert warned(holder(desks, case.current_position)) == ["due_soon", "overdue"]


def test_a_step_found_overdue_at_once_is_warned_once_as_overdue(desks):
    case, _ = make_case(now=TUESDAY_9)
    [late] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(days=2))
    assert late.level == Level.OVERDUE
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(days=3)) == []
    assert levels(case) == ["overdue"]


def test_the_dean_receiving_an_escalation_has_no_superior_and_the_acting_dean_hears_it(desks):
    plh = make_official("plh_dekan", "wd2")
    plh.email = "plh.dekan@ft.example"
    plh.save()
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    o = desks
    case = walked(via=["escalate"], vice_dean="wd1")
    escalation = current_sop().step(step_with("escalate")).action("escalate")
    assert (case.current_step, case.current_position) == (escalation.to, "dekan")
    [late] = watch_deadlines(now=case.step_due_at + MINUTE)
    assert late.level == Level.OVERDUE and late.superior_position == ""
    assert warned(o["dean"]) == ["overdue"]
    assert warned(plh) == ["overdue"]
    assert warned(o["wd1"]) == []


def test_supporting_information_returned_for_rework_is_a_new_visit_watched_anew(desks):
    case = walked(via=["defer"])  # the clerk prepares supporting information
    first_step, first_visit = case.current_step, case.step_arrived_at
    assert [w.level for w in watch_deadlines(now=case.step_due_at + MINUTE)] == [Level.OVERDUE]
    case = returned_for_rework(case)
    assert case.current_step == first_step and case.step_arrived_at != first_visit
    [again] = watch_deadlines(now=case.step_due_at + MINUTE)
    assert (again.step, again.level) == (first_step, Level.OVERDUE)


def test_the_worker_schedule_runs_the_watch(desks, drain, mail_settings):
    make_case(now=TUESDAY_9)  # long overdue by the real clock
    config = worker_config()
    schedule.ensure_jobs(config=config)
    assert "sla_watch" in schedule.run_due(worker_id="w", config=config)
    assert schedule.run_due(worker_id="w", config=config) == []  # not due again yet: run once
    drain()
    job = ScheduledJob.objects.get(name="sla_watch")
    assert job.last_ok is True and job.last_finished_at is not None
    assert DeadlineWarning.objects.filter(level=Level.OVERDUE).count() == 1


def test_officials_see_what_they_were_warned_about(desks, client):
    case, _ = make_case(now=TUESDAY_9)
    # Raised by the real clock: the page shows the last 30 days of warnings.
    watch_deadlines(now=timezone.now())
    page = reverse("notifications:my_warnings")
    client.force_login(holder(desks, case.current_position))
    body = client.get(page).content.decode()
    assert case.tracking_code in body and "terlambat" in body
    inbox = client.get(reverse("desk:inbox")).content.decode()
    assert 'id="deadline-warnings"' in inbox and case.tracking_code in inbox
    client.force_login(holder(desks, superior_of(case)))
    assert case.tracking_code in client.get(page).content.decode()
    client.force_login(desks["wd1"])
    assert case.tracking_code not in client.get(page).content.decode()
    assert 'id="deadline-warnings"' not in client.get(reverse("desk:inbox")).content.decode()
    client.force_login(desks["outsider"])
    assert client.get(page).status_code == 403


def test_warnings_arrive_at_the_mail_server_in_each_readers_language(desks, mail_server, drain):
    # The desk's holder (the clerk, waiting to receive a new case) reads Indonesian; its
    # superior (the Kabag TU) and the superior's Plh chose English.
    case, _ = make_case(now=TUESDAY_9)
    desk, superior = holder(desks, case.current_position), holder(desks, superior_of(case))
    LanguagePreference.objects.create(user=superior, language="en")
    plh = make_official("plh_superior", "wd3")
    plh.email = "plh.superior@ft.example"
    plh.save()
    LanguagePreference.objects.create(user=plh, language="en")
    make_acting(plh, superior_of(case), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    code, link = case.tracking_code, f"https://aspirasi.ft.example/meja/kasus/{case.tracking_code}/"
    step = case.current_step
    with translation.override("en"):
        desk_name = str(current_sop().positions[case.current_position].name)
    due = timezone.localtime(case.step_due_at)
    due_text = f"{due.day} November {due.year}, {due:%H:%M} WITA"  # "3 November 2026, 09:10 WITA"
    soon, late = soon_and_late(case)

    watch_deadlines(now=soon)
    drain()
    [soon_mail] = mail_server.to(desk.email)[1:]  # after the case's arrival
    assert soon_mail.subject == f"[Aspirasi FT Unmul] Hampir jatuh tempo: {code}, langkah {step}"
    assert soon_mail.language == "id" and link in soon_mail.text
    assert f'href="{link}"' in soon_mail.html
    assert due_text in soon_mail.text
    assert mail_server.to(superior.email) == []  # "due soon" is the desk's own business

    watch_deadlines(now=case.step_due_at + dt.timedelta(seconds=1))
    drain()
    [late_mail] = mail_server.to(desk.email)[2:]
    assert late_mail.subject == f"[Aspirasi FT Unmul] Terlambat: {code}, langkah {step}"
    assert late_mail.language == "id" and link in late_mail.text
    assert "Atasan Anda juga telah diberi tahu." in late_mail.text
    for address in (superior.email, "plh.superior@ft.example"):
        [to_superior] = mail_server.to(address)
        assert to_superior.subject == (
            f"[Aspirasi FT Unmul] Overdue at {desk_name}: {code}, step {step}"
        )
        assert to_superior.language == "en"
        assert f"As superior of {desk_name} you are told that case {code}" in to_superior.text
        assert f"it was due {due_text}" in to_superior.text
        assert link in to_superior.text and f'href="{link}"' in to_superior.html
    assert mail_server.to("dean@ft.example") == []


def test_the_inbox_counts_each_waiting_visit_once_the_overdue_first(desks):
    from aspirasi.notifications.selectors import open_warnings_for

    early, _ = make_case(now=TUESDAY_9)
    later, _ = make_case(now=early.step_due_at + MINUTE)
    moved, _ = make_case(now=TUESDAY_9)
    watch_deadlines(now=early.step_due_at + MINUTE)  # early and moved: overdue
    watch_deadlines(now=later.step_due_at + MINUTE)  # later: overdue
    act(moved, "receive", now=later.step_due_at + 2 * MINUTE)
    # As if raised today: the inbox shows the last 30 days of warnings.
    DeadlineWarning.objects.update(raised_at=timezone.now())

    shown = open_warnings_for(holder(desks, early.current_position))

    assert shown.count == 2  # early and later; moved has gone on to the next step
    assert [(w.aspiration, w.level) for w in shown.first] == [
        (early, Level.OVERDUE),
        (later, Level.OVERDUE),
    ]
    # The moved case's warning is still listed on the warnings page, as done.
    assert open_warnings_for(desks["dean"]).count == 0


def test_moving_a_case_on_settles_the_warnings_of_the_visit_it_left(desks):
    case, _ = make_case(now=TUESDAY_9)
    nearly_due, past_due = soon_and_late(case)
    [soon] = watch_deadlines(now=nearly_due)
    [late] = watch_deadlines(now=past_due)
    soon.refresh_from_db()
    # The overdue warning speaks for the visit now: one warning waits.
    assert soon.settled_at == past_due
    assert late.settled_at is None

    case = act(case, "receive", now=TUESDAY_9 + dt.timedelta(hours=1))

    late.refresh_from_db()
    assert late.settled_at == case.step_arrived_at  # when the case moved on
    # The new visit (the clerk's response) is watched on its own, and its warning waits until
    # the case moves on again.
    [new_visit] = watch_deadlines(now=case.step_due_at + MINUTE)
    new_visit.refresh_from_db()
    assert (new_visit.step, new_visit.settled_at) == (case.current_step, None)


def test_a_case_returned_for_rework_keeps_only_the_new_visits_warning_open(desks):
    case = walked(via=["defer"])  # the clerk prepares supporting information
    [first] = watch_deadlines(now=case.step_due_at + MINUTE)
    case = returned_for_rework(case)
    [again] = watch_deadlines(now=case.step_due_at + MINUTE)
    first.refresh_from_db()
    again.refresh_from_db()
    assert first.step == again.step == case.current_step
    assert case.step.action("prepare_supporting_info") is not None
    assert first.settled_at is not None and again.settled_at is None


def test_a_watch_that_read_the_case_before_it_moved_raises_no_warning(desks):
    from aspirasi.notifications.sla import _raise

    case, _ = make_case(now=TUESDAY_9)
    as_the_watch_read_it = type(case).objects.get(pk=case.pk)
    _soon, late = soon_and_late(case)
    act(case, "receive", now=late - dt.timedelta(seconds=30))  # just before the watch acts

    assert _raise(as_the_watch_read_it, Level.OVERDUE, late) is None
    assert not DeadlineWarning.objects.exists()
    assert warned(holder(desks, as_the_watch_read_it.current_position)) == []


def test_the_migration_settles_warnings_of_visits_already_left(desks):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("aspirasi.notifications.migrations.0005_warning_settled")
    waiting, _ = make_case(now=TUESDAY_9)
    moved, _ = make_case(now=TUESDAY_9)
    soon, late = soon_and_late(waiting)
    watch_deadlines(now=soon)
    watch_deadlines(now=late)
    act(moved, "receive", now=late + 10 * MINUTE)
    DeadlineWarning.objects.update(settled_at=None)  # as before the field existed

    migration.settle(apps, None)

    unsettled = DeadlineWarning.objects.filter(settled_at__isnull=True)
    assert [(w.aspiration_id, w.level) for w in unsettled] == [(waiting.pk, Level.OVERDUE)]


def test_the_inbox_shows_a_waiting_visit_however_long_ago_it_was_warned(desks):
    from aspirasi.notifications.selectors import open_warnings_for

    case, _ = make_case(now=TUESDAY_9)
    soon, late = soon_and_late(case)
    watch_deadlines(now=soon)
    watch_deadlines(now=late)
    DeadlineWarning.objects.update(raised_at=timezone.now() - dt.timedelta(days=90))

    for_desk = open_warnings_for(holder(desks, case.current_position))
    assert for_desk.count == 1  # one visit: its overdue warning, not also the "due soon"
    assert [(w.aspiration, w.level) for w in for_desk.first] == [(case, Level.OVERDUE)]
    for_superior = open_warnings_for(holder(desks, superior_of(case)))
    assert [(w.aspiration, w.level) for w in for_superior.first] == [(case, Level.OVERDUE)]
    assert open_warnings_for(desks["wd1"]).count == 0
