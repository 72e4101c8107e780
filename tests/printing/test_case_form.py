"""Form FO-UNMUL-FT-PM-7.2.01/L01 printed for a case (decision 10): the heading, the aspiration,
every response with who gave it, and one row of the step record per line of the trail, on each of
the three paths, with an acting official, a closure outside the flow and each privacy level."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import receive_report, report_to_dean
from aspirasi.cases.models import IdentityView, StepRecord
from aspirasi.printing.document import working_time
from aspirasi.printing.fonts import check_fonts
from aspirasi.printing.selectors import trail_rows
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, make_acting, make_case, make_user, walk

from .pdfs import indonesian, served_pdf, when

pytestmark = pytest.mark.django_db


def form_url(case) -> str:
    return reverse("desk:case_form_pdf", args=[case.tracking_code])


def print_form(client, user, case) -> str:
    client.force_login(user)
    response = client.get(form_url(case))
    return served_pdf(response, f"formulir-{case.tracking_code}.pdf")


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


def assert_one_row_per_trail_line(text: str, case) -> None:
    """Each line of the trail is a row: its activity and action (from the SOP), who did it and
    when (from the record); one row marker per record, so nothing is left out or doubled."""
    records = list(case.trail.order_by("seq"))
    assert records
    assert text.count("» ") == len(records)
    position = 0
    for row, record in zip(trail_rows(case), records, strict=True):
        found = text.find(f"» {row.action}", position)
        assert found >= 0, f"step {record.step} {record.action} missing or out of order"
        position = found
        assert row.activity in text
        assert f"{row.done_by} {when(record.done_at)}" in text


def test_form_of_a_case_answered_by_the_clerk_path_a(client, officials):
    o = officials
    sop = current_sop()
    case, _ = make_case(body="Kapan jadwal ujian susulan diumumkan? Mohon info segera.")
    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "answer", T(text="Jadwal diumumkan Senin depan di papan pengumuman.")),
        ],
    )

    text = print_form(client, o["wd3"], case)

    for line in ("UNIVERSITAS MULAWARMAN", "FAKULTAS TEKNIK"):
        assert line in text
    assert "KEMENTERIAN" in text
    assert sop.form_code in text
    assert sop.form_title_id.upper() in text
    assert f"{case.sop_number} {sop.title_id}, revisi {case.sop_revision}" in text
    assert case.tracking_code in text
    assert case.get_channel_display() in text and case.category.name in text
    assert when(case.arrived_at) in text
    assert "Kapan jadwal ujian susulan diumumkan? Mohon info segera." in text
    assert "Siti Rahma" in text and case.customer_email in text  # biasa: identity shown
    # The response with who gave it, in what position and when.
    response = case.responses.get()
    assert "Jadwal diumumkan Senin depan di papan pengumuman." in text
    assert (
        f"Langkah 3 · Clerk, Kasubbag Akademik dan Kemahasiswaan · "
        f"ditulis {when(response.written_at)}"
    ) in text
    assert f"Disampaikan kepada pelanggan {when(response.published_at)}" in text
    # The step record in the SOP's columns: completeness, standard, actual time, met, output.
    assert indonesian("Quality standard") in text and indonesian("Completeness") in text
    assert_one_row_per_trail_line(text, case)
    step2, step3 = sop.step(2), sop.step(3)
    assert f"{step2.needs} {step2.time.text} {step2.output} 1 jam tidak" in text
    assert f"{step3.needs} {step3.time.text} {step3.output} 1 jam ya" in text


def test_form_of_a_case_answered_by_the_vice_dean_and_reported_path_b(client, officials):
    o = officials
    case, _ = make_case()
    case = to_step_9(case, o)
    case = walk(
        case,
        [
            (o["wd1"], "acknowledge", None),
            (o["wd1"], "draft_response", T(text="Ujian susulan tanggal 10 pukul 08.00.")),
            (o["wd1"], "communicate", None),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    report = report_to_dean([case], o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    receive_report(report, o["dean"], now=TUESDAY_9 + dt.timedelta(days=1, hours=1))
    case.refresh_from_db()

    text = print_form(client, o["clerk"], case)

    assert [r.step for r in case.trail.all()] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert_one_row_per_trail_line(text, case)
    assert "Ujian susulan tanggal 10 pukul 08.00." in text
    assert "Wd1, Wakil Dekan I (Akademik)" in text
    assert "Jadwal dari prodi terlampir." in text  # the supporting information, round 1
    assert "Alur B" in text  # closed on path B


def test_form_of_an_escalated_case_shows_the_acting_dean_on_behalf_of_the_dean(client, officials):
    o = officials
    plh = make_user("budi", first_name="Budi Santoso")
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    case, _ = make_case(category_code="keuangan")
    case = to_step_9(case, o, vice_dean="wd2")
    case = walk(
        case,
        [
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "draft_response", T(text="Rancangan tanggapan.")),
            (o["wd2"], "escalate", T(reason="Perlu keputusan Dekan soal keringanan UKT.")),
            (plh, "acknowledge", None),
            (plh, "respond", T(text="Keringanan UKT disetujui 50%.")),
            (plh, "send_to_vice_dean", None),
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "deliver", None),
            (o["wd2"], "archive", None),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )

    text = print_form(client, o["kabag"], case)

    assert_one_row_per_trail_line(text, case)
    assert [r.step for r in case.trail.all()][-9:] == [9, 10, 11, 14, 15, 16, 17, 18, 19]
    dean_response = case.responses.get(step=15)
    assert (
        f"Langkah 15 · Budi Santoso, a.n. Dekan · ditulis {when(dean_response.written_at)}"
    ) in text
    assert "Keringanan UKT disetujui 50%." in text
    # The draft the vice dean never sent is printed as internal.
    assert "Rancangan tanggapan." in text
    assert indonesian("Not sent to the customer (internal)") in text
    # The acting Dean's three steps, each "a.n. Dekan"; the escalation note on its row.
    assert text.count("Budi Santoso, a.n. Dekan") == 4  # one response + steps 14, 15, 16
    assert "Catatan: Perlu keputusan Dekan soal keringanan UKT." in text


def test_a_closure_outside_the_flow_is_a_row_not_counted_in_compliance(client, officials):
    o = officials
    case, _ = make_case()
    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "spam", T(reason="Iklan pinjaman daring.")),
        ],
    )

    text = print_form(client, o["dean"], case)

    assert_one_row_per_trail_line(text, case)
    closure = StepRecord.objects.get(aspiration=case, kind="closure")
    assert f"Penutupan di luar alur SOP (pada langkah {closure.step})" in text
    assert "» Tutup sebagai spam" in text
    assert "Catatan: Iklan pinjaman daring." in text
    assert "tidak dihitung" in text
    assert indonesian("Responses") in text and indonesian("No response yet.") in text


def test_confidential_identity_is_not_printed_for_an_official_who_never_held_a_step(
    client, officials
):
    o = officials
    case, _ = make_case(
        privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat", customer_number="1909"
    )
    case = walk(case, [(o["clerk"], "receive", None)])

    text = print_form(client, o["wd2"], case)

    assert "Rahmat Hidayat" not in text
    assert case.customer_email not in text and "1909" not in text
    assert indonesian("Confidential: shown only to officials who handle a step of this case.") in (
        text
    )
    assert not IdentityView.objects.filter(aspiration=case).exists()


def test_confidential_identity_is_printed_for_the_holder_and_the_printout_is_recorded(
    client, officials
):
    o = officials
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat")

    text = print_form(client, o["clerk"], case)

    assert "Rahmat Hidayat" in text and case.customer_email in text
    view = IdentityView.objects.get(aspiration=case)
    assert (view.user, view.reason) == (o["clerk"], "holds the case now (printed the form)")


def test_anonymous_case_prints_no_identity(client, officials):
    case, _ = make_case(privacy=Privacy.ANONYMOUS, customer_name="Siti Rahma")

    text = print_form(client, officials["clerk"], case)

    assert "Siti Rahma" not in text and "@example" not in text
    assert indonesian("Anonymous: no identity is stored.") in text


def test_the_case_page_links_to_the_printed_form(client, officials):
    case, _ = make_case()
    client.force_login(officials["wd1"])

    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()

    assert f'href="{form_url(case)}"' in page
    assert indonesian("Print the form (PDF)") == "Cetak formulir (PDF)"
    assert "Cetak formulir (PDF)" in page
    assert "print-receipt" not in page  # a web case has no receipt slip to print


def test_step_facts_come_from_the_sop_and_record_facts_from_the_trail(officials):
    o = officials
    sop = current_sop()
    case, _ = make_case()
    case = walk(case, [(o["clerk"], "receive", None), (o["clerk"], "defer", None)])

    first, second = trail_rows(case)

    assert (first.number, first.activity, first.needs, first.standard, first.output) == (
        2,
        sop.step(2).activity,
        sop.step(2).needs,
        sop.step(2).time.text,
        sop.step(2).output,
    )
    assert second.action == sop.step(3).action("defer").label
    assert (second.working_seconds, second.met) == (3600, True)
    assert second.position == sop.positions["kasubbag"].name


def test_working_time_reads_in_working_days_hours_and_minutes():
    assert working_time(600, 30_600) == "10 menit"
    assert working_time(0, 30_600) == "0 menit"
    assert working_time(round(8.5 * 3600) + 3600 + 300, 30_600) == "1 hari kerja 1 jam 5 menit"
    assert working_time(None, 30_600) == "—"


def test_a_missing_font_is_a_clear_503_and_a_check_warning(client, officials, tmp_path):
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL)
    client.force_login(officials["clerk"])

    with override_settings(ASPIRASI_PDF_FONT_DIR=str(tmp_path)):
        response = client.get(form_url(case))
        warnings = check_fonts()

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert indonesian("Printing is unavailable") in response.content.decode()
    assert [w.id for w in warnings] == ["printing.W001"]
    assert "fonts-dejavu-core" in warnings[0].msg
    assert not IdentityView.objects.filter(aspiration=case).exists()
