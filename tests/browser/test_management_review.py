"""The management review in the browser (issue 15): the Dean opens the dashboard, picks a
semester, follows a figure to its cases in the archive search, and downloads the period report;
axe-core finds no serious issue on the dashboard."""

import pypdf
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import TUESDAY_9, make_case, make_official, walked

from .screens import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_the_dean_picks_a_semester_follows_a_figure_and_downloads_the_report(new_context, tmp_path):
    for name, position in (
        ("kasubbag", "kasubbag"), ("kabag", "kabag_tu"), ("wd1", "wd1"), ("dekan", "dekan")
    ):  # fmt: skip
        make_official(name, position)
    answered = walked(path="A")
    by_vice_dean = walked(path="B", vice_dean="wd1")
    waiting, _secret = make_case(now=TUESDAY_9)
    codes = {answered.tracking_code, by_vice_dean.tracking_code, waiting.tracking_code}

    dean = sign_in(new_context, "dekan")
    dean.get_by_role("link", name="Tinjauan manajemen").click()
    dean.select_option("#id_period", "semester")
    dean.fill("#id_year", "2026")
    dean.select_option("#id_half", "2")
    with dean.expect_navigation():
        dean.locator("#review-period button[type=submit]").click()
    assert dean.locator("#received-total").inner_text() == "3"

    serious = [
        f"{v['id']} ({v['impact']})"
        for v in Axe()
        .run(dean, options={"runOnly": {"type": "tag", "values": WCAG}})
        .response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious

    with dean.expect_download() as download:
        dean.locator("#report-link").click()
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(report).pages)
    assert "2026" in text and "Kesimpulan tinjauan" in text

    with dean.expect_navigation():
        dean.locator("#received-total a").click()
    assert "/meja/cari/" in dean.url
    listed = dean.locator("main").inner_text()
    assert all(code in listed for code in codes), listed
