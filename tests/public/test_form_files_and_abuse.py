"""The form's attachments, limits and abuse guards (issue 4, points 1 and 7): every refusal is
an Indonesian message that keeps what the person typed."""

from html import escape

import pytest
from django.urls import reverse

from aspirasi.attachments.models import Attachment
from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import Aspiration
from aspirasi.web import ratelimit
from tests.factories import category
from tests.public.helpers import (
    docx_with_author,
    files_under,
    jpeg_with_gps,
    pdf_with_author,
    upload,
)

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public:submit")
BODY = "Kursi di ruang kuliah C-201 banyak yang patah; mohon diganti sebelum ujian."


def form_data(**overrides) -> dict:
    data = {
        "privacy": Privacy.NORMAL,
        "customer_name": "Rina Kartika",
        "customer_type": "mahasiswa",
        "customer_number": "2109076042",
        "customer_email": "rina@example.ac.id",
        "category": category("umum_fasilitas").pk,
        "subject": "Kursi ruang C-201 patah",
        "body": BODY,
        "desired_outcome": "Kursi diganti.",
    }
    data.update(overrides)
    return data


def assert_typed_text_kept(page: str, data: dict) -> None:
    for field in ("customer_name", "subject", "body", "desired_outcome", "customer_number"):
        assert escape(data[field]) in page, field


def test_a_normal_aspiration_keeps_its_files(client, media, django_capture_on_commit_callbacks):
    files = [upload("kursi.jpg", jpeg_with_gps()), upload("daftar.docx", docx_with_author())]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT, form_data(attachments=files))

    assert response.status_code == 200
    case = Aspiration.objects.get()
    assert sorted(case.attachments.values_list("original_name", flat=True)) == [
        "daftar.docx",
        "kursi.jpg",
    ]
    page = response.content.decode()
    assert "kursi.jpg" in page and "daftar.docx" in page
    assert len(files_under(media / "attachments")) == 2


@pytest.mark.parametrize(
    ("name", "data", "settings_override"),
    [
        ("skrip.pdf", b"<html><script>alert(1)</script></html>", {}),
        ("program.jpg", b"MZ\x90\x00\x03 windows program", {}),
        ("besar.pdf", None, {"ASPIRASI_ATTACHMENT_MAX_BYTES": 2048}),
    ],
    ids=["html-named-pdf", "exe-named-jpg", "over-the-size-limit"],
)
def test_a_wrong_type_or_an_over_limit_file_is_refused_and_the_text_is_kept(
    client, media, settings, name, data, settings_override
):
    for key, value in settings_override.items():
        setattr(settings, key, value)
    data = data if data is not None else pdf_with_author() + b"%" + b"0" * 4096
    typed = form_data()

    response = client.post(SUBMIT, {**typed, "attachments": [upload(name, data)]})

    assert response.status_code == 200
    assert not Aspiration.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media) == []
    errors = response.context["form"].errors["attachments"]
    assert len(errors) == 1 and name in errors[0]
    page = response.content.decode()
    assert escape(errors[0]) in page
    assert_typed_text_kept(page, typed)
    # The browser cannot keep chosen files; the page says so in Indonesian.
    assert 'id="files-again"' in page
    assert "pilih" in page.lower()


def test_too_many_files_are_refused(client, media, settings):
    settings.ASPIRASI_ATTACHMENT_MAX_FILES = 2
    files = [upload(f"foto{n}.jpg", jpeg_with_gps()) for n in range(3)]

    response = client.post(SUBMIT, form_data(attachments=files))

    assert not Aspiration.objects.exists()
    assert "2" in response.context["form"].errors["attachments"][0]


def test_a_flood_of_files_is_refused_before_any_is_read(client, media, settings):
    # Beyond Django's own cap (a few files more than the form's limit are refused by the form,
    # with the text kept: test_nothing_lost.py).
    files = [upload(f"foto{n}.jpg", b"x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]

    response = client.post(SUBMIT, form_data(attachments=files))

    assert response.status_code == 400
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert not Aspiration.objects.exists() and not Attachment.objects.exists()


def test_an_anonymous_aspiration_refuses_office_documents(client, media):
    typed = form_data(privacy=Privacy.ANONYMOUS)

    response = client.post(
        SUBMIT, {**typed, "attachments": [upload("laporan.docx", docx_with_author())]}
    )

    assert not Aspiration.objects.exists()
    message = response.context["form"].errors["attachments"][0]
    assert "anonim" in message.lower()
    page = response.content.decode()
    assert escape(typed["body"]) in page


def test_the_honeypot_refuses_with_a_message_and_keeps_the_text(client, media):
    typed = form_data(website="http://spam.example")

    response = client.post(SUBMIT, typed)

    assert not Aspiration.objects.exists()
    assert response.context["form"].non_field_errors()
    assert_typed_text_kept(response.content.decode(), typed)


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get(SUBMIT).content.decode()

    assert '<div class="hp">' in page
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page


@pytest.mark.parametrize(
    ("field", "length"), [("subject", 201), ("body", 10_001), ("desired_outcome", 2_001)]
)
def test_over_long_text_is_refused_with_its_limit(client, field, length):
    typed = form_data(**{field: "x" * length})

    response = client.post(SUBMIT, typed)

    assert not Aspiration.objects.exists()
    [message] = response.context["form"].errors[field]
    assert str(length - 1) in message.replace(".", "")


def test_a_client_over_the_submission_limit_is_refused_kindly(client, settings, fresh_limits):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "submit": (2, 3600)}
    for n in range(2):
        assert client.post(SUBMIT, form_data(subject=f"Kursi {n}")).status_code == 200
    typed = form_data(subject="Kursi ketiga")

    response = client.post(SUBMIT, typed)

    assert response.status_code == 429
    assert Aspiration.objects.count() == 2
    page = response.content.decode()
    assert 'id="refusal"' in page
    assert "Terlalu banyak" in page
    assert_typed_text_kept(page, typed)
    # Another address is not affected.
    other = client.post(SUBMIT, form_data(subject="Dari tempat lain"), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_no_client_address_is_stored_with_the_case(client, media):
    client.post(SUBMIT, form_data(), REMOTE_ADDR="203.0.113.77")

    stored = " ".join(str(v) for v in Aspiration.objects.values().get().values())
    assert "203.0.113.77" not in stored


# ---------------------------------------------------------------------------------------------
# Whose address is it: X-Forwarded-For only from a proxy the settings name


class FakeRequest:
    def __init__(self, remote: str, forwarded: str | None = None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_forwarded_for_is_ignored_from_an_untrusted_peer(settings):
    settings.ASPIRASI_TRUSTED_PROXIES = ["10.0.0.1"]

    assert ratelimit.client_address(FakeRequest("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(settings):
    settings.ASPIRASI_TRUSTED_PROXIES = ["10.0.0.0/24"]

    # The client may have sent a forged first hop; the proxies' own hops are skipped from the right.
    request = FakeRequest("10.0.0.1", "6.6.6.6, 198.51.100.20, 10.0.0.7")
    assert ratelimit.client_address(request) == "198.51.100.20"
    assert ratelimit.client_address(FakeRequest("10.0.0.1")) == "10.0.0.1"


def test_the_limit_follows_the_forwarded_client_behind_the_proxy(client, settings, fresh_limits):
    settings.ASPIRASI_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "submit": (1, 3600)}

    first = client.post(SUBMIT, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = client.post(SUBMIT, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.1")
    other = client.post(SUBMIT, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (first.status_code, second.status_code, other.status_code) == (200, 429, 200)
