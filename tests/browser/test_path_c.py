"""Path C end to end, through the screens only: a customer writes in on the public form, the
clerk, the Kabag TU, the Vice Dean II and the Dean each walk their steps in their own browser,
and the customer finally reads the Dean's answer behind the secret link.

Only the officials (and their passwords) are made in the database; everything else is clicked.
Buttons are found by the Indonesian labels the SOP file gives them (`label_id`) inside the form
that posts to the action's URL, so the test checks both the wording and the wiring.
"""

import re

import pytest

from aspirasi.sop.registry import current_sop
from tests.factories import make_official

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data (tests/browser/conftest.py seeds the categories).
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "rahasia-demo-123"  # tests.factories.make_user's default

SUBJECT = "Pengembalian kelebihan pembayaran UKT"
BODY = (
    "Saya membayar UKT semester ganjil dua kali karena gangguan sistem bank. "
    "Bagaimana cara meminta pengembalian kelebihan pembayaran?"
)
SUPPORTING_INFO = "Bukti setor ganda sudah dicek di bagian keuangan; perlu keputusan pimpinan."
DRAFT = "Rancangan: pengembalian memerlukan persetujuan Dekan."
ESCALATION_NOTE = "Pengembalian dana di luar kewenangan WD II; mohon keputusan Dekan."
DEAN_RESPONSE = (
    "Kelebihan pembayaran UKT Saudara akan dikembalikan ke rekening asal "
    "paling lambat 14 hari kerja. Terima kasih atas laporannya."
)
PATH_C_STEPS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19]


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


def open_from_inbox(page, code: str) -> None:
    """Open the case the way an official does: from the inbox, where it now waits for them."""
    page.goto("/meja/")
    with page.expect_navigation():
        page.get_by_role("link", name=code, exact=True).click()
    assert page.url.endswith(f"/meja/kasus/{code}/")


def trail_steps(page) -> list[int]:
    cells = page.locator("#trail tbody tr td:nth-child(2)").all_inner_texts()
    return [int(re.match(r"\s*(\d+)", cell).group(1)) for cell in cells]


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
    done_before = len(trail_steps(page))
    with page.expect_navigation():
        form.get_by_role("button", name=label(step, action), exact=True).click()
    errors = page.locator("main .error-box, main p.error").all_inner_texts()
    assert not errors, f"step {step} {action!r} refused: {errors}"
    steps = trail_steps(page)
    assert len(steps) == done_before + 1 and steps[-1] == step, (
        f"after {action!r} the trail should end with step {step}, it reads {steps}"
    )


def action_forms(page):
    return page.locator('main form[action*="/aksi/"]')


def test_path_c_from_public_form_to_the_deans_answer(new_context):
    for username, position in [
        ("kasubbag", "kasubbag"),
        ("kabag", "kabag_tu"),
        ("wd2", "wd2"),
        ("dekan", "dekan"),
    ]:
        make_official(username, position)

    # The customer sends an aspiration on the public form, in Indonesian.
    customer = new_context().new_page()
    customer.goto("/kirim/")
    assert customer.locator("html").get_attribute("lang") == "id"
    customer.check("input[name=privacy][value=biasa]")
    customer.fill("#id_customer_name", "Budi Santoso")
    customer.select_option("#id_customer_type", "mahasiswa")
    customer.fill("#id_customer_email", "budi@example.ac.id")
    customer.select_option("#id_category", label="Keuangan")
    customer.fill("#id_subject", SUBJECT)
    customer.fill("#id_body", BODY)
    with customer.expect_navigation():
        customer.locator("main form button[type=submit]").click()
    code = customer.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"ASP-\d{4}-\d+", code), f"no tracking code on the thanks page: {code!r}"
    secret_link = customer.locator("#secret-link").get_attribute("href")
    assert secret_link and f"/lacak/{code}/" in secret_link

    # Kasubbag: receive (2), cannot answer yet (3), supporting information (4), hand over (5).
    kasubbag = sign_in(new_context, "kasubbag")
    open_from_inbox(kasubbag, code)
    act(kasubbag, code, 2, "receive")
    act(kasubbag, code, 3, "defer")
    act(kasubbag, code, 4, "prepare_supporting_info", text=SUPPORTING_INFO)
    act(kasubbag, code, 5, "hand_over")
    assert action_forms(kasubbag).count() == 0, "the clerk still has actions after handing over"

    # Kabag TU: acknowledge (6), validate (7), forward to WD II (8), as the category suggests.
    kabag = sign_in(new_context, "kabag")
    open_from_inbox(kabag, code)
    act(kabag, code, 6, "acknowledge")
    act(kabag, code, 7, "validate")
    suggested = kabag.locator('form[action$="/aksi/forward/"] select[name="forward-route"]')
    assert suggested.input_value() == "wd2", "category keuangan should suggest WD II"
    act(kabag, code, 8, "forward", vice_dean="wd2")

    # WD II: acknowledge (9), draft (10), escalate to the Dean with a note (11).
    wd2 = sign_in(new_context, "wd2")
    open_from_inbox(wd2, code)
    act(wd2, code, 9, "acknowledge")
    act(wd2, code, 10, "draft_response", text=DRAFT)
    act(wd2, code, 11, "escalate", reason=ESCALATION_NOTE)

    # The wrong role: the Kabag TU may read the case while it waits at the Dean, not act on it.
    kabag.goto(f"/meja/kasus/{code}/")
    assert re.search(r"\b14\b", kabag.locator("#case-state").inner_text())
    assert action_forms(kabag).count() == 0, "the Kabag TU is offered actions at the Dean's step"
    assert kabag.get_by_role("button", name=label(14, "acknowledge"), exact=True).count() == 0

    # Dean: acknowledge (14), respond (15), send to the vice dean (16).
    dekan = sign_in(new_context, "dekan")
    open_from_inbox(dekan, code)
    assert ESCALATION_NOTE in dekan.locator("#trail").inner_text(), "the Dean cannot read the note"
    act(dekan, code, 14, "acknowledge")
    act(dekan, code, 15, "respond", text=DEAN_RESPONSE)
    act(dekan, code, 16, "send_to_vice_dean")

    # WD II again: acknowledge (17), deliver (18), archive (19).
    open_from_inbox(wd2, code)
    act(wd2, code, 17, "acknowledge")
    act(wd2, code, 18, "deliver")
    act(wd2, code, 19, "archive")
    assert action_forms(wd2).count() == 0, "a closed case still offers actions"

    # The case page carries the whole trail of path C, one row per step.
    assert trail_steps(wd2) == PATH_C_STEPS

    # The customer opens the secret link: the Dean's answer, none of the internal notes.
    customer.goto(secret_link)
    responses = customer.locator("main article.response").all_inner_texts()
    assert len(responses) == 1 and DEAN_RESPONSE in responses[0], responses
    page_text = customer.locator("main").inner_text()
    for internal in (SUPPORTING_INFO, DRAFT, ESCALATION_NOTE):
        assert internal not in page_text, f"the customer sees an internal note: {internal!r}"
    status = customer.locator("#status").inner_text().strip()
    assert status == "selesai", (
        f"the customer's status reads {status!r}, not 'selesai' (decision 12); the word comes "
        "from the Indonesian catalogue aspirasi/locale/id (msgid 'closed'), compiled by "
        "scripts/setup.sh (manage.py compilemessages)"
    )
