"""Path C end to end, through the screens only: a customer writes in on the public form, the
clerk, the Kabag TU, the Vice Dean II and the Dean each walk their steps in their own browser,
and the customer finally reads the Dean's answer behind the secret link.

Only the officials (and their passwords) are made in the database; everything else is clicked.
Buttons are found by the Indonesian labels the SOP file gives them (`label_id`) inside the form
that posts to the action's URL, so the test checks both the wording and the wiring; the steps of
path C, and whose desk each is on, are read from the SOP file too (tests/browser/screens.py).
"""

import re

import pytest

from aspirasi.sop.registry import current_sop
from tests.factories import make_official

from .screens import (
    act,
    action_forms,
    closes_along,
    desk_of,
    label,
    open_from_inbox,
    route,
    sign_in,
    state,
    trail_steps,
)

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data (tests/browser/conftest.py seeds the categories).
    pytest.mark.django_db(transaction=True),
]

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
# Who signs in for which desk.
USERNAMES = {"kasubbag": "kasubbag", "kabag_tu": "kabag", "wd2": "wd2", "dekan": "dekan"}
# What each official writes, by action.
FIELDS = {
    "prepare_supporting_info": {"text": SUPPORTING_INFO},
    "forward": {"route": "wd2"},
    "draft_response": {"text": DRAFT},
    "escalate": {"reason": ESCALATION_NOTE},
    "respond": {"text": DEAN_RESPONSE},
}


def test_path_c_from_public_form_to_the_deans_answer(new_context):
    for position, username in USERNAMES.items():
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

    # Each official walks their steps of path C in their own browser, opening the case from
    # their inbox when it reaches their desk: the clerk receives it, cannot answer yet and
    # prepares the supporting information; the Kabag TU validates it; it is forwarded to WD II
    # (as the category suggests), who drafts and passes it to the Dean with a note; the Dean
    # responds and sends the response back; WD II delivers it and archives the case.
    plan = route(current_sop().entry_step.number, closes_along("C"))
    desks = {}
    working = None
    for step, action in plan:
        position = desk_of(code)
        if position not in desks:
            desks[position] = sign_in(new_context, USERNAMES[position])
        page = desks[position]
        if page is not working:
            open_from_inbox(page, code)
            working = page
            if position == "dekan":
                assert ESCALATION_NOTE in page.locator("#trail").inner_text(), (
                    "the Dean cannot read the note"
                )
        if action == "forward":
            suggested = page.locator('form[action$="/aksi/forward/"] select[name="forward-route"]')
            assert suggested.input_value() == "wd2", "category keuangan should suggest WD II"
        act(page, code, step, action, **FIELDS.get(action, {}))
        if desk_of(code) != position:
            # Passed on: the page that passed it on offers nothing more.
            assert action_forms(page).count() == 0, f"{position} still has actions after {action}"
        if action == "escalate":
            # The wrong role: the Kabag TU may read the case while it waits at the Dean, not
            # act on it.
            kabag = desks["kabag_tu"]
            kabag.goto(f"/meja/kasus/{code}/")
            at_dean = int(re.match(r"\D*(\d+)", state(kabag)).group(1))
            assert at_dean == current_sop().step(step).action("escalate").to
            assert action_forms(kabag).count() == 0, "the Kabag TU is offered actions at the Dean's"
            for offered in current_sop().step(at_dean).actions:
                button = kabag.get_by_role("button", name=label(at_dean, offered.name), exact=True)
                assert button.count() == 0
    assert action_forms(working).count() == 0, "a closed case still offers actions"

    # The case page carries the whole trail of path C, one row per step.
    assert trail_steps(working) == [step for step, _action in plan]

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
