"""The case page and the inbox: one form per open action, stale and incomplete forms refused,
confidential identities shown only to those who handle the case (decision 11)."""

import datetime as dt
import logging
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi.cases.choices import Privacy, Status
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import perform
from aspirasi.cases.models import Aspiration, IdentityView
from tests.factories import TUESDAY_9, make_case, make_official, walk

pytestmark = pytest.mark.django_db

INBOX = reverse("desk:inbox")
REQUIRED = "Bidang ini tidak boleh kosong."  # Django's own Indonesian "This field is required."
MOVED_ON = "This case has moved on; here is where it is now."


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def case_url(case) -> str:
    return reverse("desk:case", args=[case.tracking_code])


def act(client, case, action: str, *, version: int | None = None, follow=False, **fields):
    """POST one action's form as the case page renders it (fields carry the action's prefix)."""
    data = {f"{action}-version": case.version if version is None else version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    url = reverse("desk:act", args=[case.tracking_code, action])
    return client.post(url, data, follow=follow)


def snapshot(case) -> tuple:
    fresh = Aspiration.objects.get(pk=case.pk)
    return (
        fresh.version,
        fresh.current_step,
        fresh.current_position,
        fresh.status,
        fresh.trail.count(),
        fresh.responses.count(),
        fresh.supporting_infos.count(),
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------------------------------------
# Moving a case with its forms


def test_clerk_receives_and_answers_through_the_case_page(client, officials):
    case, _ = make_case()
    client.force_login(officials["clerk"])

    response = act(client, case, "receive", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    case.refresh_from_db()
    assert case.current_step == 3
    assert messages_of(response) == [
        indonesian("Done: %(action)s.") % {"action": "Terima aspirasi"}
    ]
    assert [f.action.name for f in response.context["forms"]][:2] == ["answer", "defer"]

    response = act(client, case, "answer", text="Jadwal diumumkan Senin depan.", follow=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == "A"
    assert response.context["forms"] == []  # a closed case offers nothing
    page = response.content.decode()
    assert "Jadwal diumumkan Senin depan." in page
    assert page.count("<tr>") >= 2  # trail: step 2 and step 3


def test_a_stale_form_is_refused_as_moved_on_and_changes_nothing(client, officials):
    second_clerk = make_official("kasubbag2", "kasubbag")
    case, _ = make_case()
    client.force_login(officials["clerk"])
    page = client.get(case_url(case))
    seen_version = page.context["forms"][0]["version"].value()
    assert seen_version == case.version
    # Meanwhile the other clerk receives the case.
    perform(Aspiration.objects.get(pk=case.pk), second_clerk, "receive")
    before = snapshot(case)

    # The first clerk's page still offers "close as spam", which is open at every step.
    response = act(client, case, "spam", version=seen_version, reason="Iklan.", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    assert snapshot(case) == before
    message = indonesian(MOVED_ON)
    assert "sudah berpindah" in message
    assert messages_of(response) == [message]
    assert escape(message) in response.content.decode()


def test_a_stale_form_is_moved_on_even_when_it_is_also_incomplete(client, officials):
    case, _ = make_case()
    stale_version = case.version
    walk(case, [(officials["clerk"], "receive", None)])
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = act(client, case, "spam", version=stale_version, reason="", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    assert snapshot(case) == before
    assert messages_of(response) == [indonesian(MOVED_ON)]


def test_a_form_for_a_step_already_done_is_refused_as_moved_on(client, officials):
    case, _ = make_case()
    stale_version = case.version
    walk(case, [(officials["clerk"], "receive", None)])
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = act(client, case, "receive", version=stale_version, follow=True)

    assert snapshot(case) == before
    assert messages_of(response) == [indonesian(MOVED_ON)]


def test_empty_response_at_step_3_is_400_with_the_field_error(client, officials):
    case, _ = make_case()
    case = walk(case, [(officials["clerk"], "receive", None)])
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = act(client, case, "answer", text="   ")

    assert response.status_code == 400
    assert snapshot(case) == before
    failed = next(f for f in response.context["forms"] if f.action.name == "answer")
    assert failed.errors["text"] == [REQUIRED]
    assert REQUIRED in response.content.decode()
    # The other forms on the page are fresh, not marked.
    assert all(not f.errors for f in response.context["forms"] if f.action.name != "answer")


@pytest.mark.parametrize(
    ("action", "fields", "field", "message"),
    [
        ("spam", {"reason": ""}, "reason", REQUIRED),
        ("duplicate", {"reason": "Sama.", "duplicate_of": ""}, "duplicate_of", REQUIRED),
        (
            "duplicate",
            {"reason": "Sama.", "duplicate_of": "ASP-2026-999999"},
            "duplicate_of",
            "Give the tracking code of another, existing case.",
        ),
    ],
)
def test_an_incomplete_closure_is_400_with_the_field_error(
    client, officials, action, fields, field, message
):
    case, _ = make_case()
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = act(client, case, action, **fields)

    assert response.status_code == 400
    assert snapshot(case) == before
    failed = next(f for f in response.context["forms"] if f.action.name == action)
    expected = message if message == REQUIRED else indonesian(message)
    assert failed.errors[field] == [expected]


def test_forwarding_needs_a_vice_dean(client, officials):
    o = officials
    case, _ = make_case()
    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Dukungan.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "validate", None),
        ],
    )
    before = snapshot(case)
    client.force_login(o["kabag"])
    page = client.get(case_url(case))
    forward = next(f for f in page.context["forms"] if f.action.name == "forward")
    assert forward["route"].value() == "wd1"  # suggested by the category (academic)

    response = act(client, case, "forward", vice_dean="")

    assert response.status_code == 400
    assert snapshot(case) == before
    response = act(client, case, "forward", vice_dean="wd3")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.current_step, case.current_position) == (9, "wd3")


# ---------------------------------------------------------------------------------------------
# Confidential identity


def identity_shown(response, case) -> bool:
    return response.context["may_see_identity"] and case.customer_email in (
        response.content.decode()
    )


def test_confidential_identity_is_hidden_from_an_official_who_never_held_a_step(client, officials):
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat")

    for name in ("kabag", "wd1", "wd2", "wd3", "dean"):
        client.force_login(officials[name])
        response = client.get(case_url(case))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Rahmat Hidayat" not in page, name
        assert case.customer_email not in page, name
        assert (
            escape(
                indonesian("Confidential: shown only to officials who handle a step of this case.")
            )
            in page
        )


def test_confidential_identity_is_shown_to_the_holder_now_and_to_those_who_held_a_step(
    client, officials, caplog
):
    o = officials
    caplog.set_level(logging.INFO, logger="aspirasi.identity")
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat")

    client.force_login(o["clerk"])
    assert identity_shown(client.get(case_url(case)), case)

    case = walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Dukungan.")),
            (o["clerk"], "hand_over", None),
        ],
    )
    client.force_login(o["kabag"])  # holds step 6 now
    assert identity_shown(client.get(case_url(case)), case)
    client.force_login(o["clerk"])  # held steps 2 to 5
    assert identity_shown(client.get(case_url(case)), case)
    client.force_login(o["dean"])  # never held a step
    response = client.get(case_url(case))
    assert not response.context["may_see_identity"]
    assert "Rahmat Hidayat" not in response.content.decode()
    # Each view of the identity is recorded, with who saw it; the refused view is not a view.
    seen = list(
        IdentityView.objects.filter(aspiration=case)
        .order_by("id")
        .values_list("user__username", "reason")
    )
    assert seen == [
        ("clerk", "holds the case now"),
        ("kabag", "holds the case now"),
        ("clerk", "held a step of it"),
    ]
    assert len([r for r in caplog.records if r.name == "aspirasi.identity"]) == 3


def test_normal_identity_is_shown_to_every_official_and_anonymous_has_none(client, officials):
    normal, _ = make_case(customer_name="Budi Normal")
    anonymous, _ = make_case(privacy=Privacy.ANONYMOUS)
    client.force_login(officials["wd3"])

    assert "Budi Normal" in client.get(case_url(normal)).content.decode()
    page = client.get(case_url(anonymous)).content.decode()
    assert escape(indonesian("Anonymous: no identity is stored.")) in page


# ---------------------------------------------------------------------------------------------
# The inbox


def test_inbox_lists_only_the_cases_waiting_on_my_positions_most_urgent_first(client, officials):
    o = officials
    now = timezone.now()
    recent, _ = make_case(now=now)  # due at the next working moment + 10 min: on time
    oldest, _ = make_case(now=TUESDAY_9 - dt.timedelta(days=1))  # Monday: overdue
    older, _ = make_case(now=TUESDAY_9)  # Tuesday: overdue
    with_kabag, _ = make_case()
    walk(
        with_kabag,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Dukungan.")),
            (o["clerk"], "hand_over", None),
        ],
    )
    closed, _ = make_case()
    walk(closed, [(o["clerk"], "spam", T(reason="Iklan."))])
    client.force_login(o["clerk"])

    response = client.get(INBOX)

    rows = response.context["rows"]
    assert [row["code"] for row in rows] == [c.tracking_code for c in (oldest, older, recent)]
    assert [row["mark"] for row in rows] == ["overdue", "overdue", "on_time"]
    page = response.content.decode()
    assert page.count(f'class="mark overdue">{indonesian("overdue")}<') == 2
    assert with_kabag.tracking_code not in page
    assert closed.tracking_code not in page

    client.force_login(o["kabag"])
    assert [row["code"] for row in client.get(INBOX).context["rows"]] == [with_kabag.tracking_code]
    client.force_login(o["wd1"])
    assert list(client.get(INBOX).context["rows"]) == []


def test_inbox_of_an_official_with_two_positions_shows_both(client, officials):
    o = officials
    from aspirasi.officials.models import Holding

    Holding.objects.create(user=o["wd1"], position="wd3", starts_on=dt.date(2024, 1, 1))
    at = {}
    for vice_dean in ("wd1", "wd3", "wd2"):
        case, _ = make_case()
        at[vice_dean] = case.tracking_code
        walk(
            case,
            [
                (o["clerk"], "receive", None),
                (o["clerk"], "defer", None),
                (o["clerk"], "prepare_supporting_info", T(text="Dukungan.")),
                (o["clerk"], "hand_over", None),
                (o["kabag"], "acknowledge", None),
                (o["kabag"], "validate", None),
                (o["kabag"], "forward", T(vice_dean=vice_dean)),
            ],
        )
    client.force_login(o["wd1"])

    rows = client.get(INBOX).context["rows"]

    assert sorted(row["code"] for row in rows) == sorted([at["wd1"], at["wd3"]])


def test_desk_pages_are_never_cached(client, officials):
    case, _ = make_case()
    client.force_login(officials["clerk"])
    for url in (reverse("desk:inbox"), reverse("desk:case", args=[case.tracking_code])):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_the_inbox_marks_a_case_the_customer_clarified_at_this_step(client, officials):
    from aspirasi.cases.clarifications import add_clarification

    quiet, _ = make_case(now=TUESDAY_9)
    clarified, _ = make_case(now=TUESDAY_9)
    add_clarification(
        clarified, "Ruang B-204.", source="web", now=TUESDAY_9 + dt.timedelta(minutes=1)
    )
    client.force_login(officials["clerk"])

    rows = {row["code"]: row for row in client.get(reverse("desk:inbox")).context["rows"]}

    assert rows[clarified.tracking_code]["clarified"]
    assert not rows[quiet.tracking_code]["clarified"]
    # Once the holder has moved the case on, the clarification is no longer new at its step.
    walk(
        clarified, [(officials["clerk"], "receive", None)], start=TUESDAY_9 + dt.timedelta(hours=1)
    )
    rows = {row["code"]: row for row in client.get(reverse("desk:inbox")).context["rows"]}
    assert not rows[clarified.tracking_code]["clarified"]


def test_the_inbox_reads_the_same_few_queries_however_many_cases_wait(client, officials):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officials["clerk"])

    def queries_with(waiting: int) -> int:
        while Aspiration.objects.filter(status=Status.OPEN).count() < waiting:
            make_case(now=TUESDAY_9)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX).status_code == 200
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(12)
