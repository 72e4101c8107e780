"""Form FO-UNMUL-FT-PM-7.2.01/L01 printed for a case (decision 10): the heading, the aspiration,
every response with who gave it and how it reached the customer, and one row of the step record per
line of the trail (the SOP's standard output beside what the action produced), on each of the
three paths, with an acting official, a closure outside the flow and each privacy level.

Cases are walked along the SOP (tests/factories.py); steps are found by the actions they offer."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aspirasi.cases.choices import Delivery, Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.models import IdentityView, StepRecord
from aspirasi.cases.walking import with_verdict
from aspirasi.officials.models import Holding
from aspirasi.printing.document import moment, working_time
from aspirasi.printing.fonts import check_fonts
from aspirasi.printing.selectors import trail_rows
from aspirasi.sop.registry import current_sop
from tests.factories import (
    act,
    assert_trail_unbroken_to_the_close,
    make_acting,
    make_case,
    make_user,
    step_with,
    walked,
)

from .pdfs import indonesian, served_pdf, text_of, when

pytestmark = pytest.mark.django_db

HOLDING = "Pertanyaan Anda menunggu data dari program studi."


def form_url(case) -> str:
    return reverse("printing:case_form_pdf", args=[case.tracking_code])


def print_form(client, user, case) -> str:
    client.force_login(user)
    response = client.get(form_url(case))
    return served_pdf(response, f"formulir-{case.tracking_code}.pdf")


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


def standard_and_result(step, action_name: str) -> str:
    """How a row of the step record reads from the completeness column to the result: what the
    step needs, its time standard, its standard output, then what the action produced."""
    produced = step.output_of(step.action(action_name))[0]
    return f"{step.needs_id} {step.time.text} {step.output_id} {produced}"


def test_the_form_of_a_case_the_clerk_answered_on_path_a(client, officials):
    sop = current_sop()
    case = walked(
        path="A",
        texts={"response": "Jadwal diumumkan Senin depan di papan pengumuman."},
        case_options={"body": "Kapan jadwal ujian susulan diumumkan? Mohon info segera."},
    )

    text = print_form(client, officials["dean"], case)

    for line in ("UNIVERSITAS MULAWARMAN", "FAKULTAS TEKNIK"):
        assert line in text
    assert "KEMENTERIAN" in text
    assert sop.form_code in text
    assert sop.form_title_id.upper() in text
    assert f"{case.sop_number} {sop.title_id}, revisi {case.revision.number}" in text
    assert case.tracking_code in text
    assert case.get_channel_display() in text and case.category.name in text
    assert when(case.arrived_at) in text
    assert "Kapan jadwal ujian susulan diumumkan? Mohon info segera." in text
    assert "Siti Rahma" in text and case.customer_email in text  # biasa: identity shown
    # The response with who gave it, in what position and when.
    response = case.responses.get()
    assert response.step == step_with("answer")
    assert "Jadwal diumumkan Senin depan di papan pengumuman." in text
    assert (
        f"Langkah {step_with('answer')} · Clerk, Kasubbag Akademik dan Kemahasiswaan · "
        f"ditulis {when(response.written_at)}"
    ) in text
    assert f"Disampaikan kepada pelanggan {when(response.published_at)}" in text
    # The step record in the SOP's columns: completeness, standard, output, then what came of
    # it: the result, the actual time, whether the standard was met.
    assert indonesian("Quality standard") in text and indonesian("Completeness") in text
    assert_one_row_per_trail_line(text, case)
    received, answered = sop.step(step_with("receive")), sop.step(step_with("answer"))
    assert f"{standard_and_result(received, 'receive')} 1 jam tidak" in text  # 10 menit
    assert f"{standard_and_result(answered, 'answer')} 1 jam ya" in text  # 1 hari


def test_the_form_of_a_case_the_vice_dean_answered_and_reported_on_path_b(client, officials):
    case = walked(
        path="B",
        vice_dean="wd1",
        texts={
            "supporting_info": "Jadwal dari prodi terlampir.",
            "response": "Ujian susulan tanggal 10 pukul 08.00.",
        },
    )

    text = print_form(client, officials["clerk"], case)

    assert_trail_unbroken_to_the_close(case)
    steps = [r.step for r in case.trail.order_by("seq")]
    assert steps[-2:] == [step_with("report"), step_with("receive_report")]
    assert_one_row_per_trail_line(text, case)
    assert "Ujian susulan tanggal 10 pukul 08.00." in text
    assert "Wd1, Wakil Dekan I (Akademik)" in text
    assert "Jadwal dari prodi terlampir." in text  # the supporting information, round 1
    assert "Alur B" in text  # closed on path B


def test_the_form_of_a_case_the_dean_answered_shows_the_acting_dean_on_behalf_of_the_dean(
    client, officials
):
    o = officials
    # The Dean's office is vacant in November: Budi Santoso is Plh Dekan (decision 8), so the
    # Dean's steps of the walk are his.
    Holding.objects.filter(position="dekan").update(ends_on=dt.date(2026, 10, 31))
    plh = make_user("budi", first_name="Budi Santoso")
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    case = walked(
        path="C",
        vice_dean="wd2",
        case_options={"category_code": "keuangan"},
        inputs={
            "draft_response": T(text="Rancangan tanggapan."),
            "respond": T(text="Keringanan UKT disetujui 50%."),
        },
        texts={"reason": "Perlu keputusan Dekan soal keringanan UKT."},
    )

    text = print_form(client, o["kabag"], case)

    assert_one_row_per_trail_line(text, case)
    assert_trail_unbroken_to_the_close(case)
    records = list(case.trail.order_by("seq"))
    actions = [r.action for r in records]
    # After the escalation: the Dean's steps, then the vice dean's again to the end.
    after = [r.position for r in records[actions.index("escalate") + 1 :]]
    dean_steps = after.count("dekan")
    assert dean_steps >= 1 and after == ["dekan"] * dean_steps + ["wd2"] * (len(after) - dean_steps)
    dean_response = case.responses.get(step=step_with("respond"))
    assert (
        f"Langkah {step_with('respond')} · Budi Santoso, a.n. Dekan · "
        f"ditulis {when(dean_response.written_at)}"
    ) in text
    assert "Keringanan UKT disetujui 50%." in text
    # The draft the vice dean never sent is printed as internal.
    assert "Rancangan tanggapan." in text
    assert indonesian("Not sent to the customer (internal)") in text
    # Each of the acting Dean's steps says "a.n. Dekan", and so does his response; the
    # escalation note is on its row.
    assert {(r.actor, r.acting_for) for r in records if r.position == "dekan"} == {(plh, "dekan")}
    assert text.count("Budi Santoso, a.n. Dekan") == 1 + dean_steps
    assert "Catatan: Perlu keputusan Dekan soal keringanan UKT." in text


def test_a_closure_outside_the_flow_is_a_row_not_counted_in_compliance(client, officials):
    case = walked(via=["receive"])
    case = act(case, "spam", T(reason="Iklan pinjaman daring."))

    text = print_form(client, officials["dean"], case)

    assert_one_row_per_trail_line(text, case)
    closure = StepRecord.objects.get(aspiration=case, kind="closure")
    assert f"Penutupan di luar alur SOP (pada langkah {closure.step})" in text
    assert "» Tutup sebagai spam" in text
    assert "Catatan: Iklan pinjaman daring." in text
    assert "tidak dihitung" in text
    assert indonesian("Responses") in text and indonesian("No response yet.") in text


def test_a_deferral_is_printed_with_its_own_output_beside_the_steps_standard_output(
    client, officials
):
    case = walked(via=["defer"], inputs={"defer": T(holding_message=HOLDING)})
    record = case.trail.get(action="defer")
    step = current_sop().step(record.step)
    deferral = step.action("defer")
    assert record.output == deferral.output_id != step.output_id

    text = print_form(client, officials["clerk"], case)

    # "Tanggapan diterima pelanggan" is what the step should produce; the row says it was
    # deferred instead ("Belum dapat ditanggapi; disiapkan dukungan informasi").
    assert f"{step.needs_id} {step.time.text} {step.output_id} {deferral.output_id}" in text
    assert f"{indonesian('Message to the customer')}: {HOLDING}" in text


def test_a_failed_validation_is_printed_with_its_own_output_not_as_validated(client, officials):
    case = walked(
        via=[with_verdict("invalid"), with_verdict("valid")],
        texts={"reason": "Data prodi belum terlampir."},
    )
    records = list(case.trail.order_by("seq"))
    failed = next(r for r in records if r.action == "return_for_rework")
    passed = next(r for r in records if r.action == "validate")
    step = current_sop().step(failed.step)
    assert passed.step == step.number
    returned = step.action("return_for_rework")
    assert (failed.output, passed.output) == (returned.output_id, step.output_id)
    assert failed.output != step.output_id

    text = print_form(client, officials["clerk"], case)

    assert_one_row_per_trail_line(text, case)
    # Both rounds of the validation, each with what it produced: not validated, then validated.
    assert f"{standard_and_result(step, 'return_for_rework')} " in text
    assert f"{standard_and_result(step, 'validate')} " in text
    assert text.count(f"{step.output_id} {step.output_id}") == 1  # only the passed round
    assert "Catatan: Data prodi belum terlampir." in text


def sent_line(text: str, response) -> str:
    """What the form says between when a response was written and its text: when it was sent
    to the customer, and how."""
    after_written = text.split(f"ditulis {when(response.written_at)}", 1)[1]
    return after_written.split(response.text, 1)[0]


def test_a_response_given_by_phone_is_printed_as_sent_by_phone(client, officials):
    answer = "Jadwal ujian susulan sudah kami sampaikan lewat telepon."
    by_phone = walked(path="A", inputs={"answer": T(text=answer, delivered_via=Delivery.PHONE)})
    by_email = walked(path="A", texts={"response": answer})
    response = by_phone.responses.get()
    assert response.delivered_via == Delivery.PHONE
    with translation.override("id"):
        phone, email = str(Delivery.PHONE.label).lower(), str(Delivery.EMAIL.label).lower()

    text = print_form(client, officials["clerk"], by_phone)

    sent = sent_line(text, response)
    assert f"Disampaikan kepada pelanggan {when(response.published_at)}" in sent
    assert phone in sent and email not in sent
    e_mailed = sent_line(print_form(client, officials["clerk"], by_email), by_email.responses.get())
    assert email in e_mailed and phone not in e_mailed
    # In English, as the message is written.
    english = text_of(client.get(form_url(by_phone), HTTP_ACCEPT_LANGUAGE="en").content)
    with translation.override("en"):
        sent = moment(response.published_at)
    assert f"Sent to the customer {sent}, by phone" in english


def test_confidential_identity_is_not_printed_for_an_official_who_never_held_a_step(
    client, officials
):
    case = walked(
        via=["receive"],
        case_options={
            "privacy": Privacy.CONFIDENTIAL,
            "customer_name": "Rahmat Hidayat",
            "customer_number": "1909",
        },
    )

    text = print_form(client, officials["kabag"], case)  # reads every case, held no step

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
    client.force_login(officials["dean"])

    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()

    assert f'href="{form_url(case)}"' in page
    assert indonesian("Print the form (PDF)") == "Cetak formulir (PDF)"
    assert "Cetak formulir (PDF)" in page
    assert "print-receipt" not in page  # a web case has no receipt slip to print


def test_step_facts_come_from_the_sop_and_record_facts_from_the_trail(officials):
    sop = current_sop()
    case = walked(via=["defer"])

    first, second = trail_rows(case)

    receipt = sop.step(step_with("receive"))
    assert (
        first.number,
        first.activity,
        first.needs,
        first.standard,
        first.standard_output,
        first.output,
    ) == (
        receipt.number,
        receipt.activity,
        receipt.needs,
        receipt.time.text,
        receipt.output,
        receipt.output,
    )
    deferral_step = sop.step(step_with("defer"))
    assert second.action == deferral_step.action("defer").label
    assert second.standard_output == deferral_step.output
    assert second.output == deferral_step.output_for(deferral_step.action("defer"))
    assert (second.working_seconds, second.met) == (3600, True)
    assert second.position == sop.positions["kasubbag"].name


def test_working_time_reads_in_working_days_hours_and_minutes():
    day = 30_600  # 07:30-16:00, the faculty calendar's default opening hours
    assert working_time(600, day) == "10 menit"
    assert working_time(0, day) == "0 menit"
    assert working_time(day + 3600 + 300, day) == "1 hari kerja 1 jam 5 menit"
    assert working_time(None, day) == "—"


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
