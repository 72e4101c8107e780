"""The customer's side in real Chromium (issue 4): each privacy level sends an aspiration with
an attachment, follows it, adds a clarification, reads the answer once officials give it and
fills in the survey; the form, the tracking page and the board pass axe-core (WCAG 2.2 AA) with
no serious or critical violation, fit a 360-pixel phone, and work from the keyboard alone.

The officials' steps are taken with the engine between the customer's browser steps (the desk
screens have their own browser test, test_path_c.py)."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from aspirasi.board.services import board_entry_write
from aspirasi.cases.models import Aspiration
from aspirasi.cases.walking import walk_case
from tests.factories import PERSONAS, make_official
from tests.public.helpers import (  # noqa: F401 (fixtures used by name)
    fresh_limits,
    jpeg_with_gps,
    media,
    pdf_with_author,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media", "fresh_limits"),
]

NAME = "Larasati Whistleblower"
EMAIL = "larasati@example.ac.id"
SUBJECT = "Fasilitas toilet gedung B rusak"
BODY = "Toilet lantai dua gedung B rusak sejak sebulan; airnya tidak mengalir."
CLARIFICATION = "Tepatnya toilet di sebelah ruang B-204."
ANSWER = "Toilet gedung B sudah diperbaiki oleh bagian umum hari ini."
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def officials():
    # Not `db`: the module's django_db marker opens the (transactional) database.
    return {name: make_official(name, position) for name, position in PERSONAS.items()}


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def fill_form(page, privacy: str, files: list[dict]) -> None:
    page.goto("/kirim/")
    page.fill("#id_customer_name", NAME)
    page.select_option("#id_customer_type", "mahasiswa")
    page.fill("#id_customer_number", "2109076099")
    page.fill("#id_customer_email", EMAIL)
    page.fill("#id_customer_phone", "0812 3456 7890")
    page.check(f"input[name=privacy][value={privacy}]")
    page.select_option("#id_category", label="Umum dan fasilitas")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_body", BODY)
    page.fill("#id_desired_outcome", "Toilet diperbaiki.")
    page.check("#id_public_consent")
    page.set_input_files("#id_attachments", files)


def photo() -> dict:
    return {"name": "toilet.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}


def send(page) -> tuple[str, str]:
    with page.expect_navigation():
        page.locator("#aspiration-form button[type=submit]").click()
    errors = page.locator("main .error-box, main p.error").all_inner_texts()
    assert not errors, errors
    code = page.locator("#tracking-code").inner_text().strip()
    link = page.locator("#secret-link").get_attribute("href")
    assert re.fullmatch(r"ASP-\d{4}-\d{6}", code) and f"/lacak/{code}/" in link
    return code, link


@pytest.mark.parametrize("privacy", ["biasa", "rahasia", "anonim"])
def test_each_privacy_level_sends_follows_clarifies_reads_the_answer_and_rates(
    new_context, officials, privacy
):
    page = new_context().new_page()
    fill_form(page, privacy, [photo()])
    if privacy == "anonim":
        # Choosing anonymous hides what was typed about the sender; none of it is sent.
        assert page.locator("#identity").is_hidden()
        assert page.locator("#anonymous-note").is_visible()
    code, link = send(page)
    assert page.locator("#attachments-received li").count() == 1
    case = Aspiration.objects.get(tracking_code=code)
    assert case.privacy == privacy
    assert (case.customer_name == NAME) is (privacy != "anonim")

    # Following the case: received, with the office that has it and when it is due.
    page.goto(link)
    assert page.locator("#status").inner_text().strip() == "diterima"
    assert "Kasubbag Akademik dan Kemahasiswaan" in page.locator("#holder").inner_text()
    assert page.locator("#due").count() == 1
    assert page.locator("#attachments a").count() == 1

    # A clarification reaches the clerk, who holds the case.
    page.fill("#id_text", CLARIFICATION)
    with page.expect_navigation():
        page.locator("#clarification-form button[type=submit]").click()
    assert CLARIFICATION in page.locator("main article.clarification").inner_text()
    assert case.clarifications.get().position == "kasubbag"

    # The clerk receives and answers (path A); the customer reads the answer.
    start = timezone.now() - dt.timedelta(hours=3)
    walk_case(case, path="A", start=start, texts={"response": ANSWER})
    page.reload()
    assert page.locator("#status").inner_text().strip() == "selesai"
    assert ANSWER in page.locator("main article.response").inner_text()

    # The survey: nine elements, each chosen by its label, and a comment.
    for n in range(1, 10):
        page.check(f'input[name="survey-u{n}"][value="{3 if n % 2 else 2}"]')
    page.fill("#id_survey-comment", "Cepat ditangani.")
    assert (page.locator("#id_survey-age").count() == 0) is (privacy == "anonim")
    with page.expect_navigation():
        page.locator("#survey-form button[type=submit]").click()
    assert page.locator("#survey-done").is_visible()
    case.refresh_from_db()
    assert case.survey.answers == (3, 2, 3, 2, 3, 2, 3, 2, 3)
    # Not satisfied? A follow-up is offered within 14 days.
    assert page.locator("#follow-up-form").is_visible()


def test_a_wrong_file_is_refused_in_indonesian_and_the_text_stays(new_context, officials):
    page = new_context().new_page()
    fake = {"name": "laporan.pdf", "mimeType": "application/pdf", "buffer": b"<html>x</html>"}
    fill_form(page, "biasa", [fake])

    with page.expect_navigation():
        page.locator("#aspiration-form button[type=submit]").click()

    error = page.locator("#id_attachments_error").inner_text()
    assert "laporan.pdf" in error and "bukan berkas" in error
    assert page.input_value("#id_subject") == SUBJECT
    assert page.input_value("#id_body") == BODY
    assert page.input_value("#id_customer_name") == NAME
    assert page.locator("#files-again").is_visible()
    assert not Aspiration.objects.exists()
    assert serious_violations(page) == []


def test_the_form_tracking_page_and_board_pass_axe(new_context, officials):
    page = new_context().new_page()
    page.goto("/kirim/")
    assert serious_violations(page) == [], "the form"

    fill_form(page, "rahasia", [photo()])
    code, link = send(page)
    case = Aspiration.objects.get(tracking_code=code)
    page.goto(link)
    assert serious_violations(page) == [], "the tracking page, waiting"

    case = walk_case(
        case, path="A", start=timezone.now() - dt.timedelta(hours=3), texts={"response": ANSWER}
    )
    page.reload()
    assert page.locator("#survey-form").is_visible()
    assert serious_violations(page) == [], "the tracking page with the survey"

    board_entry_write(
        case=case,
        user=officials["clerk"],
        summary="Toilet sebuah gedung kuliah rusak.",
        public_answer="Sudah diperbaiki oleh bagian umum.",
    )
    page.goto("/papan/")
    assert page.locator("article.board-entry").count() == 1
    assert serious_violations(page) == [], "the board"
    page.goto("/papan/?q=toilet")
    assert serious_violations(page) == [], "the board's search result"


def test_a_360_pixel_phone_never_scrolls_sideways(new_context, officials):
    page = new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    page.goto("/kirim/")
    assert not horizontal_scroll(page), "the form"

    fill_form(page, "biasa", [photo()])
    code, link = send(page)
    assert not horizontal_scroll(page), "the thank-you page with its long link"
    page.goto(link)
    assert not horizontal_scroll(page), "the tracking page"
    page.goto("/papan/")
    assert not horizontal_scroll(page), "the board"


def horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        assert focused != "id_website", "the honeypot must not be reachable by keyboard"
        if focused == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_the_form_can_be_sent_with_the_keyboard_alone(new_context, officials):
    page = new_context().new_page()
    page.goto("/kirim/")

    tab_to(page, "id_privacy_0")
    page.keyboard.press("ArrowDown")  # to "rahasia", as radio groups move
    assert page.is_checked("#id_privacy_1")
    tab_to(page, "id_customer_name")
    page.keyboard.type(NAME)
    tab_to(page, "id_customer_email")
    page.keyboard.type(EMAIL)
    tab_to(page, "id_subject")
    page.keyboard.type(SUBJECT)
    tab_to(page, "id_body")
    page.keyboard.type(BODY)
    tab_to(page, "id_public_consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("#tracking-code").is_visible()
    case = Aspiration.objects.get()
    assert (case.privacy, case.customer_name, case.public_consent) == ("rahasia", NAME, True)
