"""The period report as PDF, read back with pypdf: the key figures of the December data set (the
numbers test_figures.py works out by hand), the compliance sheet's rows, the cases listed only
where the reader may read them, and the view that serves it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aspirasi.cases.access import readable_cases
from aspirasi.cases.models import Aspiration
from aspirasi.review import period as periods
from aspirasi.review.dashboard import review
from aspirasi.review.report_pdf import period_report_pdf
from aspirasi.review.scope import Filters
from aspirasi.sop.registry import current_sop
from tests.printing.pdfs import indonesian, text_of

from .dataset import NOW

pytestmark = pytest.mark.django_db

REPORT = reverse("review:period_report")
DECEMBER = {"period": "month", "year": "2025", "month": "12"}


def report_text(user) -> str:
    found = review(periods.month(2025, 12), Filters(), NOW)
    data = period_report_pdf(
        found, cases=readable_cases(user), printed_by="Penguji", printed_at=NOW
    )
    return text_of(data)


def test_the_cover_and_the_key_figures_of_december(december, officials):
    text = report_text(officials["dean"])
    sop = current_sop(NOW)
    assert "FAKULTAS TEKNIK" in text  # the printing letterhead, from the SOP's issuer
    assert f"{sop.number} · {sop.form_code}" in text
    assert "Desember 2025" in text
    assert f"{indonesian('Filters')} {indonesian('Every case')}" in text

    figures = {
        "Received in the period": "9",
        "Follow-ups of a closed case among them": "1",
        "Closed outside the flow": "1",  # S, as spam
        "Steps finished in the period": "54",
        "Within standard, all steps": "47/54 (87,0%)",
        "Escalations to the Dean": "1",  # C1
        "Validation rounds that failed": "1",  # B1
        "Response rate": "3/7 (42,9%)",
    }
    for label, value in figures.items():
        assert f"{indonesian(label)} {value}" in text, label
    assert f"{indonesian('Overdue now')} 2 (" in text  # O and J, as of 5 January 10:00
    assert f"{indonesian('Still open')} 2" in text
    for label in (
        "Alur A: ditanggapi Kasubbag 3",  # A1 A2 F
        "Alur B: ditanggapi Wakil Dekan 2",  # B1 B2
        "Alur C: ditanggapi Dekan 1",  # C1
    ):
        assert f"{indonesian('Ended')}: {label}" in text, label
    assert "IKM 86.11 (B," in text


def test_the_compliance_sheet_rows_the_charts_and_the_blank_pages(december, officials):
    text = report_text(officials["dean"])
    sop = current_sop(NOW)
    assert indonesian("SOP compliance sheet") in text
    receipt = sop.steps_by_key["receipt"]
    # Step 2: 7 passed, 5 of 7 within standard, median 10 min, p90 20 min (test_figures.py).
    assert f"{receipt.number} {receipt.activity.split()[0]}" in text
    assert "7 5/7 (71,4%) 10 menit 20 menit" in text
    # Step 3: 6 of 7, median 3600 s, p90 33000 s (9 h 10 min).
    assert "7 6/7 (85,7%) 1 jam 9 jam 10 menit" in text
    assert indonesian("A standing duty, not a step of each case.") in text  # step 1
    assert indonesian("By channel") in text and indonesian("Within standard, per step") in text
    assert "Kesimpulan tinjauan" in text
    for who in ("Mengetahui", "Dekan", "Kabag Tata Usaha", "Penjaminan Mutu", "NIP"):
        assert who in text, who


def test_overdue_and_escalated_cases_are_listed_only_where_the_reader_may_read(december, officials):
    everything = report_text(officials["dean"])
    for name in ("O", "J", "C1"):  # overdue O, J; escalated C1
        case = december[name]
        assert case.tracking_code in everything and case.subject in everything
    assert "lagi yang tidak dapat Anda buka" not in everything

    # WD I read C1 (it passed their desk) but neither overdue case, waiting at the Kasubbag.
    wd1 = officials["wd1"]
    readable = set(Aspiration.objects.filter(readable_cases(wd1)).values_list("pk", flat=True))
    assert december["C1"].pk in readable and december["O"].pk not in readable
    text = report_text(wd1)
    assert december["C1"].tracking_code in text
    assert december["O"].tracking_code not in text and december["J"].tracking_code not in text
    assert indonesian("And %(n)s more you may not open.") % {"n": 2} in text
    # The counts still cover every case.
    assert f"{indonesian('Overdue now')} 2 (" in text


def test_the_view_serves_the_dashboard_s_query_as_an_attachment(client, officials, december):
    client.force_login(officials["kabag"])
    page = client.get(REPORT, {**DECEMBER, "category": "akademik"})
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page["Content-Disposition"] == 'attachment; filename="laporan-tinjauan-2025-12.pdf"'
    assert "no-store" in page["Cache-Control"]
    text = text_of(page.content)
    assert "Kategori: Akademik" in text
    assert f"{indonesian('Received in the period')} 5" in text  # A1 B1 F C1 J

    semester = client.get(REPORT, {"period": "semester", "year": "2025", "half": "2"})
    assert 'filename="laporan-tinjauan-2025-S2.pdf"' in semester["Content-Disposition"]
    assert client.get(REPORT, {"period": "year", "year": "1999"}).status_code == 400


def test_the_clerk_and_an_outsider_get_no_report(client, officials):
    for who in ("clerk", "outsider"):
        client.force_login(officials[who])
        assert client.get(REPORT, DECEMBER).status_code == 403, who
