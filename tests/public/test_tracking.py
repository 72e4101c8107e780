"""The customer follows a case with its code and secret link (decisions 11 and 12)."""

import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from aspirasi.cases.choices import CustomerStatus, Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.walking import Walker, walk_case, with_verdict
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, act, make_case

pytestmark = pytest.mark.django_db

LOOKUP = reverse("public:track_lookup")

SUPPORTING = "Jadwal dari prodi: ujian susulan minggu ke-10."
REWORK_NOTE = "Lampirkan surat resmi prodi."
DRAFT = "Rancangan internal: mungkin tanggal 10."
ANSWER_B = "Ujian susulan dilaksanakan tanggal 10 pukul 08.00."
ESCALATION_NOTE = "Perlu keputusan Dekan soal keringanan UKT."
DEAN_ANSWER = "Keringanan UKT disetujui 50%."
HOLDING_MESSAGE = "Aspirasi Anda sedang kami koordinasikan dengan program studi."


def track_url(case, secret: str) -> str:
    return reverse("public:track", args=[case.tracking_code, secret])


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


NOT_FOUND = "No case matches this code and key. Check both and try again."


def office_of(case) -> str:
    """The Indonesian name of the position the case waits on, as the tracking page shows it."""
    return current_sop().positions[case.current_position].name_id


def status_word(response) -> str:
    return re.search(r'id="status"><strong>([^<]*)<', response.content.decode()).group(1)


def drafted_by_the_vice_dean(case, vice_dean="wd1"):
    """Through a failed validation round and the vice dean's draft: everything the customer
    must not see. Stops where the vice dean communicates with the customer."""
    case = walk_case(
        case,
        via=[with_verdict("invalid")],
        start=TUESDAY_9,
        texts={"supporting_info": "Data belum lengkap.", "reason": REWORK_NOTE},
    )
    return walk_case(
        case,
        via=["draft_response"],
        vice_dean=vice_dean,
        texts={"supporting_info": SUPPORTING, "response": DRAFT},
    )


def assert_nothing_internal(page: str) -> None:
    for internal in (SUPPORTING, REWORK_NOTE, DRAFT, ESCALATION_NOTE, "Data belum lengkap."):
        assert escape(internal) not in page
    # Neither the trail nor the names of the officials who did the steps.
    assert 'id="trail"' not in page
    for official in ("Clerk", "Kabag", "Wd1", "Wd2", "Dean"):
        assert official not in page


# ---------------------------------------------------------------------------------------------
# What the customer sees


def test_new_case_is_diterima_and_shows_who_has_it_and_when_it_is_due(client, officials):
    case, secret = make_case()

    response = client.get(track_url(case, secret))

    assert response.status_code == 200
    assert status_word(response) == "diterima"
    page = response.content.decode()
    assert case.tracking_code in page
    assert case.subject in page
    assert office_of(case) in page
    with translation.override("id"):
        due = formats.date_format(timezone.localtime(case.step_due_at), "DATETIME_FORMAT")
    assert response.context["due_at"] == case.step_due_at
    assert due in page
    assert indonesian("No response yet.") in page
    # The customer's own identity is not repeated on a page opened by a link.
    assert case.customer_email not in page


def test_case_is_diterima_until_the_clerk_defers_it_and_diproses_after(client, officials):
    case, secret = make_case()
    case = act(case, "receive")
    assert status_word(client.get(track_url(case, secret))) == "diterima"

    case = act(case, "defer")

    response = client.get(track_url(case, secret))
    assert status_word(response) == "diproses"
    assert office_of(case) in response.content.decode()


def test_a_deferrals_holding_message_reaches_the_tracking_page_without_answering(client, officials):
    case, secret = make_case()
    case = act(case, "receive")

    case = act(case, "defer", T(holding_message=HOLDING_MESSAGE))

    response = client.get(track_url(case, secret))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(HOLDING_MESSAGE) in page
    assert 'class="card holding-message"' in page
    # A holding message is not a response: the case goes on, unanswered.
    assert status_word(response) == "diproses"
    assert case.customer_status == CustomerStatus.IN_PROGRESS
    assert case.answered_at is None
    assert list(response.context["responses"]) == []
    assert indonesian("No response yet.") in page


def test_customer_never_sees_a_draft_supporting_information_or_the_trail(client, officials):
    case, secret = make_case()
    case = drafted_by_the_vice_dean(case)
    assert case.step.action("communicate") is not None

    response = client.get(track_url(case, secret))

    assert status_word(response) == "diproses"
    page = response.content.decode()
    assert "Wakil Dekan I (Akademik)" in page
    assert list(response.context["responses"]) == []
    assert_nothing_internal(page)


def test_vice_deans_response_is_ditanggapi_then_selesai_after_the_deans_receipt(client, officials):
    case, secret = make_case()
    walker = Walker(drafted_by_the_vice_dean(case))
    case = walker.act("communicate", T(text=ANSWER_B))

    response = client.get(track_url(case, secret))

    assert status_word(response) == "ditanggapi"
    page = response.content.decode()
    assert ANSWER_B in page
    assert DRAFT not in page  # the polished text replaced the draft; the draft never went out
    assert_nothing_internal(page)

    case = walker.to(via=["report", "receive_report"])
    assert case.report.received_by == officials["dean"]

    response = client.get(track_url(case, secret))
    assert status_word(response) == "selesai"
    page = response.content.decode()
    assert ANSWER_B in page
    assert_nothing_internal(page)


def test_deans_response_reaches_the_customer_only_when_the_vice_dean_delivers_it(client, officials):
    case, secret = make_case(category_code="keuangan")
    case = drafted_by_the_vice_dean(case, vice_dean="wd2")
    walker = Walker(case, texts={"reason": ESCALATION_NOTE, "response": DEAN_ANSWER})
    case = walker.to(via=["escalate"], until="deliver")

    response = client.get(track_url(case, secret))
    assert status_word(response) == "diproses"
    assert DEAN_ANSWER not in response.content.decode()
    assert_nothing_internal(response.content.decode())

    case = walker.act("deliver", by=officials["wd2"])
    response = client.get(track_url(case, secret))
    assert status_word(response) == "ditanggapi"
    assert DEAN_ANSWER in response.content.decode()

    case = walker.to(path="C")
    response = client.get(track_url(case, secret))
    assert status_word(response) == "selesai"
    page = response.content.decode()
    assert page.count(DEAN_ANSWER) == 1
    assert_nothing_internal(page)


def test_clerks_answer_closes_the_case_as_selesai(client, officials):
    case, secret = make_case()
    walk_case(case, path="A", texts={"response": "Jadwal diumumkan Senin depan."})

    response = client.get(track_url(case, secret))

    assert status_word(response) == "selesai"
    assert "Jadwal diumumkan Senin depan." in response.content.decode()
    assert response.context["responses"].count() == 1


def test_anonymous_customer_follows_the_case_by_its_link_alone(client, officials):
    case, secret = make_case(privacy=Privacy.ANONYMOUS)

    response = client.get(track_url(case, secret))

    assert response.status_code == 200
    assert status_word(response) == "diterima"


def test_tracking_page_is_not_kept_in_shared_caches(client, officials):
    case, secret = make_case()

    response = client.get(track_url(case, secret))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# ---------------------------------------------------------------------------------------------
# One case per secret, and no way to learn whether a code exists


def normalised(response) -> str:
    """The page without what differs from request to request or echoes the customer's input."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'name="next" type="hidden" value="[^"]*"', "", page)
    page = re.sub(r'(name="(?:code|secret)"[^>]*?) value="[^"]*"', r"\1", page)
    return page


def test_customer_is_refused_on_another_case(client, officials):
    case_a, secret_a = make_case()
    case_b, secret_b = make_case()

    refused = client.get(reverse("public:track", args=[case_b.tracking_code, secret_a]))

    assert refused.status_code == 404
    assert refused.context.get("case") is None
    assert case_b.subject not in refused.content.decode()
    assert client.get(track_url(case_a, secret_a)).status_code == 200
    assert client.get(track_url(case_b, secret_b)).status_code == 200


def test_every_failed_pair_looks_the_same(client, officials):
    case_a, secret_a = make_case()
    case_b, secret_b = make_case()
    year = case_a.tracking_code.split("-")[1]
    attempts = {
        "another case's secret": (case_b.tracking_code, secret_a),
        "swapped codes": (case_a.tracking_code, secret_b),
        "secret off by one character": (
            case_a.tracking_code,
            secret_a[:-1] + ("y" if secret_a.endswith("x") else "x"),  # never the secret itself
        ),
        "a code nobody has yet": (f"ASP-{year}-999999", secret_a),
        "a guessed code and secret": (f"ASP-{year}-000001", "tebak-tebakan"),
        "a malformed code": ("ASP-XX-1", secret_a),
        "code without its prefix": (case_a.tracking_code.removeprefix("ASP-"), secret_a),
        "an absurdly long code": ("ASP-2026-" + "9" * 300, secret_a),
        "a secret that is one character": (case_a.tracking_code, "x"),
    }
    pages = {}
    for label, (code, secret) in attempts.items():
        response = client.get(reverse("public:track", args=[code, secret]))
        assert response.status_code == 404, label
        assert indonesian(NOT_FOUND) in response.content.decode(), label
        assert case_a.subject not in response.content.decode(), label
        pages[label] = normalised(response)
    assert len(set(pages.values())) == 1, "a failure can be told apart from another"


def test_lookup_form_opens_the_case_on_the_right_pair(client, officials):
    case, secret = make_case()

    response = client.post(LOOKUP, {"code": case.tracking_code.lower() + " ", "secret": secret})

    assert response.status_code == 302
    assert response["Location"] == track_url(case, secret)
    assert client.get(response["Location"]).status_code == 200


def test_lookup_form_refuses_every_wrong_pair_the_same_way(client, officials):
    case_a, secret_a = make_case()
    case_b, secret_b = make_case()
    attempts = [
        (case_b.tracking_code, secret_a),
        (case_a.tracking_code, secret_b),
        ("ASP-2026-999999", secret_a),
        ("bukan-kode", secret_a),
        ("ASP-2026-" + "1" * 40, "k" * 200),
    ]
    pages = set()
    for code, secret in attempts:
        response = client.post(LOOKUP, {"code": code, "secret": secret})
        assert response.status_code == 404, code
        assert response.context["not_found"] == indonesian(NOT_FOUND), code
        assert not response.context["form"].errors, code
        assert secret not in response.content.decode(), "the secret is not shown again"
        pages.add(normalised(response))
    assert len(pages) == 1
    # And it is the same answer a wrong link gets.
    by_link = client.get(reverse("public:track", args=[case_b.tracking_code, secret_a]))
    assert normalised(by_link) in pages


def test_lookup_form_asks_for_both_the_code_and_the_secret(client, officials):
    response = client.post(LOOKUP, {"code": "", "secret": ""})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["code"] == ["Bidang ini tidak boleh kosong."]
    assert form.errors["secret"] == ["Bidang ini tidak boleh kosong."]
