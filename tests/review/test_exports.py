"""The exports of the review's data: only the cases the reader may read, identities only where
they may be seen, formula-looking cells stored as text, the sheet's row limit, and a record of
every export."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from aspirasi.cases.models import Aspiration
from aspirasi.review import exports
from aspirasi.review.models import Export
from tests.printing.pdfs import indonesian

pytestmark = pytest.mark.django_db

DECEMBER = {"period": "month", "year": "2025", "month": "12"}
HYPERLINK = '=HYPERLINK("http://x","klik")'


def url(kind: str, fmt: str) -> str:
    return reverse("review:export", args=[kind, fmt])


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_sheet(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return book.worksheets[0]


def xlsx_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def codes(dataset, *names: str) -> set[str]:
    return {dataset[name].tracking_code for name in names}


CODE, SUBJECT, EMAIL = "Kode pelacakan", "Perihal", "Surel (e-mail)"


def test_the_cases_of_december_as_csv_and_xlsx_with_formulas_kept_as_text(
    client, officials, december
):
    # Only open cases may change (closed ones are archived): O and J wait at step 3.
    Aspiration.objects.filter(pk=december["O"].pk).update(subject=HYPERLINK)
    Aspiration.objects.filter(pk=december["J"].pk).update(subject="+1")
    client.force_login(officials["dean"])

    page = client.get(url("kasus", "csv"), DECEMBER)
    assert page["Content-Disposition"] == 'attachment; filename="kasus-2025-12.csv"'
    rows = csv_rows(page)
    assert {r[CODE] for r in rows} == codes(
        december, "A1", "A2", "B1", "S", "F", "B2", "C1", "O", "J"
    )
    by_code = {r[CODE]: r for r in rows}
    assert by_code[december["O"].tracking_code][SUBJECT] == "'" + HYPERLINK
    assert by_code[december["J"].tracking_code][SUBJECT] == "'+1"
    assert by_code[december["B2"].tracking_code][SUBJECT] == december["B2"].subject
    assert by_code[december["O"].tracking_code][indonesian("Channel")] == "Situs web"

    page = client.get(url("kasus", "xlsx"), DECEMBER)
    assert page["Content-Disposition"] == 'attachment; filename="kasus-2025-12.xlsx"'
    sheet = xlsx_sheet(page)
    rows = xlsx_rows(sheet)
    assert len(rows) == 9
    column = list(next(sheet.iter_rows(max_row=1, values_only=True))).index(SUBJECT) + 1
    cells = {
        sheet.cell(row=n, column=1).value: sheet.cell(row=n, column=column)
        for n in range(2, sheet.max_row + 1)
    }
    link = cells[december["O"].tracking_code]
    assert link.value == HYPERLINK and link.data_type == "s"  # a string, not a formula
    assert cells[december["J"].tracking_code].value == "+1"
    assert cells[december["J"].tracking_code].data_type == "s"
    b2 = next(r for r in rows if r[CODE] == december["B2"].tracking_code)
    assert b2[indonesian("SOP revision")] == december.second.number
    assert b2[indonesian("Arrived")].isoformat() == "2025-12-16T09:00:00"  # the faculty's clock


def test_step_records_of_the_period(client, officials, december):
    client.force_login(officials["kabag"])
    rows = csv_rows(client.get(url("langkah", "csv"), DECEMBER))
    # The 54 steps of test_figures.py and S's closure outside the flow.
    assert len(rows) == 55
    b1 = [r for r in rows if r[CODE] == december["B1"].tracking_code]
    assert len(b1) == 16 and {r[indonesian("Privacy")] for r in b1} == {"Rahasia"}
    sheet = xlsx_sheet(client.get(url("langkah", "xlsx"), {**DECEMBER, "category": "akademik"}))
    found = xlsx_rows(sheet)
    assert {r[CODE] for r in found} == codes(december, "P", "A1", "B1", "F", "C1")
    receipt = next(r for r in found if r[CODE] == december["A1"].tracking_code)
    assert receipt["Waktu kerja terpakai (detik)"] == 300


def test_a_vice_dean_exports_only_what_they_read_and_no_identity_they_may_not_see(
    client, officials, december, quality_officer
):
    client.force_login(officials["wd2"])  # B2 passed WD II's desk; B1 never did
    rows = csv_rows(client.get(url("kasus", "csv"), DECEMBER))
    assert {r[CODE] for r in rows} == codes(december, "B2")
    assert rows[0][EMAIL] == december["B2"].customer_email  # a normal case shows its customer
    steps = csv_rows(client.get(url("langkah", "csv"), DECEMBER))
    assert {r[CODE] for r in steps} == codes(december, "B2")

    client.force_login(officials["wd1"])  # B1 (confidential) and C1 passed WD I's desk
    rows = {r[CODE]: r for r in csv_rows(client.get(url("kasus", "csv"), DECEMBER))}
    assert set(rows) == codes(december, "B1", "C1")
    assert rows[december["B1"].tracking_code][EMAIL] == december["B1"].customer_email

    # The quality officer reads every case but handled no step of B1: its identity stays blank.
    client.force_login(quality_officer)
    rows = {r[CODE]: r for r in csv_rows(client.get(url("kasus", "csv"), DECEMBER))}
    b1, s = rows[december["B1"].tracking_code], rows[december["S"].tracking_code]
    assert b1[indonesian("Privacy")] == "Rahasia"
    assert (b1[EMAIL], b1["Nama"], b1[indonesian("Customer type")]) == ("", "", "")
    assert s[indonesian("Privacy")] == "Anonim" and s["Nama"] == ""
    assert december["B1"].customer_email not in str(rows)


def test_each_export_is_recorded_and_the_clerk_gets_none(client, officials, december):
    client.force_login(officials["dean"])
    client.get(url("kasus", "xlsx"), {**DECEMBER, "channel": "email"})
    (logged,) = Export.objects.all()
    assert (logged.user, logged.kind, logged.format, logged.rows) == (
        officials["dean"],
        "kasus",
        "xlsx",
        3,  # B1 C1 J
    )
    assert "from=2025-12-01" in logged.filters and "channel=email" in logged.filters

    for who in ("clerk", "outsider"):
        client.force_login(officials[who])
        for kind in ("kasus", "langkah"):
            for fmt in ("csv", "xlsx"):
                assert client.get(url(kind, fmt), DECEMBER).status_code == 403
    assert Export.objects.count() == 1
    assert client.get("/meja/tinjauan/ekspor/kasus.pdf").status_code == 404


def test_an_xlsx_beyond_the_sheet_s_rows_points_to_the_csv(
    client, officials, december, monkeypatch
):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 8)
    client.force_login(officials["dean"])
    page = client.get(url("kasus", "xlsx"), DECEMBER)
    assert page.status_code == 413
    assert f'href="{url("kasus", "csv")}?' in page.content.decode()
    assert not Export.objects.exists()
    assert len(csv_rows(client.get(url("kasus", "csv"), DECEMBER))) == 9


def test_the_dashboard_links_the_report_and_the_exports_with_its_query(client, officials):
    client.force_login(officials["dean"])
    html = client.get(reverse("review:dashboard"), DECEMBER).content.decode()
    query = "period=month&amp;year=2025&amp;month=12"
    assert f'href="{reverse("review:period_report")}?{query}"' in html
    for kind in ("kasus", "langkah"):
        for fmt in ("csv", "xlsx"):
            assert f'href="{url(kind, fmt)}?{query}"' in html


def test_a_formula_cell_in_csv_and_xlsx_units():
    assert exports.csv_cell("=1+1") == "'=1+1"
    assert exports.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert exports.csv_cell("\tx") == "'\tx" and exports.csv_cell("\rx") == "'\rx"
    assert exports.csv_cell("a=b") == "a=b" and exports.csv_cell(-5) == "-5"
