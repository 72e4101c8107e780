"""Internal notes between officials (never for the customer), and the customer's clarifications
read on the case page."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from aspirasi.cases.clarifications import add_clarification
from aspirasi.cases.walking import walk_case
from aspirasi.notes.models import MAX_NOTE, InternalNote
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9, make_acting, make_case

pytestmark = pytest.mark.django_db

NOTE = "Catatan internal: pelapor pernah mengeluh hal serupa tahun lalu."


def case_url(case) -> str:
    return reverse("desk:case", args=[case.tracking_code])


def note_url(case) -> str:
    return reverse("notes:add", args=[case.tracking_code])


def track_url(case, secret: str) -> str:
    return reverse("public:track", args=[case.tracking_code, secret])


def indonesian(msgid: str) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def test_an_official_who_reads_but_does_not_hold_the_case_adds_a_note_seen_on_the_case_page(
    client, officials
):
    case, _ = make_case()
    client.force_login(officials["kabag"])  # reads every case

    response = client.post(note_url(case), {"text": NOTE}, follow=True)

    assert response.redirect_chain == [(case_url(case) + "#internal-notes", 302)]
    note = InternalNote.objects.get()
    assert (note.aspiration, note.author, note.position, note.acting) == (
        case,
        officials["kabag"],
        "kabag_tu",
        False,
    )
    html = response.content.decode()
    assert NOTE in html and 'id="internal-notes"' in html
    # Every official who reads the case reads it on the case page.
    client.force_login(officials["clerk"])
    assert NOTE in client.get(case_url(case)).content.decode()


def test_the_note_speaks_for_the_position_holding_the_case_even_as_plh(client, officials):
    case, _ = make_case()
    today = dt.date.today()
    make_acting(officials["wd1"], case.current_position, today - dt.timedelta(days=1), today)
    client.force_login(officials["wd1"])

    client.post(note_url(case), {"text": NOTE})

    note = InternalNote.objects.get()
    assert (note.position, note.acting) == (case.current_position, True)
    assert "a.n." in client.get(case_url(case)).content.decode()


def test_the_admin_may_note_too_and_an_archived_case_takes_notes(client, officials):
    case, _ = make_case()
    walk_case(case, path="A", texts={"response": "Sudah dijawab."})
    admin = get_user_model().objects.create_superuser("admin", password="rahasia-demo-123")
    client.force_login(admin)

    assert client.post(note_url(case), {"text": NOTE}).status_code == 302
    assert InternalNote.objects.get().position == ""


def test_outsiders_and_visitors_write_no_note(client, officials):
    case, _ = make_case()
    response = client.post(note_url(case), {"text": NOTE})
    assert response.status_code == 302 and reverse("desk:login") in response["Location"]
    client.force_login(officials["outsider"])
    assert client.post(note_url(case), {"text": NOTE}).status_code == 403
    assert not InternalNote.objects.exists()


def test_an_empty_or_over_long_note_is_refused_in_indonesian_and_kept(client, officials):
    case, _ = make_case()
    client.force_login(officials["kabag"])

    empty = client.post(note_url(case), {"text": "   "})
    too_long = "x" * (MAX_NOTE + 1)
    long = client.post(note_url(case), {"text": too_long})

    assert empty.status_code == 400
    assert "Bidang ini tidak boleh kosong." in empty.content.decode()
    assert long.status_code == 400
    assert too_long in long.content.decode()  # nothing typed is lost
    assert not InternalNote.objects.exists()
    assert client.get(note_url(case)).status_code == 405


def test_internal_notes_never_reach_the_customer(client, officials):
    """Not on the tracking page at any stage, not in any message sent out."""
    case, secret = make_case(customer_email="siti@example.ac.id")
    client.force_login(officials["kabag"])
    client.post(note_url(case), {"text": NOTE})
    assert InternalNote.objects.filter(aspiration=case).exists()
    client.logout()

    page = client.get(track_url(case, secret))
    assert page.status_code == 200
    assert NOTE not in page.content.decode()
    assert "internal-notes" not in page.content.decode()

    walk_case(case, path="A", texts={"response": "Jadwal sudah diumumkan."})
    page = client.get(track_url(case, secret)).content.decode()
    assert "Jadwal sudah diumumkan." in page  # the response does reach the customer
    assert NOTE not in page
    assert all(NOTE not in str(m.body) for m in mail.outbox)
    assert Message.objects.filter(aspiration=case).exists()  # messages did go out
    for message in Message.objects.all():
        assert NOTE not in message.text_body and NOTE not in message.html_body


def test_the_customers_clarifications_are_listed_for_officials(client, officials):
    case, _ = make_case()
    add_clarification(
        case, "Ujiannya mata kuliah Statika, bukan Dinamika.", source="web", now=TUESDAY_9
    )
    client.force_login(officials["dean"])  # any official who reads the case, read-only

    html = client.get(case_url(case)).content.decode()

    assert "Ujiannya mata kuliah Statika, bukan Dinamika." in html
    assert 'id="desk-clarifications"' in html
    assert indonesian("Clarifications from the customer") in html
