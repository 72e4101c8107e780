"""The report to the Dean printed: its cases and their responses, who reported and when, and when
the Dean received it (decision 5)."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.cases.engine import receive_report, report_to_dean
from aspirasi.cases.models import Report
from tests.factories import TUESDAY_9, make_acting, make_user, step_with, walked

from .pdfs import indonesian, served_pdf, when

pytestmark = pytest.mark.django_db


def answered_case(subject, answer):
    """A case the Vice Dean I answered (path B), waiting to be reported to the Dean."""
    return walked(
        until="report",
        vice_dean="wd1",
        case_options={"subject": subject},
        texts={"supporting_info": "Jadwal dari prodi.", "response": answer},
        start=TUESDAY_9 - dt.timedelta(days=7),
    )


def print_report(client, user, report) -> str:
    client.force_login(user)
    response = client.get(reverse("printing:report_pdf", args=[report.public_id]))
    return served_pdf(response, f"laporan-{report.pk}.pdf")


def test_report_pdf_holds_its_cases_responses_reporter_and_the_deans_receipt(client, officials):
    o = officials
    plh = make_user("budi", first_name="Budi Santoso")
    make_acting(plh, "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    first = answered_case("Jadwal ujian susulan", "Ujian susulan tanggal 10.")
    second = answered_case("Nilai belum keluar", "Nilai diunggah Jumat ini.")
    sent_at = TUESDAY_9 + dt.timedelta(days=1)
    report = report_to_dean([first, second], o["wd1"], summary="Dua aspirasi.", now=sent_at)

    text = print_report(client, o["kabag"], report)

    assert "UNIVERSITAS MULAWARMAN" in text and f"LAPORAN #{report.pk}" in text
    assert "Wd1, Wakil Dekan I (Akademik)" in text and when(sent_at) in text
    assert f"{indonesian('Received by the Dean')} {indonesian('not yet')}" in text
    assert "Dua aspirasi." in text
    for case, subject, answer in (
        (first, "Jadwal ujian susulan", "Ujian susulan tanggal 10."),
        (second, "Nilai belum keluar", "Nilai diunggah Jumat ini."),
    ):
        assert f"{case.tracking_code} · {subject}" in text
        response = case.responses.get()
        assert response.step == step_with("draft_response")
        assert (
            f"Langkah {response.step} · Wd1, Wakil Dekan I (Akademik) · "
            f"ditulis {when(response.written_at)}"
        ) in text
        assert answer in text
    assert "Siti Rahma" not in text  # no customer identity in a report

    received_at = sent_at + dt.timedelta(hours=2)
    receive_report(report, plh, now=received_at)
    report.refresh_from_db()
    text = print_report(client, o["wd1"], report)  # the reporting vice dean

    assert f"Budi Santoso, a.n. Dekan {when(received_at)}" in text
    assert "Alur B" in text


def test_the_report_page_links_to_its_pdf(client, officials):
    o = officials
    case = answered_case("Jadwal", "Tanggal 10.")
    report = report_to_dean([case], o["wd1"])
    client.force_login(o["dean"])

    page = client.get(reverse("desk:report_detail", args=[report.public_id])).content.decode()

    assert f'href="{reverse("printing:report_pdf", args=[report.public_id])}"' in page
    assert "Cetak laporan (PDF)" in page
    assert Report.objects.count() == 1
