"""After sending (issue 4, points 3 and 5): the tracking page in plain words, clarifications
that reach the official holding the case, follow-ups within 14 days, lost links sent again
without ever saying whether an address is known, and guessing that reveals nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.models import Aspiration, Clarification
from aspirasi.cases.walking import holder_of, walk_case
from aspirasi.notifications.models import Message
from aspirasi.sop.registry import current_sop
from tests.factories import act, make_case, step_with

pytestmark = pytest.mark.django_db


def track_url(case, secret):
    return reverse("public:track", args=[case.tracking_code, secret])


def answered_on_path_a(case, text="Jadwal diumumkan Senin."):
    """Received and answered (path A) yesterday, so the 14 days of a follow-up run now."""
    return walk_case(
        case, path="A", start=timezone.now() - dt.timedelta(days=1), texts={"response": text}
    )


def answered_on_path_b(case, text="Ujian susulan tanggal 10."):
    """Answered by the vice dean; still open until the Dean receives the report."""
    return walk_case(case, via=["communicate"], vice_dean="wd1", texts={"response": text})


def office_of(case) -> str:
    """The Indonesian name of the position the case waits on, as the tracking page shows it."""
    return current_sop().positions[case.current_position].name_id


# ---------------------------------------------------------------------------------------------
# The tracking page


def test_the_page_names_the_office_holding_the_case_never_a_person(client, officials):
    case, secret = make_case()
    case = walk_case(case, via=["receive", "defer"])

    page = client.get(track_url(case, secret)).content.decode()

    assert f'id="holder">{office_of(case)}<' in page
    assert 'id="due"' in page
    assert holder_of(case, timezone.localdate()).get_full_name() not in page


def test_the_page_speaks_english_by_switch(client, officials):
    case, secret = make_case()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(track_url(case, secret)).content.decode()

    assert '<html lang="en">' in page
    assert "<strong>received</strong>" in page
    assert "Head of Academic and Student Affairs Subsection" in page


# ---------------------------------------------------------------------------------------------
# Clarifications


def test_a_clarification_reaches_the_official_holding_the_case(client, officials, fresh_limits):
    case, secret = make_case()
    case = walk_case(case, via=["receive", "defer"])

    response = client.post(
        reverse("public:clarify", args=[case.tracking_code, secret]),
        {"text": "Nama mata kuliahnya Mekanika Teknik II."},
    )

    assert response.status_code == 302
    clarification = Clarification.objects.get()
    assert (clarification.step, clarification.position) == (
        step_with("prepare_supporting_info"),
        "kasubbag",
    )
    assert (case.current_step, case.current_position) == (clarification.step, "kasubbag")
    assert clarification.source == Clarification.Source.WEB
    page = client.get(response["Location"]).content.decode()
    assert "Mekanika Teknik II" in page
    assert office_of(case) in page
    client.force_login(holder_of(case, timezone.localdate()))
    desk = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert 'id="desk-clarifications"' in desk and "Mekanika Teknik II" in desk


def test_an_empty_or_over_long_clarification_is_refused_and_kept(client, officials, fresh_limits):
    case, secret = make_case()
    url = reverse("public:clarify", args=[case.tracking_code, secret])

    empty = client.post(url, {"text": "   "})
    long_text = "panjang " * 700
    too_long = client.post(url, {"text": long_text})

    assert empty.status_code == 400
    assert empty.context["clarification_form"].errors["text"]
    assert too_long.status_code == 400
    assert long_text.strip()[:200] in too_long.content.decode()
    assert not Clarification.objects.exists()


def test_a_closed_case_takes_no_clarification_but_offers_a_follow_up(client, officials):
    case, secret = make_case()
    answered_on_path_a(case)

    page = client.get(track_url(case, secret))

    assert page.context["clarification_form"] is None
    assert page.context["follow_up_form"] is not None
    refused = client.post(
        reverse("public:clarify", args=[case.tracking_code, secret]), {"text": "Masih bingung."}
    )
    assert refused.status_code == 400
    assert not Clarification.objects.exists()


# ---------------------------------------------------------------------------------------------
# Follow-ups (decision 15)


def test_a_follow_up_within_14_days_opens_a_linked_case_with_its_own_link(
    client, officials, fresh_limits
):
    case, secret = make_case(customer_email="rina@example.ac.id")
    case = answered_on_path_a(case)
    assert case.closed_at is not None

    response = client.post(
        reverse("public:follow_up", args=[case.tracking_code, secret]),
        {"text": "Jadwalnya belum muncul di papan pengumuman."},
    )

    assert response.status_code == 200
    new = Aspiration.objects.get(follow_up_of=case)
    assert new.customer_email == "rina@example.ac.id"
    assert new.privacy == case.privacy
    assert response.context["case"] == new
    link = response.context["link"]
    assert client.get(link.removeprefix("http://testserver")).status_code == 200
    # The old case names its follow-up; only one is offered.
    page = client.get(track_url(case, secret))
    assert new.tracking_code in page.content.decode()
    assert page.context["follow_up_form"] is None


def test_no_follow_up_after_14_days_or_for_a_case_closed_outside_the_flow(
    client, officials, monkeypatch, fresh_limits
):
    case, secret = make_case()
    case = answered_on_path_a(case)
    later = timezone.now() + dt.timedelta(days=400)
    monkeypatch.setattr("aspirasi.public.views.timezone.now", lambda: later)

    page = client.get(track_url(case, secret))
    refused = client.post(
        reverse("public:follow_up", args=[case.tracking_code, secret]),
        {"text": "Masih?"},
        follow=False,
    )

    assert page.context["follow_up_form"] is None
    assert refused.status_code == 302
    assert not Aspiration.objects.filter(follow_up_of=case).exists()

    spam, spam_secret = make_case()
    act(spam, "spam", T(reason="Iklan."))
    assert client.get(track_url(spam, spam_secret)).context["follow_up_form"] is None


# ---------------------------------------------------------------------------------------------
# Lost links


def test_lost_links_are_mailed_with_fresh_secrets_and_the_old_ones_keep_working(
    client, officials, settings, fresh_limits
):
    settings.ASPIRASI_SITE_URL = "https://aspirasi.ft.unmul.ac.id"
    first, first_secret = make_case(customer_email="dewi@example.ac.id")
    second, second_secret = make_case(customer_email="dewi@example.ac.id")
    closed, closed_secret = make_case(customer_email="dewi@example.ac.id")
    answered_on_path_a(closed)
    make_case(customer_email="orang.lain@example.ac.id")
    Message.objects.all().delete()  # receipts of the intake, if any

    response = client.post(reverse("public:lost_link"), {"email": " Dewi@Example.ac.id "})

    assert response.status_code == 200
    mail = Message.objects.get(kind="lost_links")
    assert mail.to == "dewi@example.ac.id"
    links = re.findall(r"https://aspirasi\.ft\.unmul\.ac\.id/lacak/\S+", mail.text_body)
    assert len(links) == 3
    for link in links:
        path = link.removeprefix("https://aspirasi.ft.unmul.ac.id")
        assert client.get(path).status_code == 200
    assert first.tracking_code in mail.text_body and second.tracking_code in mail.text_body
    assert closed.tracking_code in mail.text_body
    assert "orang.lain" not in mail.text_body
    # A stranger asking for links cannot cut the customer off: the old links still work.
    assert client.get(track_url(first, first_secret)).status_code == 200
    assert client.get(track_url(second, second_secret)).status_code == 200
    assert client.get(track_url(closed, closed_secret)).status_code == 200
    # A new link of one case opens no other case.
    first_new = next(link for link in links if first.tracking_code in link)
    secret = first_new.rstrip("/").split("/")[-1]
    assert client.get(track_url(second, secret)).status_code == 404


def normalised(response) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "", page)


def test_the_page_never_says_whether_an_address_is_known(client, officials, fresh_limits):
    make_case(customer_email="dikenal@example.ac.id")
    make_case(privacy=Privacy.ANONYMOUS)

    known = client.post(reverse("public:lost_link"), {"email": "dikenal@example.ac.id"})
    unknown = client.post(reverse("public:lost_link"), {"email": "asing@example.ac.id"})

    assert known.status_code == unknown.status_code == 200
    assert normalised(known) == normalised(unknown)
    assert Message.objects.filter(kind="lost_links", to="asing@example.ac.id").count() == 0


def test_one_lost_link_mail_per_address_per_window_and_a_limit_per_client(
    client, officials, settings, fresh_limits
):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "lost_link": (3, 3600)}
    make_case(customer_email="dewi@example.ac.id")
    url = reverse("public:lost_link")

    responses = [client.post(url, {"email": "dewi@example.ac.id"}) for _ in range(3)]
    blocked = client.post(url, {"email": "dewi@example.ac.id"})

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Message.objects.filter(kind="lost_links").count() == 1
    assert blocked.status_code == 429
    assert "dewi@example.ac.id" in blocked.content.decode()  # what was typed is kept


# ---------------------------------------------------------------------------------------------
# Guessing


def test_guessing_secrets_is_cut_off_but_the_right_link_still_opens_its_case(
    client, officials, settings, fresh_limits
):
    """Customers behind one campus address share the block; a guesser must not lock them out."""
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "track_miss": (5, 900)}
    case, secret = make_case()
    other, other_secret = make_case()
    for n in range(5):
        response = client.get(reverse("public:track", args=[case.tracking_code, f"tebak{n}"]))
        assert response.status_code == 404

    blocked_wrong = client.get(reverse("public:track", args=[case.tracking_code, "tebak9"]))
    blocked_guess = client.get(reverse("public:track", args=[other.tracking_code, "tebak9"]))
    blocked_lookup = client.post(
        reverse("public:track_lookup"), {"code": case.tracking_code, "secret": "tebak10"}
    )
    assert blocked_wrong.status_code == blocked_guess.status_code == 429
    assert blocked_lookup.status_code == 429
    assert other.subject not in blocked_guess.content.decode()
    # The right links still open their cases, from the same address.
    assert client.get(track_url(case, secret)).status_code == 200
    assert client.get(track_url(other, other_secret)).status_code == 200
    right_lookup = client.post(
        reverse("public:track_lookup"), {"code": case.tracking_code, "secret": secret}
    )
    assert right_lookup.status_code in (200, 302)


def test_guessed_codes_and_secrets_on_every_customer_url_look_the_same(
    client, officials, fresh_limits
):
    case, secret = make_case()
    answered_on_path_b(case)
    year = case.tracking_code.split("-")[1]
    guesses = [
        (case.tracking_code, "x" * 32),
        (f"ASP-{year}-000999", secret),
        ("ASP-0000-000001", "tebakan"),
    ]
    pages = set()
    for code, guess in guesses:
        for name, method, data in [
            ("public:track", "get", None),
            ("public:clarify", "post", {"text": "halo"}),
            ("public:follow_up", "post", {"text": "halo"}),
            ("public:survey", "post", {"survey-u1": "4"}),
        ]:
            url = reverse(name, args=[code, guess])
            response = getattr(client, method)(url, data or {})
            assert response.status_code == 404, (name, code)
            pages.add(response.context["not_found"])
    assert len(pages) == 1
    assert not Clarification.objects.exists()
    assert Aspiration.objects.count() == 1
