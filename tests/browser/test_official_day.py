"""A working day of each official, through the screens (issue 5).

The day starts mid-flow: the cases waiting in the officials' inboxes are walked there a month
ago along the SOP (so they are overdue), and then each official signs in on the login page and
does the day's work in their own browser:

- the clerk types in an aspiration that came by phone and answers another (path A);
- the Kabag TU returns one case for better supporting information and validates another, which
  goes on to the Vice Dean I;
- the Vice Dean I passes one case to the Dean and reports two answered cases to the Dean,
  leaving a third for later;
- the Dean receives and answers the case passed to them, sends the answer back to the vice dean,
  and receives the report;
- on another day an acting Dean (Plh) works the Dean's inbox, and the record says "a.n. Dekan".

Buttons are found by the Indonesian labels the SOP file gives them (`label_id`) inside the form
that posts to the action's URL; the inbox's marks and the case's state are read as they render
in Indonesian. Which step a case waits at, and the steps between, are read from the SOP file
(tests/browser/screens.py), so the day holds when a faculty changes its procedure. The database
end state is checked after the screens.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from aspirasi.cases.choices import Channel, Status
from aspirasi.cases.engine import report_to_dean
from aspirasi.cases.models import Aspiration, Report, StepRecord, SupportingInfo
from tests.factories import WITA, make_acting, make_official, step_with, walked

from .screens import (
    act,
    desk_of,
    errors_on,
    flash,
    inbox_mark,
    named,
    open_from_inbox,
    route,
    sign_in,
    state,
    step_after,
    trail_rows,
    waits_at,
    work_along,
)

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data (tests/browser/conftest.py seeds the categories).
    pytest.mark.django_db(transaction=True),
]

# How the pages render in Indonesian (aspirasi/locale/id).
OVERDUE, ON_TIME = "terlambat", "tepat waktu"
CLOSED = "Ditutup"

PHONE_SUBJECT = "Jadwal wisuda periode Desember"
PHONE_BODY = "Orang tua mahasiswa menelepon: kapan pendaftaran wisuda periode Desember ditutup?"
CLERK_ANSWER = "Pendaftaran ujian susulan dibuka 10-14 November di loket akademik lantai 1."
RETURN_REASON = "Dukungan informasi belum memuat jadwal praktikum pengganti; mohon dilengkapi."
ESCALATION_NOTE = "Permohonan keringanan di luar kewenangan WD I; mohon keputusan Dekan."
DEAN_ANSWER = "Dekan menyetujui keringanan; surat keputusan menyusul melalui bagian akademik."
REPORT_SUMMARY = "Dua aspirasi akademik telah ditanggapi langsung kepada pelanggan."
PLH_ANSWER = "Atas nama Dekan: perbaikan pendingin ruang kuliah dijadwalkan minggu depan."


def receive_report_button() -> str:
    """The Dean's button on a report page, which names the SOP's step of it."""
    return f"Nyatakan laporan diterima (langkah {step_with('receive_report')})"


# --- preparing the morning along the SOP -----------------------------------------------------


def prepared(subject, *, vice_dean="wd1", category_code="akademik", **walk) -> str:
    """A case walked along the SOP a month ago (`walk`: via/until as `walked` takes them), by
    whoever held each desk; returns its tracking code."""
    case = walked(
        vice_dean=vice_dean,
        case_options={"subject": subject, "category_code": category_code},
        **walk,
    )
    return case.tracking_code


def local_input(moment: dt.datetime) -> str:
    """What a datetime-local input holds: wall-clock time in the faculty's zone."""
    return moment.astimezone(WITA).strftime("%Y-%m-%dT%H:%M")


# --- the day ---------------------------------------------------------------------------------


def test_a_day_of_the_clerk_the_kabag_tu_a_vice_dean_and_the_dean(new_context):
    people = {
        "clerk": make_official("kasubbag", "kasubbag"),
        "kabag": make_official("kabag", "kabag_tu"),
        "wd1": make_official("wd1", "wd1"),
        "dean": make_official("dekan", "dekan"),
    }
    to_answer = prepared("Jadwal ujian susulan", until="answer")
    to_return = prepared("Praktikum yang dibatalkan", until="validate")
    to_forward = prepared("Nilai mata kuliah belum keluar", until="validate")
    to_escalate = prepared("Keringanan batas masa studi", until="escalate")
    reported = [prepared(f"Pertanyaan KRS {n}", until="report") for n in (1, 2)]
    kept_for_later = prepared("Pertanyaan KRS 3", until="report")
    answering, validating = step_with("answer"), step_with("validate")

    # --- The clerk: a phone call comes in, typed in at the desk (received on entry).
    clerk = sign_in(new_context, "kasubbag")
    assert inbox_mark(clerk, to_answer) == (OVERDUE, answering)
    clerk.goto("/meja/")
    with clerk.expect_navigation():
        clerk.locator('main a[href="/meja/masukkan/"]').click()
    assert clerk.get_by_role("heading", level=1).inner_text().strip() == "Catat aspirasi"
    arrived = timezone.now() - dt.timedelta(minutes=25)
    clerk.select_option("#id_channel", Channel.PHONE)
    clerk.fill("#id_arrived_at", local_input(arrived))
    clerk.select_option("#id_privacy", "biasa")
    clerk.fill("#id_customer_name", "Ibu Marlina")
    clerk.select_option("#id_customer_type", "orang_tua_wali")
    clerk.fill("#id_customer_phone", "0812-5400-1234")
    clerk.select_option("#id_category", label="Akademik")
    clerk.fill("#id_subject", PHONE_SUBJECT)
    clerk.fill("#id_body", PHONE_BODY)
    with clerk.expect_navigation():
        clerk.locator("main form button[type=submit]").click()
    assert "/meja/kasus/" in clerk.url, f"the intake was refused: {errors_on(clerk)}"
    phone_code = clerk.url.rstrip("/").rsplit("/", 1)[-1]
    assert f"Dicatat dengan kode {phone_code}." in flash(clerk)
    assert [s for s, _who in trail_rows(clerk)] == [step_with("receive")]
    assert state(clerk).startswith(waits_at(answering))
    assert "Telepon" in clerk.locator("main dl.meta").inner_text()
    # In the inbox the new case is on time; the one from last month is overdue.
    assert inbox_mark(clerk, phone_code) == (ON_TIME, answering)

    # The clerk answers the customer of the older case, which closes it (path A).
    open_from_inbox(clerk, to_answer)
    act(clerk, to_answer, answering, "answer", text=CLERK_ANSWER)
    assert state(clerk).startswith(CLOSED)
    assert clerk.locator("main article.card").filter(has_text=CLERK_ANSWER).count() == 1

    # --- The Kabag TU: one supporting information does not fit, the other does.
    kabag = sign_in(new_context, "kabag")
    assert inbox_mark(kabag, to_return) == (OVERDUE, validating)
    open_from_inbox(kabag, to_return)
    act(kabag, to_return, validating, "return_for_rework", reason=RETURN_REASON)
    assert state(kabag).startswith(waits_at(step_after("return_for_rework")))
    assert RETURN_REASON in kabag.locator("#trail").inner_text()
    assert "Tidak sesuai" in kabag.locator("main").inner_text()

    open_from_inbox(kabag, to_forward)
    act(kabag, to_forward, validating, "validate")
    # On to the vice dean, through whatever the SOP puts between, on whichever desk it is.
    *on_the_way, (forwarding, _forward) = route(step_after("validate"), named("forward"))
    desks = {"kasubbag": clerk, "kabag_tu": kabag}
    work_along(desks, to_forward, on_the_way)
    forwarder = desks[desk_of(to_forward)]
    open_from_inbox(forwarder, to_forward)
    forward_to = forwarder.locator('form[action$="/aksi/forward/"] select[name="forward-route"]')
    assert forward_to.input_value() == "wd1", "category akademik should suggest WD I"
    act(forwarder, to_forward, forwarding, "forward", route="wd1")

    # The returned case is back on the clerk's desk, for better supporting information.
    assert inbox_mark(clerk, to_return)[1] == step_after("return_for_rework")

    # --- The Vice Dean I: the forwarded case has arrived; one is passed on, two reported.
    wd1 = sign_in(new_context, "wd1")
    assert inbox_mark(wd1, to_forward) == (ON_TIME, step_after("forward"))
    assert inbox_mark(wd1, to_escalate) == (OVERDUE, step_with("escalate"))
    open_from_inbox(wd1, to_escalate)
    act(wd1, to_escalate, step_with("escalate"), "escalate", reason=ESCALATION_NOTE)
    assert state(wd1).startswith(waits_at(step_after("escalate")))

    wd1.goto("/meja/")
    with wd1.expect_navigation():
        wd1.locator('main a[href="/meja/laporan/"]').click()
    for code in [*reported, kept_for_later]:
        assert wd1.locator(f'input[name=cases][value="{code}"]').is_checked()
    wd1.locator(f'input[name=cases][value="{kept_for_later}"]').uncheck()
    wd1.fill("#summary", REPORT_SUMMARY)
    with wd1.expect_navigation():
        wd1.get_by_role("button", name="Kirim laporan", exact=True).click()
    assert re.search(r"/meja/laporan/[\w-]+/$", wd1.url), f"the report was refused: {wd1.url}"
    assert "Laporan terkirim kepada Dekan." in flash(wd1)
    report_url = wd1.url
    listed = wd1.locator("main ul li a").all_inner_texts()
    assert sorted(listed) == sorted(reported)
    assert wd1.locator("#report-received").inner_text().strip() == "belum"
    assert inbox_mark(wd1, kept_for_later)[1] == step_with("report")

    # --- The Dean: answers the case passed to them and receives the report.
    dean = sign_in(new_context, "dekan")
    assert inbox_mark(dean, to_escalate) == (ON_TIME, step_after("escalate"))
    for code in reported:
        assert inbox_mark(dean, code)[1] == step_with("receive_report")
    open_from_inbox(dean, to_escalate)
    assert ESCALATION_NOTE in dean.locator("#trail").inner_text()
    # Received, answered, and sent back to the vice dean: the Dean's steps.
    deans_steps = route(step_after("escalate"), named("send_to_vice_dean"))
    work_along({"dekan": dean}, to_escalate, deans_steps, {"respond": {"text": DEAN_ANSWER}})
    assert state(dean).startswith(waits_at(step_after("send_to_vice_dean")))

    # The report is reached from one of its cases, as the Dean reads it.
    open_from_inbox(dean, reported[0])
    with dean.expect_navigation():
        dean.locator("main dl.meta").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    assert dean.url == report_url
    assert dean.locator("main blockquote").inner_text().strip() == REPORT_SUMMARY
    with dean.expect_navigation():
        dean.get_by_role("button", name=receive_report_button(), exact=True).click()
    assert "Laporan diterima; kasus-kasusnya ditutup." in flash(dean)
    assert dean.locator("#report-received").inner_text().strip() != "belum"
    for code in reported:
        dean.goto(f"/meja/kasus/{code}/")
        assert state(dean).startswith(CLOSED)
        assert trail_rows(dean)[-1] == (step_with("receive_report"), "Dekan (Dekan)")

    # The Dean's answer waits for the Vice Dean I to pass it on.
    assert inbox_mark(wd1, to_escalate) == (ON_TIME, step_after("send_to_vice_dean"))

    # --- The database at the end of the day.
    cases = {c.tracking_code: c for c in Aspiration.objects.all()}
    phone = cases[phone_code]
    assert phone.channel == Channel.PHONE and phone.entered_by == people["clerk"]
    assert (phone.current_step, phone.arrived_at < phone.entered_at) == (answering, True)
    assert (cases[to_answer].status, cases[to_answer].closure) == (Status.CLOSED, "A")
    assert (cases[to_return].current_step, cases[to_return].current_position) == (
        step_after("return_for_rework"),
        "kasubbag",
    )
    assert SupportingInfo.objects.get(aspiration=cases[to_return]).verdict == "invalid"
    assert (cases[to_forward].current_step, cases[to_forward].vice_dean_position) == (
        step_after("forward"),
        "wd1",
    )
    assert (cases[to_escalate].current_step, cases[to_escalate].current_position) == (
        step_after("send_to_vice_dean"),
        "wd1",
    )
    report = Report.objects.get()
    assert report.received_by == people["dean"] and report.summary == REPORT_SUMMARY
    for code in reported:
        assert (cases[code].status, cases[code].closure, cases[code].report_id) == (
            Status.CLOSED,
            "B",
            report.pk,
        )
    assert (cases[kept_for_later].status, cases[kept_for_later].current_step) == (
        Status.OPEN,
        step_with("report"),
    )
    # Each act was done by the official who holds the desk, in their own name.
    assert not StepRecord.objects.exclude(acting_for="").exists()


def test_an_acting_dean_works_the_deans_inbox(new_context):
    people = {
        "clerk": make_official("kasubbag", "kasubbag"),
        "kabag": make_official("kabag", "kabag_tu"),
        "wd1": make_official("wd1", "wd1"),
        "wd2": make_official("wd2", "wd2"),
        "dean": make_official("dekan", "dekan"),
    }
    # The Dean is away; the Vice Dean I is Plh Dekan around today.
    today = timezone.localdate()
    make_acting(people["wd1"], "dekan", today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    people["wd1"].first_name, people["wd1"].last_name = "Ir. Rahmat", "Hidayat"
    people["wd1"].save()
    plh_name = "Ir. Rahmat Hidayat"

    facilities = {"vice_dean": "wd2", "category_code": "umum_fasilitas"}
    escalated = prepared(
        "Pendingin ruang kuliah rusak", via=["escalate"], texts={"reason": "Mohon."}, **facilities
    )
    answered = prepared("Parkir motor penuh", until="report", **facilities)
    report = report_to_dean(
        [Aspiration.objects.get(tracking_code=answered)], people["wd2"], summary="Satu kasus."
    )

    plh = sign_in(new_context, "wd1")
    assert "Plh Dekan" in plh.locator("main p", has_text="Kasus yang menunggu").inner_text()
    assert inbox_mark(plh, escalated) == (OVERDUE, step_after("escalate"))
    deans_steps = route(step_after("escalate"), named("send_to_vice_dean"))
    open_from_inbox(plh, escalated)
    first_action = deans_steps[0][1]
    assert "Plh" in plh.locator(f'section[aria-labelledby="act-{first_action}"]').inner_text()
    work_along({"dekan": plh}, escalated, deans_steps, {"respond": {"text": PLH_ANSWER}})

    # The record shows both names: the Plh's own, on behalf of (a.n.) the Dean.
    for step, who in trail_rows(plh)[-len(deans_steps) :]:
        assert who == f"{plh_name}, a.n. Dekan", f"step {step} is recorded as done by {who!r}"
    response = plh.locator("main article.card").filter(has_text=PLH_ANSWER)
    assert f"{plh_name}, a.n. Dekan" in response.inner_text()
    assert state(plh).startswith(waits_at(step_after("send_to_vice_dean")))
    # The case now waits for the Vice Dean II, not in the Plh's inbox.
    plh.goto("/meja/")
    assert plh.get_by_role("link", name=escalated, exact=True).count() == 0

    # The Vice Dean II's report waits for the Dean too: the Plh receives it.
    open_from_inbox(plh, answered)
    with plh.expect_navigation():
        plh.locator("main dl.meta").get_by_role("link", name=f"#{report.pk}", exact=True).click()
    with plh.expect_navigation():
        plh.get_by_role("button", name=receive_report_button(), exact=True).click()
    assert "Laporan diterima; kasus-kasusnya ditutup." in flash(plh)
    plh.goto(f"/meja/kasus/{answered}/")
    assert state(plh).startswith(CLOSED)
    assert trail_rows(plh)[-1] == (step_with("receive_report"), f"{plh_name}, a.n. Dekan")

    records = StepRecord.objects.filter(aspiration__tracking_code=escalated, position="dekan")
    assert records.count() == len(deans_steps)
    assert {(r.actor_id, r.acting_for) for r in records} == {(people["wd1"].pk, "dekan")}
    case = Aspiration.objects.get(tracking_code=escalated)
    assert (case.current_step, case.current_position) == (step_after("send_to_vice_dean"), "wd2")
    assert case.responses.get(step=step_with("respond")).acting_for == "dekan"
    report.refresh_from_db()
    assert report.received_by == people["wd1"]
    answered_case = Aspiration.objects.get(tracking_code=answered)
    assert (answered_case.status, answered_case.closure) == (Status.CLOSED, "B")
