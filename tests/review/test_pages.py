"""The review's pages: who opens them, the period picker, the links from a figure to the archive
search (which lists only what the reader may read), and pages fit for the content security
policy and small screens."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.review import period as periods
from tests.factories import make_acting
from tests.web.test_content_security_policy import inline_parts

from .dataset import REASON

pytestmark = pytest.mark.django_db

REVIEW = reverse("review:dashboard")
SHEET = reverse("review:compliance")
DECEMBER = {"period": "month", "year": "2025", "month": "12"}


def html_of(response) -> str:
    return response.content.decode()


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def found_codes(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return {case.tracking_code for case, _mark in page.context["rows"]}


def codes(dataset, *names: str) -> set[str]:
    return {dataset[name].tracking_code for name in names}


# ---------------------------------------------------------------------------------------------
# Who


@pytest.mark.parametrize("who", ["dean", "kabag", "wd1", "wd3"])
def test_the_dean_the_kabag_tu_and_the_vice_deans_open_both_pages(client, officials, who):
    client.force_login(officials[who])
    assert client.get(REVIEW).status_code == 200
    assert client.get(SHEET).status_code == 200


def test_the_quality_officer_opens_them_and_the_clerk_and_an_outsider_do_not(
    client, officials, quality_officer
):
    client.force_login(quality_officer)
    assert client.get(REVIEW).status_code == 200
    for who in ("clerk", "outsider"):
        client.force_login(officials[who])
        assert client.get(REVIEW).status_code == 403, who
        assert client.get(SHEET).status_code == 403, who
    client.logout()
    assert client.get(REVIEW).status_code == 302


def test_the_menu_links_the_review_only_for_those_who_may_open_it(client, officials):
    inbox = reverse("desk:inbox")
    client.force_login(officials["dean"])
    assert f'href="{REVIEW}"' in client.get(inbox).content.decode()
    client.force_login(officials["clerk"])
    assert f'href="{REVIEW}"' not in client.get(inbox).content.decode()


def test_an_acting_vice_dean_opens_the_review_while_acting(client, officials):
    today = timezone.localdate()
    make_acting(officials["clerk"], "wd2", today, today + dt.timedelta(days=3))
    client.force_login(officials["clerk"])
    assert client.get(REVIEW).status_code == 200


# ---------------------------------------------------------------------------------------------
# The period picker


def test_the_bare_page_shows_this_month(client, officials):
    client.force_login(officials["dean"])
    today = timezone.localdate()
    page = client.get(REVIEW)
    assert page.context["review"].period == periods.month(today.year, today.month)


def test_the_period_picker_month_semester_year_and_custom_days(client, officials, december):
    client.force_login(officials["kabag"])

    page = client.get(REVIEW, DECEMBER)
    assert page.context["review"].period == periods.month(2025, 12)
    assert re.search(r'id="received-total"><a [^>]+>9</a>', html_of(page))

    page = client.get(REVIEW, {"period": "semester", "year": "2025", "half": "2"})
    assert page.context["review"].period == periods.semester(2025, 2)
    assert page.context["review"].intake.total == 10  # P in November, and December's nine
    assert "Semester 2 2025 (Juli–Desember)" in html_of(page)

    page = client.get(REVIEW, {"period": "year", "year": "2026"})
    assert page.context["review"].intake.total == 1  # N

    custom = {"period": "custom", "start": "2025-12-24", "end": "2025-12-31"}
    page = client.get(REVIEW, custom)
    assert page.context["review"].intake.total == 3  # C1 O J
    assert page.context["review"].overall.passed == 17 + 1  # C1's records, O's receipt

    page = client.get(REVIEW, {**custom, "end": "2025-12-01"})
    assert page.status_code == 400 and "review" not in page.context
    assert "Hari terakhir sebelum hari pertama." in html_of(page)
    assert client.get(REVIEW, {"period": "year", "year": "1999"}).status_code == 400


def test_the_filters_narrow_every_figure(client, officials, december):
    client.force_login(officials["dean"])
    page = client.get(REVIEW, {**DECEMBER, "category": "umum_fasilitas"})
    review = page.context["review"]
    assert (review.intake.total, review.overall.passed, review.overall.met) == (2, 15, 8)
    page = client.get(REVIEW, {**DECEMBER, "revision": str(december.first.number)})
    assert page.context["review"].sop.revision == december.first.number
    assert 'id="step-forwarding"><th scope="row">8. ' in html_of(page)


# ---------------------------------------------------------------------------------------------
# From a figure to the cases behind it


def test_a_figure_links_to_the_archive_search_which_lists_only_what_the_reader_reads(
    client, officials, december
):
    client.force_login(officials["wd1"])
    links = hrefs(html_of(client.get(REVIEW, DECEMBER)))
    by_email = "/meja/cari/?arrived_from=2025-12-01&arrived_to=2025-12-31&channel=email"
    assert by_email in links
    # B1 and C1 passed WD I's desk; J waits at the clerk's, which is not below WD I.
    assert found_codes(client, by_email) == codes(december, "B1", "C1")

    client.force_login(officials["dean"])  # reads every case
    assert found_codes(client, by_email) == codes(december, "B1", "C1", "J")


def test_the_endings_and_the_overdue_figure_link_to_their_cases(client, officials, december):
    client.force_login(officials["kabag"])
    links = hrefs(html_of(client.get(REVIEW, DECEMBER)))
    arrived = "arrived_from=2025-12-01&arrived_to=2025-12-31"
    assert found_codes(client, f"/meja/cari/?{arrived}&closure=A") == codes(
        december, "A1", "A2", "F"
    )
    assert f"/meja/cari/?{arrived}&closure=spam" in links
    assert found_codes(client, f"/meja/cari/?{arrived}&status=open") == codes(december, "O", "J")
    # Overdue is now: N, due on 5 January 2026 at 10:05, is overdue today as well.
    assert "/meja/cari/?overdue=on" in links
    assert found_codes(client, "/meja/cari/?overdue=on") == codes(december, "O", "J", "N")
    confidential = f"/meja/cari/?{arrived}&privacy=rahasia"
    assert found_codes(client, confidential) == codes(december, "B1")
    second = f"/meja/cari/?{arrived}&revision={december.second.number}"
    assert found_codes(client, second) == codes(december, "B2", "C1", "O", "J")


def test_a_failed_round_s_reason_is_shown_only_to_who_reads_its_case(client, officials, december):
    client.force_login(officials["wd1"])  # B1 passed WD I's desk
    html = html_of(client.get(REVIEW, DECEMBER))
    assert REASON in html and 'id="failed-total">1<' in html

    client.force_login(officials["wd2"])  # B1 never reached WD II
    html = html_of(client.get(REVIEW, DECEMBER))
    assert 'id="failed-total">1<' in html  # the count covers every case
    assert REASON not in html and december["B1"].tracking_code not in html
    assert 'id="failed-hidden"' in html


# ---------------------------------------------------------------------------------------------
# The pages themselves


def test_no_inline_style_or_script_and_every_table_scrolls_on_its_own(client, officials, december):
    client.force_login(officials["dean"])
    for url in (REVIEW, SHEET):
        html = html_of(client.get(url, DECEMBER))
        assert inline_parts(html) == [], url
        tables = html.count("<table")
        wrapped = len(
            re.findall(
                r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*'
                r"<table",
                html,
            )
        )
        assert tables and wrapped == tables, url
        assert html.count("<caption>") == tables, url
    assert html_of(client.get(REVIEW, DECEMBER)).count('<svg class="bars"') == 7


def test_the_figures_are_counted_in_the_database_not_case_by_case(
    client, officials, december, django_assert_max_num_queries
):
    """A busy month costs the same few grouped queries as a quiet one: none per case, step
    or official (the session, the reader's positions, about twenty-five figures, the form)."""
    client.force_login(officials["wd1"])
    client.get(REVIEW)  # the process reads the SOP revisions once
    with django_assert_max_num_queries(31):
        assert client.get(REVIEW, DECEMBER).status_code == 200
    with django_assert_max_num_queries(29):
        assert client.get(REVIEW, {**DECEMBER, "month": "6"}).status_code == 200


def test_the_compliance_sheet_page_shows_the_sop_table_and_the_performance(
    client, officials, december
):
    client.force_login(officials["kabag"])
    page = client.get(SHEET, DECEMBER)
    html = html_of(page)
    row = re.search(r'<tr id="sheet-validation">(.*?)</tr>', html, re.S)[1]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]
    assert cells[0] == "7" and cells[2] == "Kabag Tata Usaha" and cells[4] == "1 hari"
    assert cells[5] == "Tervalidasi"
    assert cells[6:] == ["4", "4/4 (100,0%)", "10 menit", "20 menit"]
    assert "Tidak ada langkah" not in html
    assert 'id="sheet-channels"' in html  # step 1, the standing duty, is in the table too
