"""The case page and the inbox: one form per open action, stale and incomplete forms refused,
what each action produced recorded on the trail, confidential identities shown only to those who
handle the case (decision 11).

Cases are walked along the SOP (tests/factories.py, aspirasi/cases/walking.py); steps are found
by the actions they offer, so the tests hold when the SOP file changes."""

import datetime as dt
import logging
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi.cases.choices import Delivery, Privacy, Status
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.models import Aspiration, IdentityView, Response
from aspirasi.cases.walking import holder_of, walk_case
from aspirasi.notifications.models import Kind, Message
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, act, make_case, make_official, step_with, walked

pytestmark = pytest.mark.django_db

INBOX = reverse("desk:inbox")
REQUIRED = "Bidang ini tidak boleh kosong."  # Django's own Indonesian "This field is required."
MOVED_ON = "This case has moved on; here is where it is now."
HOLDING = "Pertanyaan Anda memerlukan data dari program studi; kami jawab dalam tiga hari kerja."


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def case_url(case) -> str:
    return reverse("desk:case", args=[case.tracking_code])


def submit(client, case, action: str, *, version: int | None = None, follow=False, **fields):
    """POST one action's form as the case page renders it (fields carry the action's prefix)."""
    data = {f"{action}-version": case.version if version is None else version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    url = reverse("desk:act", args=[case.tracking_code, action])
    return client.post(url, data, follow=follow)


def step_after(action: str) -> int:
    """The step the SOP sends a case to when this action is done."""
    return current_sop().step(step_with(action)).action(action).to


def sign_in_at_its_desk(client, case):
    """Sign in as whoever holds the desk the case waits at today."""
    user = holder_of(case, timezone.localdate())
    client.force_login(user)
    return user


def forms_of(response) -> dict:
    return {form.action.name: form for form in response.context["forms"]}


def trail_html(response) -> str:
    return response.content.decode().split('id="trail"', 1)[1]


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


def test_the_clerk_receives_the_aspiration_and_answers_the_customer_on_the_case_page(
    client, officials
):
    case, _ = make_case()
    client.force_login(officials["clerk"])

    response = submit(client, case, "receive", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    case.refresh_from_db()
    assert case.current_step == step_after("receive") == step_with("answer")
    assert messages_of(response) == [
        indonesian("Done: %(action)s.") % {"action": "Terima aspirasi"}
    ]
    assert [f.action.name for f in response.context["forms"]][:2] == ["answer", "defer"]

    response = submit(client, case, "answer", text="Jadwal diumumkan Senin depan.", follow=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == "A"
    assert response.context["forms"] == []  # a closed case offers nothing
    page = response.content.decode()
    assert "Jadwal diumumkan Senin depan." in page
    assert trail_html(response).count("<tr>") == 1 + 2  # heading; the receipt and the answer


def test_a_stale_form_is_refused_as_moved_on_and_changes_nothing(client, officials):
    case, _ = make_case()
    another_holder = make_official("kasubbag2", case.current_position)
    client.force_login(officials["clerk"])
    page = client.get(case_url(case))
    seen_version = page.context["forms"][0]["version"].value()
    assert seen_version == case.version
    # Meanwhile another holder of the same desk receives the case.
    act(Aspiration.objects.get(pk=case.pk), "receive", by=another_holder)
    before = snapshot(case)

    # The first clerk's page still offers "close as spam", which is open at every step.
    response = submit(client, case, "spam", version=seen_version, reason="Iklan.", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    assert snapshot(case) == before
    message = indonesian(MOVED_ON)
    assert "sudah berpindah" in message
    assert messages_of(response) == [message]
    assert escape(message) in response.content.decode()


def test_a_stale_form_is_moved_on_even_when_it_is_also_incomplete(client, officials):
    case, _ = make_case()
    stale_version = case.version
    walk_case(case, via=["receive"])
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = submit(client, case, "spam", version=stale_version, reason="", follow=True)

    assert response.redirect_chain == [(case_url(case), 302)]
    assert snapshot(case) == before
    assert messages_of(response) == [indonesian(MOVED_ON)]


def test_receiving_an_aspiration_already_received_is_refused_as_moved_on(client, officials):
    case, _ = make_case()
    stale_version = case.version
    walk_case(case, via=["receive"])
    before = snapshot(case)
    client.force_login(officials["clerk"])

    response = submit(client, case, "receive", version=stale_version, follow=True)

    assert snapshot(case) == before
    assert messages_of(response) == [indonesian(MOVED_ON)]


def test_an_empty_answer_to_the_customer_is_400_with_the_field_error(client, officials):
    case = walked(until="answer")
    before = snapshot(case)
    sign_in_at_its_desk(client, case)

    response = submit(client, case, "answer", text="   ")

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
    sign_in_at_its_desk(client, case)

    response = submit(client, case, action, **fields)

    assert response.status_code == 400
    assert snapshot(case) == before
    failed = next(f for f in response.context["forms"] if f.action.name == action)
    expected = message if message == REQUIRED else indonesian(message)
    assert failed.errors[field] == [expected]


def test_forwarding_to_a_vice_dean_suggests_the_categorys_and_needs_one(client, officials):
    case = walked(until="forward")
    before = snapshot(case)
    sign_in_at_its_desk(client, case)
    page = client.get(case_url(case))
    forward = forms_of(page)["forward"]
    assert forward["route"].value() == "wd1"  # suggested by the category (academic)

    response = submit(client, case, "forward", route="")

    assert response.status_code == 400
    assert snapshot(case) == before
    response = submit(client, case, "forward", route="wd3")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.current_step, case.current_position) == (step_after("forward"), "wd3")


# ---------------------------------------------------------------------------------------------
# What an action produced (the SOP's output column, as it came out)


def test_a_deferral_is_recorded_with_its_own_output_and_its_holding_message(client, officials):
    case = walked(until="defer")
    step = case.step
    deferral = step.action("defer")
    assert deferral.output_id and deferral.output_id != step.output_id
    sign_in_at_its_desk(client, case)

    response = submit(client, case, "defer", holding_message=HOLDING, follow=True)

    assert response.status_code == 200
    record = case.trail.get(action="defer")
    # Not the step's standard output (a response received by the customer): it was deferred.
    assert record.step == step.number
    assert record.output == deferral.output_id
    assert record.customer_message == HOLDING
    assert escape(deferral.output_id) in trail_html(response)
    # The holding message goes to the customer; the case goes on to the supporting information.
    told = Message.objects.get(to=case.customer_email, kind=Kind.HOLDING_MESSAGE)
    assert HOLDING in told.text_body
    case.refresh_from_db()
    assert case.current_step == step_after("defer") == step_with("prepare_supporting_info")


def test_the_deferral_form_offers_an_optional_holding_message(client, officials):
    case = walked(until="defer")
    sign_in_at_its_desk(client, case)

    page = client.get(case_url(case))

    forms = forms_of(page)
    assert forms["defer"].fields["holding_message"].required is False
    assert 'name="defer-holding_message"' in page.content.decode()
    # Only a deferral carries one: the answer beside it does not.
    assert "holding_message" not in forms["answer"].fields
    response = submit(client, case, "defer")  # left empty
    assert response.status_code == 302
    assert case.trail.get(action="defer").customer_message == ""
    assert not Message.objects.filter(kind=Kind.HOLDING_MESSAGE).exists()


def test_a_failed_validation_is_recorded_as_not_validated_and_a_passed_one_as_validated(
    client, officials
):
    failing, passing = walked(until="return_for_rework"), walked(until="validate")
    step = failing.step
    returned = step.action("return_for_rework")
    assert returned.output_id and returned.output_id != step.output_id
    assert not step.action("validate").output_id  # a passed validation is the step's output
    sign_in_at_its_desk(client, failing)

    response = submit(client, failing, "return_for_rework", reason="Data prodi belum ada.")
    assert response.status_code == 302
    assert submit(client, passing, "validate").status_code == 302

    failed = failing.trail.get(action="return_for_rework")
    assert (failed.step, failed.output, failed.note) == (
        step.number,
        returned.output_id,
        "Data prodi belum ada.",
    )
    assert passing.trail.get(action="validate").output == step.output_id  # "validated"
    page = client.get(case_url(failing))
    assert escape(returned.output_id) in trail_html(page)
    assert escape(step.output_id) not in trail_html(page)
    failing.refresh_from_db()
    assert failing.current_step == step_after("return_for_rework")


def test_an_answer_given_by_phone_is_recorded_as_given_by_phone(client, officials):
    case = walked(until="answer")
    sign_in_at_its_desk(client, case)
    page = client.get(case_url(case))
    answer = forms_of(page)["answer"]
    assert [value for value, _label in answer.fields["delivered_via"].choices] == Delivery.values
    assert answer["delivered_via"].value() == Delivery.EMAIL  # the customer left an address
    assert 'name="answer-delivered_via"' in page.content.decode()

    refused = submit(client, case, "answer", text="Sudah.", delivered_via="merpati")
    assert refused.status_code == 400
    assert forms_of(refused)["answer"].errors["delivered_via"]
    response = submit(
        client,
        case,
        "answer",
        text="Jadwal sudah kami sampaikan lewat telepon.",
        delivered_via=Delivery.PHONE,
    )

    assert response.status_code == 302
    given = Response.objects.get(aspiration=case)
    assert given.delivered_via == "telepon" == Delivery.PHONE
    assert given.published_at is not None


def test_every_action_that_sends_a_response_asks_how_it_reached_the_customer(client, officials):
    sending = [
        action.name
        for step in current_sop().case_steps()
        for action in step.actions
        if action.publishes_response
    ]
    assert "answer" in sending and len(sending) >= 3  # the clerk, a vice dean, the Dean's answer
    for name in sending:
        case = walked(until=name)
        sign_in_at_its_desk(client, case)

        forms = forms_of(client.get(case_url(case)))

        assert "delivered_via" in forms[name].fields, name
        for other, form in forms.items():
            if other not in sending:
                assert "delivered_via" not in form.fields, (name, other)


# ---------------------------------------------------------------------------------------------
# Confidential identity


def identity_shown(response, case) -> bool:
    return response.context["may_see_identity"] and case.customer_email in (
        response.content.decode()
    )


def test_confidential_identity_is_hidden_from_an_official_who_never_held_a_step(client, officials):
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat")
    holder = holder_of(case, timezone.localdate())
    # Those who read every case read this one too, but never held a step of it (decision 11).
    readers = [officials["kabag"], officials["dean"], make_official("mutu", "penjaminan_mutu")]
    assert holder not in readers

    for user in readers:
        client.force_login(user)
        response = client.get(case_url(case))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Rahmat Hidayat" not in page, user.username
        assert case.customer_email not in page, user.username
        assert (
            escape(
                indonesian("Confidential: shown only to officials who handle a step of this case.")
            )
            in page
        )


def test_confidential_identity_is_shown_to_the_holder_now_and_to_those_who_held_a_step(
    client, officials, caplog
):
    caplog.set_level(logging.INFO, logger="aspirasi.identity")
    case, _ = make_case(privacy=Privacy.CONFIDENTIAL, customer_name="Rahmat Hidayat")
    first = holder_of(case, timezone.localdate())

    client.force_login(first)
    assert identity_shown(client.get(case_url(case)), case)

    # Handed over with its supporting information: the case is on another desk now.
    case = walk_case(case, via=["hand_over"])
    now_holding = holder_of(case, timezone.localdate())
    assert now_holding != first
    client.force_login(now_holding)  # holds the case now
    assert identity_shown(client.get(case_url(case)), case)
    client.force_login(first)  # held the steps before
    assert identity_shown(client.get(case_url(case)), case)
    stranger = officials["dean"]  # reads every case, never held a step of this one
    assert stranger != now_holding and not case.trail.filter(actor=stranger).exists()
    client.force_login(stranger)
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
        (first.username, "holds the case now"),
        (now_holding.username, "holds the case now"),
        (first.username, "held a step of it"),
    ]
    assert len([r for r in caplog.records if r.name == "aspirasi.identity"]) == 3


def test_normal_identity_is_shown_to_every_official_who_reads_the_case_and_anonymous_has_none(
    client, officials
):
    normal, _ = make_case(customer_name="Budi Normal")
    anonymous, _ = make_case(privacy=Privacy.ANONYMOUS)
    for reader in ("clerk", "kabag", "dean"):
        client.force_login(officials[reader])

        assert "Budi Normal" in client.get(case_url(normal)).content.decode(), reader
        page = client.get(case_url(anonymous)).content.decode()
        assert escape(indonesian("Anonymous: no identity is stored.")) in page, reader


# ---------------------------------------------------------------------------------------------
# The inbox


def test_inbox_lists_only_the_cases_waiting_on_my_positions_most_urgent_first(client, officials):
    o = officials
    now = timezone.now()
    recent, _ = make_case(now=now)  # due at the next working moment + 10 min: on time
    oldest, _ = make_case(now=TUESDAY_9 - dt.timedelta(days=1))  # Monday: overdue
    older, _ = make_case(now=TUESDAY_9)  # Tuesday: overdue
    handed_over = walked(via=["hand_over"])
    closed, _ = make_case()
    act(closed, "spam", T(reason="Iklan."))
    client.force_login(o["clerk"])

    response = client.get(INBOX)

    rows = response.context["rows"]
    assert [row["code"] for row in rows] == [c.tracking_code for c in (oldest, older, recent)]
    assert [row["mark"] for row in rows] == ["overdue", "overdue", "on_time"]
    page = response.content.decode()
    assert page.count(f'class="mark overdue">{indonesian("overdue")}<') == 2
    assert handed_over.tracking_code not in page
    assert closed.tracking_code not in page

    sign_in_at_its_desk(client, handed_over)
    assert [row["code"] for row in client.get(INBOX).context["rows"]] == [handed_over.tracking_code]
    client.force_login(o["wd1"])
    assert list(client.get(INBOX).context["rows"]) == []


def test_inbox_of_an_official_with_two_positions_shows_both(client, officials):
    o = officials
    from aspirasi.officials.models import Holding

    Holding.objects.create(user=o["wd1"], position="wd3", starts_on=dt.date(2024, 1, 1))
    forwarded_to = {}
    for vice_dean in ("wd1", "wd3", "wd2"):
        case = walked(via=["forward"], vice_dean=vice_dean)
        assert case.current_position == vice_dean
        forwarded_to[vice_dean] = case.tracking_code
    client.force_login(o["wd1"])

    rows = client.get(INBOX).context["rows"]

    assert sorted(row["code"] for row in rows) == sorted([forwarded_to["wd1"], forwarded_to["wd3"]])


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
    walk_case(clarified, via=["receive"], start=TUESDAY_9 + dt.timedelta(hours=1))
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
