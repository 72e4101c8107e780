"""Receipt from the customer's side: sending an aspiration on the web form (form L01)."""

import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import translation

from aspirasi.cases.choices import Channel, CustomerStatus, Privacy
from aspirasi.cases.models import Aspiration, StepRecord
from tests.factories import category, step_with

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public:submit")
REQUIRED = "Bidang ini tidak boleh kosong."  # Django's own Indonesian "This field is required."


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def form_data(**overrides) -> dict:
    data = {
        "privacy": Privacy.NORMAL,
        "customer_name": "Siti Rahma",
        "customer_type": "mahasiswa",
        "customer_number": "2009076001",
        "customer_email": "Siti.Rahma@Example.ac.id",
        "customer_phone": "",
        "category": category("akademik").pk,
        "subject": "Jadwal ujian susulan",
        "body": "Kapan jadwal ujian susulan Mekanika Teknik diumumkan?",
        "desired_outcome": "Jadwal diumumkan di papan pengumuman.",
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_web_aspiration_waits_for_the_clerk_to_receive_it_and_shows_its_code_and_secret_link(
    client,
):
    response = client.post(SUBMIT, form_data())

    assert response.status_code == 200
    case = Aspiration.objects.get()
    assert (case.current_step, case.current_position) == (step_with("receive"), "kasubbag")
    assert case.channel == Channel.WEBSITE
    assert case.customer_status == CustomerStatus.RECEIVED
    assert case.language == "id"
    assert case.entered_by is None
    # Nobody has acted yet: the clerk is still to receive it.
    assert not StepRecord.objects.exists()
    page = response.content.decode()
    assert f'id="tracking-code">{case.tracking_code}<' in page
    link = re.search(r'id="secret-link" href="([^"]+)"', page).group(1)
    assert link.startswith("http://testserver/lacak/" + case.tracking_code + "/")
    # Only a hash of the secret is stored; the link itself opens the case.
    secret = link.rstrip("/").rsplit("/", 1)[1]
    assert secret not in case.secret_hash
    opened = client.get(link.removeprefix("http://testserver"))
    assert opened.status_code == 200
    assert opened.context["case"] == case


def test_identity_is_stored_as_given_for_a_normal_aspiration(client):
    client.post(SUBMIT, form_data())

    case = Aspiration.objects.get()
    assert case.privacy == Privacy.NORMAL
    assert (case.customer_name, case.customer_number, case.customer_email) == (
        "Siti Rahma",
        "2009076001",
        "siti.rahma@example.ac.id",
    )


@pytest.mark.parametrize("missing", ["subject", "body", "customer_name"])
def test_a_missing_field_is_refused_in_indonesian_and_keeps_what_was_typed(client, missing):
    data = form_data(**{missing: "   "})

    response = client.post(SUBMIT, data)

    assert response.status_code == 200
    assert not Aspiration.objects.exists()
    errors = field_errors(response, missing)
    assert len(errors) == 1
    message = errors[0]
    if missing == "customer_name":
        assert message == indonesian("Write your name, or choose Anonymous.")
    else:
        assert message == REQUIRED
    page = response.content.decode()
    assert escape(message) in page
    # Everything else the customer typed is still in the form.
    for field in ("subject", "body", "customer_name"):
        if field != missing:
            assert data[field] in page
    assert "Mekanika Teknik" in page or missing == "body"


def test_an_empty_form_marks_every_required_field(client):
    response = client.post(SUBMIT, {"privacy": Privacy.NORMAL})

    assert response.status_code == 200
    assert not Aspiration.objects.exists()
    form = response.context["form"]
    assert {"subject", "body", "customer_name", "customer_email"} <= set(form.errors)
    assert form.errors["subject"] == [REQUIRED]


def test_a_named_customer_must_leave_a_way_to_be_reached(client):
    response = client.post(SUBMIT, form_data(customer_email="", customer_phone=""))

    assert response.status_code == 200
    assert not Aspiration.objects.exists()
    assert field_errors(response, "customer_email")


def test_anonymous_aspiration_stores_no_identity_even_when_typed(client):
    response = client.post(
        SUBMIT,
        form_data(
            privacy=Privacy.ANONYMOUS,
            customer_phone="0812-5555-1234",
        ),
    )

    assert response.status_code == 200
    case = Aspiration.objects.get()
    assert case.privacy == Privacy.ANONYMOUS
    assert case.customer_name == ""
    assert case.customer_type == ""
    assert case.customer_number == ""
    assert case.customer_email == ""
    assert case.customer_phone == ""
    stored = " ".join(str(v) for v in Aspiration.objects.values().get().values())
    # The phone in any spelling, but not a bare "0812": a random secret hash or the microseconds
    # of a timestamp hold those four digits about once in a thousand runs.
    for typed in ("Siti", "2009076001", "example.ac.id", "5555-1234", "5555 1234", "55551234"):
        assert typed not in stored


def test_anonymous_aspiration_needs_neither_name_nor_contact(client):
    response = client.post(
        SUBMIT,
        form_data(
            privacy=Privacy.ANONYMOUS,
            customer_name="",
            customer_email="",
            customer_type="",
            customer_number="",
        ),
    )

    assert response.status_code == 200
    assert Aspiration.objects.get().privacy == Privacy.ANONYMOUS
    assert "secret-link" in response.content.decode()


def test_the_form_is_offered_in_indonesian_by_default(client):
    response = client.get(SUBMIT)

    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "id"
    assert '<html lang="id">' in response.content.decode()
