"""The SLA watch in working time: a step is nearly due at 80% of its standard and overdue past
it; the desk hears both, its superior the overdue one (decision 16); once per visit and level.
The clock is moved across closing time, a weekend, and Christmas with its collective leave day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import perform
from aspirasi.notifications import schedule
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.models import DeadlineWarning, Message, ScheduledJob
from aspirasi.notifications.sla import watch_deadlines
from aspirasi.officials.models import LanguagePreference
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, WITA, make_acting, make_case, make_official, walk

pytestmark = pytest.mark.django_db

Level = DeadlineWarning.Level


@pytest.fixture
def desks(officials):
    for name, user in officials.items():
        user.email = f"{name}@ft.example"
        user.save()
    return officials


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


def levels(case) -> list[str]:
    return list(case.deadline_warnings.order_by("id").values_list("level", flat=True))


def warned(user) -> list[str]:
    return list(
        Message.objects.filter(to=user.email, kind__in=["due_soon", "overdue", "overdue_superior"])
        .order_by("id")
        .values_list("kind", flat=True)
    )


def at_step_3(desks, reached: dt.datetime):
    case, _ = make_case(now=reached - dt.timedelta(minutes=5))
    return perform(case, desks["clerk"], "receive", now=reached)


def test_ten_minute_step_warned_at_eight_minutes_and_overdue_after_ten(desks):
    case, _ = make_case(now=TUESDAY_9)  # step 2, 10 working minutes: due 09:10
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=7, seconds=59)) == []
    [soon] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=8))
    assert (soon.level, soon.step, soon.position) == (Level.DUE_SOON, 2, "kasubbag")
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=9)) == []  # once per level
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=10)) == []  # due, not yet past
    [late] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=10, seconds=1))
    assert (late.level, late.superior_position) == (Level.OVERDUE, "kabag_tu")
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(hours=3)) == []
    assert levels(case) == ["due_soon", "overdue"]
    assert warned(desks["clerk"]) == ["due_soon", "overdue"]
    assert warned(desks["kabag"]) == ["overdue_superior"]  # the clerk's superior
    assert warned(desks["dean"]) == []


def test_the_count_stops_at_closing_time_and_resumes_next_morning(desks):
    tuesday_1555 = at(2026, 11, 3, 15, 55)
    case, _ = make_case(now=tuesday_1555)  # 5 minutes today, 5 tomorrow: due Wed 07:35
    assert case.step_due_at == at(2026, 11, 4, 7, 35)
    assert watch_deadlines(now=at(2026, 11, 3, 23, 0)) == []  # 7 hours later, 5 minutes used
    assert watch_deadlines(now=at(2026, 11, 4, 7, 32)) == []
    assert [w.level for w in watch_deadlines(now=at(2026, 11, 4, 7, 33))] == [Level.DUE_SOON]
    assert [w.level for w in watch_deadlines(now=at(2026, 11, 4, 7, 36))] == [Level.OVERDUE]


def test_a_one_day_step_runs_over_the_weekend(desks):
    case = at_step_3(desks, at(2026, 11, 6, 14, 0))  # Friday 14:00: due Monday 14:00
    assert case.step_due_at == at(2026, 11, 9, 14, 0)
    for moment in [at(2026, 11, 6, 16, 30), at(2026, 11, 7, 12, 0), at(2026, 11, 8, 20, 0)]:
        assert watch_deadlines(now=moment) == []  # the weekend uses no working time
    # 80% of 8.5 hours is 6 h 48 min: 2 hours on Friday, 4 h 48 min from Monday 07:30.
    assert watch_deadlines(now=at(2026, 11, 9, 12, 17)) == []
    assert [w.level for w in watch_deadlines(now=at(2026, 11, 9, 12, 18))] == [Level.DUE_SOON]
    assert watch_deadlines(now=at(2026, 11, 9, 14, 0)) == []
    assert [w.level for w in watch_deadlines(now=at(2026, 11, 9, 14, 1))] == [Level.OVERDUE]


def test_christmas_and_its_collective_leave_day_are_not_counted(desks):
    # Wednesday 23 December 14:00; Thursday 24 is cuti bersama, Friday 25 Christmas.
    case = at_step_3(desks, at(2026, 12, 23, 14, 0))
    assert case.step_due_at == at(2026, 12, 28, 14, 0)
    for moment in [at(2026, 12, 24, 10, 0), at(2026, 12, 25, 15, 0), at(2026, 12, 27, 9, 0)]:
        assert watch_deadlines(now=moment) == []
    assert [w.level for w in watch_deadlines(now=at(2026, 12, 28, 12, 18))] == [Level.DUE_SOON]
    assert [w.level for w in watch_deadlines(now=at(2026, 12, 28, 14, 1))] == [Level.OVERDUE]
    assert warned(desks["clerk"]) == ["due_soon", "overdue"]


def test_a_step_found_overdue_at_once_is_warned_once_as_overdue(desks):
    case, _ = make_case(now=TUESDAY_9)
    [late] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(days=2))
    assert late.level == Level.OVERDUE
    assert watch_deadlines(now=TUESDAY_9 + dt.timedelta(days=3)) == []
    assert levels(case) == ["overdue"]


def test_the_deans_overdue_step_has_no_superior_and_the_acting_dean_hears_it(desks):
    plh = make_official("plh_dekan", "wd2")
    plh.email = "plh.dekan@ft.example"
    plh.save()
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    o = desks
    case, _ = make_case()
    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Data.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "validate", None),
            (o["kabag"], "forward", T(vice_dean="wd1")),
            (o["wd1"], "acknowledge", None),
            (o["wd1"], "draft_response", T(text="Rancangan.")),
            (o["wd1"], "escalate", T(reason="Perlu Dekan.")),
        ],
    )
    assert (case.current_step, case.current_position) == (14, "dekan")
    [late] = watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))
    assert late.level == Level.OVERDUE and late.superior_position == ""
    assert warned(o["dean"]) == ["overdue"]
    assert warned(plh) == ["overdue"]
    assert warned(o["wd1"]) == []


def back_at_step_4(case, o):
    """From step 4, late: the clerk's supporting information goes up and is returned for
    rework, so the case comes back to step 4 (a new visit)."""
    return walk(
        case,
        [
            (o["clerk"], "prepare_supporting_info", T(text="Data kurang.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "return_for_rework", T(reason="Lampirkan jadwal.")),
        ],
        start=case.step_due_at + dt.timedelta(minutes=2),
    )


def test_coming_back_to_a_step_is_a_new_visit_watched_anew(desks):
    case, _ = make_case()
    case = walk(case, [(desks["clerk"], "receive", None), (desks["clerk"], "defer", None)])
    first_visit = case.step_arrived_at
    assert [w.level for w in watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))] == [
        Level.OVERDUE
    ]
    case = back_at_step_4(case, desks)
    assert case.current_step == 4 and case.step_arrived_at != first_visit
    [again] = watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))
    assert (again.step, again.level) == (4, Level.OVERDUE)


def test_the_worker_schedule_runs_the_watch(desks, drain, mail_settings):
    make_case(now=TUESDAY_9)  # long overdue by the real clock
    config = worker_config()
    schedule.ensure_jobs(config=config)
    assert "sla_watch" in schedule.tick(config=config)
    assert schedule.tick(config=config) == []  # not due again yet: enqueued once
    drain()
    job = ScheduledJob.objects.get(name="sla_watch")
    assert job.last_ok is True and job.last_finished_at is not None
    assert DeadlineWarning.objects.filter(level=Level.OVERDUE).count() == 1


def test_officials_see_what_they_were_warned_about(desks, client):
    case, _ = make_case(now=TUESDAY_9)
    # Raised by the real clock: the page shows the last 30 days of warnings.
    watch_deadlines(now=timezone.now())
    page = reverse("notifications:my_warnings")
    client.force_login(desks["clerk"])
    body = client.get(page).content.decode()
    assert case.tracking_code in body and "terlambat" in body
    inbox = client.get(reverse("desk:inbox")).content.decode()
    assert 'id="deadline-warnings"' in inbox and case.tracking_code in inbox
    client.force_login(desks["kabag"])  # the superior
    assert case.tracking_code in client.get(page).content.decode()
    client.force_login(desks["wd1"])
    assert case.tracking_code not in client.get(page).content.decode()
    assert 'id="deadline-warnings"' not in client.get(reverse("desk:inbox")).content.decode()
    client.force_login(desks["outsider"])
    assert client.get(page).status_code == 403


def test_warnings_arrive_at_the_mail_server_in_each_readers_language(desks, mail_server, drain):
    # The clerk reads Indonesian; the Kabag TU (the clerk's superior) and the Kabag's Plh
    # chose English.
    LanguagePreference.objects.create(user=desks["kabag"], language="en")
    plh = make_official("plh_kabag", "wd3")
    plh.email = "plh.kabag@ft.example"
    plh.save()
    LanguagePreference.objects.create(user=plh, language="en")
    make_acting(plh, "kabag_tu", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    case, _ = make_case(now=TUESDAY_9)  # step 2 at the clerk's desk, due 09:10
    code, link = case.tracking_code, f"https://aspirasi.ft.example/meja/kasus/{case.tracking_code}/"
    with translation.override("en"):
        clerk_desk = str(current_sop().positions["kasubbag"].name)

    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=8))  # 80% of 10 working minutes
    drain()
    [soon] = mail_server.to("clerk@ft.example")[1:]  # after the case's arrival
    assert soon.subject == f"[Aspirasi FT Unmul] Hampir jatuh tempo: {code}, langkah 2"
    assert soon.language == "id" and link in soon.text and f'href="{link}"' in soon.html
    assert "3 November 2026, 09:10 WITA" in soon.text
    assert mail_server.to("kabag@ft.example") == []  # "due soon" is the desk's own business

    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=10, seconds=1))
    drain()
    [late] = mail_server.to("clerk@ft.example")[2:]
    assert late.subject == f"[Aspirasi FT Unmul] Terlambat: {code}, langkah 2"
    assert late.language == "id" and link in late.text
    assert "Atasan Anda juga telah diberi tahu." in late.text
    for address in ("kabag@ft.example", "plh.kabag@ft.example"):
        [superior] = mail_server.to(address)
        assert superior.subject == (f"[Aspirasi FT Unmul] Overdue at {clerk_desk}: {code}, step 2")
        assert superior.language == "en"
        assert f"As superior of {clerk_desk} you are told that case {code}" in superior.text
        assert "it was due 3 November 2026, 09:10 WITA" in superior.text
        assert link in superior.text and f'href="{link}"' in superior.html
    assert mail_server.to("dean@ft.example") == []


def test_the_inbox_counts_each_waiting_visit_once_the_overdue_first(desks):
    from aspirasi.notifications.selectors import open_warnings_for

    early, _ = make_case(now=TUESDAY_9)
    later, _ = make_case(now=TUESDAY_9 + dt.timedelta(minutes=5))
    moved, _ = make_case(now=TUESDAY_9)
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=12))  # early and moved: overdue
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=16))  # later: overdue
    walk(moved, [(desks["clerk"], "receive", None)], start=TUESDAY_9 + dt.timedelta(minutes=20))
    # As if raised today: the inbox shows the last 30 days of warnings.
    DeadlineWarning.objects.update(raised_at=timezone.now())

    shown = open_warnings_for(desks["clerk"])

    assert shown.count == 2  # early and later; moved has gone on to step 3
    assert [(w.aspiration, w.level) for w in shown.first] == [
        (early, Level.OVERDUE),
        (later, Level.OVERDUE),
    ]
    # The moved case's warning is still listed on the warnings page, as done.
    assert open_warnings_for(desks["dean"]).count == 0


def test_moving_a_case_on_settles_the_warnings_of_the_visit_it_left(desks):
    case, _ = make_case(now=TUESDAY_9)
    [soon] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=8))
    [late] = watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=11))
    soon.refresh_from_db()
    # The overdue warning speaks for the visit now: one warning waits.
    assert soon.settled_at == TUESDAY_9 + dt.timedelta(minutes=11)
    assert late.settled_at is None

    case = walk(case, [(desks["clerk"], "receive", None)], start=TUESDAY_9)

    late.refresh_from_db()
    assert late.settled_at == case.step_arrived_at  # when the case moved on
    # The new visit (step 3) is watched on its own, and its warning waits until it moves.
    [step_3] = watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))
    step_3.refresh_from_db()
    assert (step_3.step, step_3.settled_at) == (3, None)


def test_a_case_coming_back_to_a_step_keeps_only_the_new_visits_warning_open(desks):
    case, _ = make_case()
    case = walk(case, [(desks["clerk"], "receive", None), (desks["clerk"], "defer", None)])
    [first] = watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))
    case = back_at_step_4(case, desks)
    [again] = watch_deadlines(now=case.step_due_at + dt.timedelta(minutes=1))
    first.refresh_from_db()
    again.refresh_from_db()
    assert first.step == again.step == 4
    assert first.settled_at is not None and again.settled_at is None


def test_a_watch_that_read_the_case_before_it_moved_raises_no_warning(desks):
    from aspirasi.notifications.sla import _raise

    case, _ = make_case(now=TUESDAY_9)
    as_the_watch_read_it = type(case).objects.get(pk=case.pk)
    walk(case, [(desks["clerk"], "receive", None)], start=TUESDAY_9 + dt.timedelta(minutes=11))

    late = TUESDAY_9 + dt.timedelta(minutes=12)
    assert _raise(as_the_watch_read_it, Level.OVERDUE, late) is None
    assert not DeadlineWarning.objects.exists()
    assert warned(desks["clerk"]) == []


def test_the_migration_settles_warnings_of_visits_already_left(desks):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("aspirasi.notifications.migrations.0005_warning_settled")
    waiting, _ = make_case(now=TUESDAY_9)
    moved, _ = make_case(now=TUESDAY_9)
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=8))
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=11))
    walk(moved, [(desks["clerk"], "receive", None)], start=TUESDAY_9 + dt.timedelta(minutes=20))
    DeadlineWarning.objects.update(settled_at=None)  # as before the field existed

    migration.settle(apps, None)

    unsettled = DeadlineWarning.objects.filter(settled_at__isnull=True)
    assert [(w.aspiration_id, w.level) for w in unsettled] == [(waiting.pk, Level.OVERDUE)]


def test_the_inbox_shows_a_waiting_visit_however_long_ago_it_was_warned(desks):
    from aspirasi.notifications.selectors import open_warnings_for

    case, _ = make_case(now=TUESDAY_9)
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=8))
    watch_deadlines(now=TUESDAY_9 + dt.timedelta(minutes=11))
    DeadlineWarning.objects.update(raised_at=timezone.now() - dt.timedelta(days=90))

    for_clerk = open_warnings_for(desks["clerk"])
    assert for_clerk.count == 1  # one visit: its overdue warning, not also the "due soon"
    assert [(w.aspiration, w.level) for w in for_clerk.first] == [(case, Level.OVERDUE)]
    for_superior = open_warnings_for(desks["kabag"])  # the clerk's desk is below the Kabag TU's
    assert [(w.aspiration, w.level) for w in for_superior.first] == [(case, Level.OVERDUE)]
    assert open_warnings_for(desks["wd1"]).count == 0
