"""Privacy as SP4N-LAPOR! offers it (issue 4, point 2): an anonymous case stores no identity
anywhere, and a confidential case's identity reaches nobody outside the officials handling it."""

import pytest
from django.db import connection
from django.urls import reverse

from aspirasi.board.services import board_entry_write
from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import Aspiration, IdentityView
from aspirasi.cases.walking import walk_case
from tests.factories import category
from tests.public.helpers import (
    AUTHOR,
    files_under,
    jpeg_with_gps,
    pdf_with_author,
    upload,
)

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public:submit")
# What the whistle-blower typed about themself, each unlike anything else in the database.
NAME = "Kurniawati Pelapor Rahasiawan"
EMAIL = "kurniawati.pelapor@contoh-surel.id"
PHONE = "0813 7777 2468"
NUMBER = "1909055777"
FILE_STEM = "KTM_Kurniawati"
IDENTITY = (NAME, EMAIL, PHONE, NUMBER, FILE_STEM, AUTHOR, "Kurniawati")


def database_text() -> str:
    """Every text value in every column of every table, one string."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    elif value is not None:
                        parts.append(str(value))
    return "\n".join(parts)


def media_bytes(root) -> bytes:
    return b"\n".join(p.name.encode() + b"\n" + p.read_bytes() for p in files_under(root))


def submit(client, capture, privacy: str, **extra):
    data = {
        "privacy": privacy,
        "customer_name": NAME,
        "customer_type": "mahasiswa",
        "customer_number": NUMBER,
        "customer_email": EMAIL,
        "customer_phone": PHONE,
        "category": category("akademik").pk,
        "subject": "Pungutan liar di loket nilai",
        "body": "Ada pungutan liar saat mengurus transkrip nilai di loket.",
        "public_consent": "on",
        "attachments": [
            upload(f"{FILE_STEM}.jpg", jpeg_with_gps()),
            upload(f"{FILE_STEM}.pdf", pdf_with_author()),
        ],
        **extra,
    }
    with capture(execute=True):
        response = client.post(SUBMIT, data)
    assert response.status_code == 200, response.context["form"].errors
    secret = response.context["link"].rstrip("/").rsplit("/", 1)[1]
    return Aspiration.objects.get(pk=response.context["case"].pk), secret


def test_an_anonymous_case_stores_no_identity_in_any_table_or_file(
    client, media, officials, django_capture_on_commit_callbacks, fresh_limits
):
    case, secret = submit(client, django_capture_on_commit_callbacks, Privacy.ANONYMOUS)
    track = reverse("public:track", args=[case.tracking_code, secret])
    # The customer goes on through the link alone: a clarification, then (after the answer)
    # the survey with a profile typed in, which an anonymous case does not keep either.
    client.post(
        reverse("public:clarify", args=[case.tracking_code, secret]),
        {"text": "Kejadiannya hari Senin pagi."},
    )
    case = walk_case(case, path="A", texts={"response": "Sudah ditindaklanjuti oleh pimpinan."})
    survey = {f"survey-u{n}": "3" for n in range(1, 10)}
    survey.update({"survey-age": "21", "survey-sex": "P", "survey-occupation": "pelajar_mahasiswa"})
    client.post(reverse("public:survey", args=[case.tracking_code, secret]), survey)
    assert client.get(track).status_code == 200

    assert case.attachments.count() == 2
    assert case.clarifications.count() == 1
    assert case.survey.age is None and case.survey.sex == ""
    stored = database_text()
    for typed in IDENTITY:
        assert typed not in stored, f"{typed!r} is stored somewhere in the database"
    files = media_bytes(media)
    assert files, "the attachments should be on disk"
    for typed in IDENTITY:
        assert typed.encode() not in files, f"{typed!r} is in a stored file or its name"


def test_a_confidential_identity_reaches_no_public_page_and_no_other_customer(
    client, media, officials, django_capture_on_commit_callbacks, fresh_limits
):
    case, secret = submit(client, django_capture_on_commit_callbacks, Privacy.CONFIDENTIAL)
    other, other_secret = submit(
        client,
        django_capture_on_commit_callbacks,
        Privacy.NORMAL,
        customer_name="Pelanggan Lain",
        customer_email="lain@example.ac.id",
        customer_phone="",
        customer_number="",
    )
    case = walk_case(case, path="A", texts={"response": "Kasus ditangani sesuai aturan."})
    board_entry_write(
        case=case,
        user=officials["clerk"],
        summary="Laporan pungutan di loket nilai.",
        public_answer="Sudah ditangani; layanan transkrip tidak dipungut biaya.",
    )
    # The case's identity is stored: the officials handling it need it.
    assert Aspiration.objects.get(pk=case.pk).customer_email == EMAIL

    reachable = [
        client.get(reverse("public:home")),
        client.get(reverse("board:board")),
        client.get(reverse("board:board"), {"q": "pungutan"}),
        client.get(reverse("public:track", args=[case.tracking_code, secret])),
        client.get(reverse("public:track", args=[other.tracking_code, other_secret])),
        client.get(reverse("public:track", args=[case.tracking_code, other_secret])),
        client.post(
            reverse("public:track_lookup"), {"code": case.tracking_code, "secret": "salah"}
        ),
        client.post(reverse("public:lost_link"), {"email": EMAIL}),
    ]
    for attachment in case.attachments.all():
        response = client.get(
            reverse("attachments:customer", args=[case.tracking_code, secret, attachment.pk])
        )
        reachable.append(response)
    for response in reachable:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for typed in (NAME, EMAIL, PHONE, NUMBER, AUTHOR):
            assert typed.encode() not in body, f"{typed!r} reached {response.request['PATH_INFO']}"


def test_officials_who_handle_a_confidential_case_see_its_identity_and_it_is_logged(
    client, media, officials, django_capture_on_commit_callbacks, fresh_limits
):
    case, _secret = submit(client, django_capture_on_commit_callbacks, Privacy.CONFIDENTIAL)
    client.force_login(officials["clerk"])

    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()

    assert NAME in page
    assert IdentityView.objects.filter(aspiration=case, user=officials["clerk"]).count() == 1
    # The files are listed under their own names, and opening one is recorded too.
    assert f"{FILE_STEM}.jpg" in page
    files = list(case.attachments.order_by("id"))
    download = client.get(reverse("attachments:official", args=[files[0].public_id]))
    assert download.status_code == 200
    assert IdentityView.objects.filter(aspiration=case, user=officials["clerk"]).count() == 2
    client.force_login(officials["kabag"])  # reads every case, does not handle this one
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert NAME not in page
    # An official who does not handle the case gets neither the files' names nor their content.
    assert FILE_STEM not in page
    assert "lampiran-1.jpg" in page and "lampiran-2.pdf" in page
    for attachment in files:
        refused = client.get(reverse("attachments:official", args=[attachment.public_id]))
        assert refused.status_code == 403
        assert FILE_STEM.encode() not in refused.content
    assert not IdentityView.objects.filter(user=officials["kabag"]).exists()
