"""From the figures of the steps and of the officials to the cases behind them (issue 15: every
figure links to its cases in the archive search, which lists only what the reader may read).

A step's figure counts the steps finished in the period; its link lists the cases with such a
step, so a case that passed the step twice (B1's failed validation round and its second one)
is one case behind two steps. The data set is dataset.py's December 2025.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from aspirasi.review import period as periods
from aspirasi.review import steps
from aspirasi.review.scope import Filters, reference_sop

from .dataset import NOW

pytestmark = pytest.mark.django_db

REVIEW = reverse("review:dashboard")
SHEET = reverse("review:compliance")
DECEMBER = {"period": "month", "year": "2025", "month": "12"}


def codes(dataset, *names: str) -> set[str]:
    return {dataset[name].tracking_code for name in names}


def cells(html: str, row_id: str) -> list[str]:
    """The cells of one table row, as HTML."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert row, row_id
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[1], re.S)


def link_in(cell: str) -> tuple[str, str]:
    """The (address, text) of the one link in a cell."""
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>', cell)
    assert len(found) == 1, cell
    return unescape(found[0][0]), found[0][1]


def follow(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return {case.tracking_code for case, _mark in page.context["rows"]}


def test_step_figure_links_to_its_cases(client, officials, december):
    client.force_login(officials["kabag"])  # reads every case
    html = client.get(REVIEW, DECEMBER).content.decode()

    url, count = link_in(cells(html, "step-receipt")[1])
    assert url == ("/meja/cari/?done_from=2025-12-01&done_to=2025-12-31&trail_step=receipt")
    # Seven receipts in December, one per case; P's was in November, J's in January.
    assert count == "7"
    assert follow(client, url) == codes(december, "A1", "A2", "B1", "F", "B2", "C1", "O")

    # Four validations: B1's failed round and its second one, B2's, C1's.
    url, count = link_in(cells(html, "step-validation")[1])
    assert count == "4" and follow(client, url) == codes(december, "B1", "B2", "C1")


def test_the_beyond_standard_figure_links_to_the_cases_late_at_that_step(
    client, officials, december
):
    client.force_login(officials["dean"])
    html = client.get(REVIEW, DECEMBER).content.decode()

    within = cells(html, "step-receipt")[2]
    assert within.startswith("5/7 ")
    url, text = link_in(within)
    assert text == "2 melebihi mutu baku"
    assert follow(client, url) == codes(december, "A2", "B2")
    # A step where none was late has no such link.
    assert "<a " not in cells(html, "step-validation")[2]


def test_an_official_s_figure_links_to_the_cases_where_they_did_a_step_in_that_position(
    client, officials, december
):
    client.force_login(officials["dean"])
    html = client.get(REVIEW, DECEMBER).content.decode()

    wd2 = officials["wd2"]
    url, count = link_in(cells(html, f"official-{wd2.pk}-wd2")[2])
    assert f"official={wd2.pk}" in url and "position=wd2" in url
    assert count == "4" and follow(client, url) == codes(december, "B2")
    url, _late = link_in(cells(html, f"official-{wd2.pk}-wd2")[3])
    assert follow(client, url) == codes(december, "B2")  # 1200 s at the receipt, of 600

    dean = officials["dean"]
    url, count = link_in(cells(html, f"official-{dean.pk}-dekan")[2])
    assert count == "5" and follow(client, url) == codes(december, "B1", "B2", "C1")


def test_the_links_keep_the_review_s_filters_and_list_only_what_the_reader_reads(
    client, officials, december
):
    client.force_login(officials["dean"])
    html = client.get(REVIEW, {**DECEMBER, "category": "umum_fasilitas"}).content.decode()
    url, count = link_in(cells(html, "step-receipt")[1])
    assert "category=umum_fasilitas" in url
    assert count == "2" and follow(client, url) == codes(december, "A2", "B2")

    # WD I sees every figure, and behind the receipts only the cases that passed its desk.
    client.force_login(officials["wd1"])
    html = client.get(REVIEW, DECEMBER).content.decode()
    url, count = link_in(cells(html, "step-receipt")[1])
    assert count == "7" and follow(client, url) == codes(december, "B1", "C1")
    assert client.get(url).context["left_out"] == 5  # and says how many it leaves out


def test_the_compliance_sheet_links_its_counts_as_the_dashboard_does(client, officials, december):
    client.force_login(officials["kabag"])
    html = client.get(SHEET, DECEMBER).content.decode()
    url, count = link_in(cells(html, "sheet-receipt")[6])
    assert count == "7"
    assert follow(client, url) == codes(december, "A1", "A2", "B1", "F", "B2", "C1", "O")
    url, _late = link_in(cells(html, "sheet-receipt")[7])
    assert follow(client, url) == codes(december, "A2", "B2")
    # In January only J's receipt was done: the other steps show 0, with no link.
    html = client.get(SHEET, {**DECEMBER, "year": "2026", "month": "1"}).content.decode()
    url, count = link_in(cells(html, "sheet-receipt")[6])
    assert count == "1" and follow(client, url) == codes(december, "J")
    assert cells(html, "sheet-clerk_response")[6] == "0"


def test_each_row_carries_the_search_of_its_step_or_official(december, officials):
    period, everything = periods.month(2025, 12), Filters()
    sop = reference_sop(everything, NOW)
    receipt = next(r for r in steps.by_step(period, everything, sop) if r.name.key == "receipt")
    assert receipt.search == {
        "trail_step": "receipt",
        "done_from": "2025-12-01",
        "done_to": "2025-12-31",
    }
    assert receipt.late_search == {**receipt.search, "late": "on"}
    clerk = next(r for r in steps.by_official(period, everything, sop) if r.position == "kasubbag")
    assert clerk.search == {
        "official": str(officials["clerk"].pk),
        "position": "kasubbag",
        "done_from": "2025-12-01",
        "done_to": "2025-12-31",
    }
