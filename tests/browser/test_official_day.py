"""A working day of each official, through the screens (issue 5).

The day starts mid-flow: the cases waiting in the officials' inboxes are walked there a month
ago with the engine (so they are overdue), and then each official signs in on the login page and
does the day's work in their own browser:

- the clerk types in an aspiration that came by phone and answers another (path A);
- the Kabag TU returns one case for better supporting information and forwards another;
- the Vice Dean I escalates one case to the Dean and reports two answered cases on the step-12
  screen, leaving a third for later;
- the Dean answers the escalated case (steps 14-16) and receives the report (step 13);
- on another day an acting Dean (Plh) works the Dean's inbox, and the record says "a.n. Dekan".

Buttons are found by the Indonesian labels the SOP file gives them (`label_id`) inside the form
that posts to the action's URL; the inbox's marks and the case's state are read as they render
in Indonesian. The database end state is checked after the screens.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from aspirasi.cases.choices import Channel, Status
from aspirasi.cases.engine import ActionInput, report_to_dean
from aspirasi.cases.models import Aspiration, Report, StepRecord, SupportingInfo
from aspirasi.sop.registry import current_sop
from tests.factories import WITA, make_acting, make_case, make_official, walk

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data (tests/browser/conftest.py seeds the categories).
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "rahasia-demo-123"  # tests.factories.make_user's default

# How the pages render in Indonesian (aspirasi/locale/id).
OVERDUE, ON_TIME = "terlambat", "tepat waktu"
CLOSED = "Ditutup"
RECEIVE_REPORT = "Nyatakan laporan diterima (langkah 13)"

PHONE_SUBJECT = "Jadwal wisuda periode Desember"
PHONE_BODY = "Orang tua mahasiswa menelepon: kapan pendaftaran wisuda periode Desember ditutup?"
CLERK_ANSWER = "Pendaftaran ujian susulan dibuka 10-14 November di loket akademik lantai 1."
RETURN_REASON = "Dukungan informasi belum memuat jadwal praktikum pengganti; mohon dilengkapi."
ESCALATION_NOTE = "Permohonan keringanan di luar kewenangan WD I; mohon keputusan Dekan."
DEAN_ANSWER = "Dekan menyetujui keringanan; surat keputusan menyusul melalui bagian akademik."
REPORT_SUMMARY = "Dua aspirasi akademik telah ditanggapi langsung kepada pelanggan."
PLH_ANSWER = "Atas nama Dekan: perbaikan pendingin ruang kuliah dijadwalkan minggu depan."


# --- preparing the morning with the engine -------------------------------------------------


def to_step_3(people):
    return [(people["clerk"], "receive", None)]


def to_step_7(people):
    return to_step_3(people) + [
        (people["clerk"], "defer", None),
        (people["clerk"], "prepare_supporting_info", ActionInput(text="Dukungan informasi awal.")),
        (people["clerk"], "hand_over", None),
        (people["kabag"], "acknowledge", None),
    ]


def to_step_11(people, vice_dean="wd1"):
    return to_step_7(people) + [
        (people["kabag"], "validate", None),
        (people["kabag"], "forward", ActionInput(vice_dean=vice_dean)),
        (people[vice_dean], "acknowledge", None),
        (people[vice_dean], "draft_response", ActionInput(text="Rancangan tanggapan.")),
    ]


def to_step_12(people, vice_dean="wd1"):
    return to_step_11(people, vice_dean) + [(people[vice_dean], "communicate", None)]


def prepared(people, steps, subject, category_code="akademik"):
    case, _secret = make_case(subject=subject, category_code=category_code)
    return walk(case, steps(people)).tracking_code


# --- what an official does in the browser ----------------------------------------------------


def label(step: int, action: str) -> str:
    """The Indonesian button label the SOP file gives an action of a step."""
    for candidate in current_sop().step(step).actions:
        if candidate.name == action:
            return candidate.label_id
    raise AssertionError(f"step {step} has no action {action!r} in the SOP file")


def sign_in(new_context, username: str):
    page = new_context().new_page()
    page.goto("/meja/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/meja/"), f"{username} could not sign in: {page.url}"
    return page


def inbox_row(page, code: str):
    """The inbox's row for a case (reloads the inbox); fails when the case is not listed."""
    page.goto("/meja/")
    rows = page.locator("main table tbody tr").filter(
        has=page.get_by_role("link", name=code, exact=True)
    )
    assert rows.count() == 1, f"{code} is not in the inbox of {page.url}"
    return rows


def inbox_mark(page, code: str) -> tuple[str, int]:
    """The due mark shown for a case in the inbox, and the step it waits at."""
    row = inbox_row(page, code)
    step = int(re.match(r"\s*(\d+)", row.locator("td").nth(2).inner_text()).group(1))
    return row.locator("td.mark").inner_text().strip(), step


def open_from_inbox(page, code: str) -> None:
    row = inbox_row(page, code)
    with page.expect_navigation():
        row.get_by_role("link", name=code, exact=True).click()
    assert page.url.endswith(f"/meja/kasus/{code}/")


def trail_rows(page) -> list[tuple[int, str]]:
    """The step record as shown: (step number, done by) per row."""
    rows = page.locator("#trail tbody tr")
    result = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        step = int(re.match(r"\s*(\d+)", cells.nth(1).inner_text()).group(1))
        result.append((step, cells.nth(2).inner_text().strip()))
    return result


def state(page) -> str:
    return page.locator("#case-state").inner_text().strip()


def act(page, code: str, step: int, action: str, **fields) -> None:
    """Fill and submit the form of one open action; check the trail gained that step."""
    form = page.locator(f'form[action="/meja/kasus/{code}/aksi/{action}/"]')
    assert form.count() == 1, f"step {step}: no form for {action!r} on {page.url}"
    for name, value in fields.items():
        field = form.locator(f'[name="{action}-{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    done_before = len(trail_rows(page))
    with page.expect_navigation():
        form.get_by_role("button", name=label(step, action), exact=True).click()
    errors = errors_on(page)
    assert not errors, f"step {step} {action!r} refused: {errors}"
    steps = [s for s, _who in trail_rows(page)]
    assert len(steps) == done_before + 1 and steps[-1] == step, (
        f"after {action!r} the trail should end with step {step}, it reads {steps}"
    )


def errors_on(page) -> list[str]:
    return page.locator("main .error-box, main p.error").all_inner_texts()


def flash(page) -> str:
    return " ".join(page.locator("main [role=status]").all_inner_texts())


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
    to_answer = prepared(people, to_step_3, "Jadwal ujian susulan")
    to_return = prepared(people, to_step_7, "Praktikum yang dibatalkan")
    to_forward = prepared(people, to_step_7, "Nilai mata kuliah belum keluar")
    to_escalate = prepared(people, to_step_11, "Keringanan batas masa studi")
    reported = [prepared(people, to_step_12, f"Pertanyaan KRS {n}") for n in (1, 2)]
    kept_for_later = prepared(people, to_step_12, "Pertanyaan KRS 3")

    # --- The clerk: a phone call comes in, typed in at the desk (step 2 done on entry).
    clerk = sign_in(new_context, "kasubbag")
    assert inbox_mark(clerk, to_answer) == (OVERDUE, 3)
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
    assert [s for s, _who in trail_rows(clerk)] == [2]
    assert state(clerk).startswith("Langkah 3")
    assert "Telepon" in clerk.locator("main dl.meta").inner_text()
    # In the inbox the new case is on time; the one from last month is overdue.
    assert inbox_mark(clerk, phone_code) == (ON_TIME, 3)

    # The clerk answers the customer of the older case, which closes it (path A).
    open_from_inbox(clerk, to_answer)
    act(clerk, to_answer, 3, "answer", text=CLERK_ANSWER)
    assert state(clerk).startswith(CLOSED)
    assert clerk.locator("main article.card").filter(has_text=CLERK_ANSWER).count() == 1

    # --- The Kabag TU: one supporting information does not fit, the other does.
    kabag = sign_in(new_context, "kabag")
    assert inbox_mark(kabag, to_return) == (OVERDUE, 7)
    open_from_inbox(kabag, to_return)
    act(kabag, to_return, 7, "return_for_rework", reason=RETURN_REASON)
    assert state(kabag).startswith("Langkah 4")
    assert RETURN_REASON in kabag.locator("#trail").inner_text()
    assert "Tidak sesuai" in kabag.locator("main").inner_text()

    open_from_inbox(kabag, to_forward)
    act(kabag, to_forward, 7, "validate")
    forward_to = kabag.locator('form[action$="/aksi/forward/"] select[name="forward-route"]')
    assert forward_to.input_value() == "wd1", "category akademik should suggest WD I"
    act(kabag, to_forward, 8, "forward", vice_dean="wd1")

    # The returned case is back on the clerk's desk, at step 4.
    assert inbox_mark(clerk, to_return)[1] == 4

    # --- The Vice Dean I: the forwarded case has arrived; one is escalated, two reported.
    wd1 = sign_in(new_context, "wd1")
    assert inbox_mark(wd1, to_forward) == (ON_TIME, 9)
    assert inbox_mark(wd1, to_escalate) == (OVERDUE, 11)
    open_from_inbox(wd1, to_escalate)
    act(wd1, to_escalate, 11, "escalate", reason=ESCALATION_NOTE)
    assert state(wd1).startswith("Langkah 14")

    wd1.goto("/meja/")
    with wd1.expect_navigation():
        wd1.locator('main a[href="/meja/laporan/"]').click()
    for code in [*reported, kept_for_later]:
        assert wd1.locator(f'input[name=cases][value="{code}"]').is_checked()
    wd1.locator(f'input[name=cases][value="{kept_for_later}"]').uncheck()
    wd1.fill("#summary", REPORT_SUMMARY)
    with wd1.expect_navigation():
        wd1.get_by_role("button", name="Kirim laporan", exact=True).click()
    assert re.search(r"/meja/laporan/\d+/$", wd1.url), f"the report was refused: {wd1.url}"
    assert "Laporan terkirim kepada Dekan." in flash(wd1)
    report_url = wd1.url
    listed = wd1.locator("main ul li a").all_inner_texts()
    assert sorted(listed) == sorted(reported)
    assert wd1.locator("#report-received").inner_text().strip() == "belum"
    assert inbox_mark(wd1, kept_for_later)[1] == 12

    # --- The Dean: answers the escalated case and receives the report.
    dean = sign_in(new_context, "dekan")
    assert inbox_mark(dean, to_escalate) == (ON_TIME, 14)
    for code in reported:
        assert inbox_mark(dean, code)[1] == 13
    open_from_inbox(dean, to_escalate)
    assert ESCALATION_NOTE in dean.locator("#trail").inner_text()
    act(dean, to_escalate, 14, "acknowledge")
    act(dean, to_escalate, 15, "respond", text=DEAN_ANSWER)
    act(dean, to_escalate, 16, "send_to_vice_dean")
    assert state(dean).startswith("Langkah 17")

    # The report is reached from one of its cases, as the Dean reads it.
    open_from_inbox(dean, reported[0])
    with dean.expect_navigation():
        dean.locator("main dl.meta").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    assert dean.url == report_url
    assert dean.locator("main blockquote").inner_text().strip() == REPORT_SUMMARY
    with dean.expect_navigation():
        dean.get_by_role("button", name=RECEIVE_REPORT, exact=True).click()
    assert "Laporan diterima; kasus-kasusnya ditutup." in flash(dean)
    assert dean.locator("#report-received").inner_text().strip() != "belum"
    for code in reported:
        dean.goto(f"/meja/kasus/{code}/")
        assert state(dean).startswith(CLOSED)
        assert trail_rows(dean)[-1] == (13, "Dekan (Dekan)")

    # The Dean's answer waits for the Vice Dean I to pass it on (step 17).
    assert inbox_mark(wd1, to_escalate) == (ON_TIME, 17)

    # --- The database at the end of the day.
    cases = {c.tracking_code: c for c in Aspiration.objects.all()}
    phone = cases[phone_code]
    assert phone.channel == Channel.PHONE and phone.entered_by == people["clerk"]
    assert (phone.current_step, phone.arrived_at < phone.entered_at) == (3, True)
    assert (cases[to_answer].status, cases[to_answer].closure) == (Status.CLOSED, "A")
    assert (cases[to_return].current_step, cases[to_return].current_position) == (4, "kasubbag")
    assert SupportingInfo.objects.get(aspiration=cases[to_return]).verdict == "invalid"
    assert (cases[to_forward].current_step, cases[to_forward].vice_dean_position) == (9, "wd1")
    assert (cases[to_escalate].current_step, cases[to_escalate].current_position) == (17, "wd1")
    report = Report.objects.get()
    assert report.received_by == people["dean"] and report.summary == REPORT_SUMMARY
    for code in reported:
        assert (cases[code].status, cases[code].closure, cases[code].report_id) == (
            Status.CLOSED,
            "B",
            report.pk,
        )
    assert (cases[kept_for_later].status, cases[kept_for_later].current_step) == (Status.OPEN, 12)
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

    escalated = prepared(
        people,
        lambda p: to_step_11(p, "wd2") + [(p["wd2"], "escalate", ActionInput(reason="Mohon."))],
        "Pendingin ruang kuliah rusak",
        category_code="umum_fasilitas",
    )
    answered = prepared(
        people, lambda p: to_step_12(p, "wd2"), "Parkir motor penuh", category_code="umum_fasilitas"
    )
    report = report_to_dean(
        [Aspiration.objects.get(tracking_code=answered)], people["wd2"], summary="Satu kasus."
    )

    plh = sign_in(new_context, "wd1")
    assert "Plh Dekan" in plh.locator("main p", has_text="Kasus yang menunggu").inner_text()
    assert inbox_mark(plh, escalated) == (OVERDUE, 14)
    open_from_inbox(plh, escalated)
    assert "Plh" in plh.locator('section[aria-labelledby="act-acknowledge"]').inner_text()
    act(plh, escalated, 14, "acknowledge")
    act(plh, escalated, 15, "respond", text=PLH_ANSWER)
    act(plh, escalated, 16, "send_to_vice_dean")

    # The record shows both names: the Plh's own, on behalf of (a.n.) the Dean.
    for step, who in trail_rows(plh)[-3:]:
        assert who == f"{plh_name}, a.n. Dekan", f"step {step} is recorded as done by {who!r}"
    response = plh.locator("main article.card").filter(has_text=PLH_ANSWER)
    assert f"{plh_name}, a.n. Dekan" in response.inner_text()
    assert state(plh).startswith("Langkah 17")
    # The case now waits for the Vice Dean II, not in the Plh's inbox.
    plh.goto("/meja/")
    assert plh.get_by_role("link", name=escalated, exact=True).count() == 0

    # The Vice Dean II's report waits for the Dean too: the Plh receives it.
    open_from_inbox(plh, answered)
    with plh.expect_navigation():
        plh.locator("main dl.meta").get_by_role("link", name=f"#{report.pk}", exact=True).click()
    with plh.expect_navigation():
        plh.get_by_role("button", name=RECEIVE_REPORT, exact=True).click()
    assert "Laporan diterima; kasus-kasusnya ditutup." in flash(plh)
    plh.goto(f"/meja/kasus/{answered}/")
    assert state(plh).startswith(CLOSED)
    assert trail_rows(plh)[-1] == (13, f"{plh_name}, a.n. Dekan")

    records = StepRecord.objects.filter(aspiration__tracking_code=escalated, step__in=[14, 15, 16])
    assert {(r.actor_id, r.acting_for) for r in records} == {(people["wd1"].pk, "dekan")}
    case = Aspiration.objects.get(tracking_code=escalated)
    assert (case.current_step, case.current_position) == (17, "wd2")
    assert case.responses.get(step=15).acting_for == "dekan"
    report.refresh_from_db()
    assert report.received_by == people["wd1"]
    answered_case = Aspiration.objects.get(tracking_code=answered)
    assert (answered_case.status, answered_case.closure) == (Status.CLOSED, "B")
