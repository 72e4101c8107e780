"""The receipt of aspirations that came by phone, on paper or in person: the clerk types them in,
and the receiving step's clock runs from when they really arrived (decisions 9 and 17)."""

import datetime as dt

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi.attachments.models import Attachment
from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.engine import ActionRefused
from aspirasi.cases.models import Aspiration
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.web import once
from tests.factories import TUESDAY_9, WITA, category, make_acting, make_user, step_with
from tests.public.helpers import (
    AUTHOR,
    docx_with_author,
    files_under,
    jpeg_with_gps,
    pdf_with_author,
    png_with_text,
    upload,
)

pytestmark = pytest.mark.django_db

INTAKE = reverse("desk:manual_intake")
ARRIVED = TUESDAY_9 + dt.timedelta(hours=5, minutes=30)  # Tuesday 14:30 WITA


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def local_input(moment: dt.datetime) -> str:
    """What a datetime-local input sends: wall-clock time in the faculty's zone, no offset."""
    return moment.astimezone(WITA).strftime("%Y-%m-%dT%H:%M")


def intake_data(**overrides) -> dict:
    data = {
        "channel": Channel.PHONE,
        "arrived_at": local_input(ARRIVED),
        "privacy": Privacy.NORMAL,
        "customer_name": "Pak Darmawan",
        "customer_type": "orang_tua_wali",
        "customer_phone": "0812-5555-7788",
        "category": category("kemahasiswaan").pk,
        "subject": "Beasiswa anak saya",
        "body": "Menanyakan kapan pencairan beasiswa PPA semester ini.",
        # The one-time key the form carries when the clerk opens it.
        "once": once.issue("manual_intake"),
    }
    data.update(overrides)
    return data


def test_the_clerk_enters_a_phone_aspiration_and_it_is_received_from_its_arrival(client, officials):
    clerk = officials["clerk"]
    client.force_login(clerk)
    assert client.get(INTAKE).status_code == 200
    before = timezone.now()

    response = client.post(INTAKE, intake_data())

    case = Aspiration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:case", args=[case.tracking_code])
    assert (case.channel, case.arrived_at, case.entered_by) == (Channel.PHONE, ARRIVED, clerk)
    assert before <= case.entered_at <= timezone.now()
    assert case.tracking_code.startswith("ASP-2026-")
    # Received on entry: the case waits for the clerk's answer.
    assert (case.current_step, case.current_position) == (step_with("answer"), "kasubbag")
    record = case.trail.get()
    assert (record.step, record.action, record.actor) == (step_with("receive"), "receive", clerk)
    assert record.arrived_at == ARRIVED
    assert record.done_at == case.entered_at
    assert record.working_seconds == faculty_calendar().between(ARRIVED, case.entered_at)
    assert record.met is False  # typed in weeks later: the 10 minutes are long gone
    assert case.customer_phone == "0812-5555-7788"
    # The case page says when it arrived and when it was entered.
    page = client.get(response["Location"])
    assert page.context["case"] == case
    messages = [str(m) for m in page.context["messages"]]
    assert messages == [indonesian("Entered as %(code)s.") % {"code": case.tracking_code}]


def test_arrival_a_few_minutes_ago_meets_the_standard(client, officials):
    client.force_login(officials["clerk"])
    arrived = timezone.now() - dt.timedelta(minutes=2)

    client.post(INTAKE, intake_data(arrived_at=local_input(arrived)))

    record = Aspiration.objects.get().trail.get()
    assert record.working_seconds <= 600
    assert record.met is True


@pytest.mark.parametrize("who", ["kabag", "wd1", "wd2", "wd3", "dean", "outsider"])
def test_only_the_clerk_enters_aspirations(client, officials, who):
    client.force_login(officials[who])

    assert client.get(INTAKE).status_code == 403
    assert client.post(INTAKE, intake_data()).status_code == 403
    assert not Aspiration.objects.exists()


def test_inbox_offers_manual_intake_to_the_clerk_only(client, officials):
    client.force_login(officials["clerk"])
    assert INTAKE in client.get(reverse("desk:inbox")).content.decode()
    client.force_login(officials["kabag"])
    assert INTAKE not in client.get(reverse("desk:inbox")).content.decode()


def test_an_acting_clerk_may_enter_aspirations(client, officials):
    plh = make_user("plh_kasubbag", first_name="Plh")
    today = timezone.localdate()
    make_acting(plh, "kasubbag", today, today + dt.timedelta(days=3))
    client.force_login(plh)

    response = client.post(INTAKE, intake_data())

    assert response.status_code == 302
    record = Aspiration.objects.get().trail.get()
    assert (record.actor, record.acting_for) == (plh, "kasubbag")


def test_arrival_in_the_future_is_refused_with_a_field_error(client, officials):
    client.force_login(officials["clerk"])
    tomorrow = timezone.now() + dt.timedelta(days=1)

    response = client.post(INTAKE, intake_data(arrived_at=local_input(tomorrow)))

    assert response.status_code == 400
    assert not Aspiration.objects.exists()
    errors = response.context["form"].errors
    assert errors["arrived_at"] == [indonesian("The arrival time cannot be in the future.")]
    page = response.content.decode()
    assert "Beasiswa anak saya" in page  # what was typed is kept


@pytest.mark.parametrize(
    ("field", "value"),
    [("arrived_at", ""), ("arrived_at", "kemarin sore"), ("subject", ""), ("body", "  ")],
)
def test_incomplete_entry_is_refused_with_a_field_error(client, officials, field, value):
    client.force_login(officials["clerk"])

    response = client.post(INTAKE, intake_data(**{field: value}))

    assert response.status_code == 400
    assert not Aspiration.objects.exists()
    assert response.context["form"].errors[field]


@pytest.mark.parametrize("channel", [Channel.WEBSITE, Channel.EMAIL])
def test_website_and_email_are_not_typed_in(client, officials, channel):
    client.force_login(officials["clerk"])

    response = client.post(INTAKE, intake_data(channel=channel))

    assert response.status_code == 400
    assert not Aspiration.objects.exists()
    assert response.context["form"].errors["channel"]


def test_anonymous_entry_keeps_no_identity(client, officials):
    client.force_login(officials["clerk"])

    client.post(INTAKE, intake_data(channel=Channel.SUGGESTION_BOX, privacy=Privacy.ANONYMOUS))

    case = Aspiration.objects.get()
    assert (case.channel, case.customer_name, case.customer_phone) == (
        Channel.SUGGESTION_BOX,
        "",
        "",
    )


# -- the scan of the paper form (issue 5, item 3) ---------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_scan_of_the_paper_form_is_kept_with_the_case_without_its_metadata(
    client, officials, media, django_capture_on_commit_callbacks
):
    client.force_login(officials["clerk"])
    data = intake_data(
        channel=Channel.IN_PERSON, paper_scan=upload("formulir_darmawan.pdf", pdf_with_author())
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INTAKE, data)

    assert response.status_code == 302
    case = Aspiration.objects.get()
    scan = case.attachments.get()
    assert (scan.kind, scan.original_name, scan.content_type) == (
        Attachment.Kind.PAPER_FORM,
        "formulir_darmawan.pdf",
        "application/pdf",
    )
    stored = [p.read_bytes() for p in files_under(media)]
    assert len(stored) == 1 and stored[0].startswith(b"%PDF-")
    assert AUTHOR.encode() not in stored[0]
    page = client.get(response["Location"]).content.decode()
    assert reverse("attachments:official", args=[scan.public_id]) in page
    assert "formulir_darmawan.pdf" in page


def test_the_intake_form_is_sent_as_multipart(client, officials):
    client.force_login(officials["clerk"])

    page = client.get(INTAKE).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'name="paper_scan"' in page


def test_a_scan_too_large_is_refused_with_an_indonesian_field_error_and_the_text_kept(
    client, officials, media, settings
):
    settings.ASPIRASI_ATTACHMENT_MAX_BYTES = 1_000
    client.force_login(officials["clerk"])
    data = intake_data(
        channel=Channel.IN_PERSON, paper_scan=upload("formulir.jpg", jpeg_with_gps((400, 400)))
    )

    response = client.post(INTAKE, data)

    assert response.status_code == 400
    assert not Aspiration.objects.exists()
    with translation.override("id"):
        limit = filesizeformat(1_000)
    expected = indonesian("%(name)s is larger than %(limit)s.") % {
        "name": "formulir.jpg",
        "limit": limit,
    }
    assert response.context["form"].errors["paper_scan"] == [expected]
    page = response.content.decode()
    assert "Beasiswa anak saya" in page and "Pak Darmawan" in page  # what was typed is kept
    assert 'id="scan-again"' in page
    assert files_under(media) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("formulir.docx", docx_with_author()),  # accepted from customers, but not a scan
        ("formulir.pdf", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_scan_that_is_not_a_pdf_jpg_or_png_is_refused(client, officials, media, name, data):
    client.force_login(officials["clerk"])

    response = client.post(INTAKE, intake_data(paper_scan=upload(name, data)))

    assert response.status_code == 400
    assert not Aspiration.objects.exists()
    [error] = response.context["form"].errors["paper_scan"]
    assert name in error
    assert files_under(media) == []


def test_an_anonymous_paper_form_scan_keeps_no_file_name(
    client, officials, media, django_capture_on_commit_callbacks
):
    client.force_login(officials["clerk"])
    data = intake_data(
        channel=Channel.SUGGESTION_BOX,
        privacy=Privacy.ANONYMOUS,
        paper_scan=upload("surat_Darmawan.png", png_with_text()),
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(INTAKE, data)

    scan = Aspiration.objects.get().attachments.get()
    assert scan.original_name == ""
    assert scan.download_name == f"lampiran-{scan.pk}.png"


def test_a_refused_entry_stores_no_scan(client, officials, media, monkeypatch):
    from aspirasi.desk import views

    def refuse(*args, **kwargs):
        raise ActionRefused("Ditolak.")

    monkeypatch.setattr(views, "submit_aspiration", refuse)
    client.force_login(officials["clerk"])

    response = client.post(
        INTAKE, intake_data(paper_scan=upload("formulir.pdf", pdf_with_author()))
    )

    assert response.status_code == 400
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_saving_the_same_form_twice_enters_one_case(client, officials):
    client.force_login(officials["clerk"])
    data = intake_data()
    first = client.post(INTAKE, data)
    again = client.post(INTAKE, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Aspiration.objects.filter(subject=data["subject"]).count() == 1


def test_a_form_open_too_long_comes_back_with_the_text_kept(client, officials):
    client.force_login(officials["clerk"])
    response = client.post(INTAKE, intake_data(once="kedaluwarsa"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Menanyakan kapan pencairan beasiswa PPA semester ini." in page
    assert "terlalu lama" in page
    assert not Aspiration.objects.exists()
