"""An attachment is served to its case's customer (code and secret) and to officials who may
read its case only, always as a download of its sniffed type that the browser will not render."""

import pytest
from django.urls import reverse

from aspirasi.attachments.models import Attachment
from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import IdentityView
from tests.factories import category
from tests.public.helpers import (
    jpeg_with_gps,
    pdf_with_author,
    upload,
)

pytestmark = pytest.mark.django_db


def send(client, capture, privacy=Privacy.NORMAL, files=None):
    data = {
        "privacy": privacy,
        "customer_name": "Budi",
        "customer_email": "budi@example.ac.id",
        "category": category("akademik").pk,
        "subject": "Bukti pembayaran",
        "body": "Bukti pembayaran terlampir.",
        "attachments": files or [upload("bukti.pdf", pdf_with_author())],
    }
    with capture(execute=True):
        response = client.post(reverse("public:submit"), data)
    assert response.status_code == 200, response.context["form"].errors
    case = response.context["case"]
    secret = response.context["link"].rstrip("/").rsplit("/", 1)[1]
    return case, secret


def customer_url(case, secret, attachment):
    return reverse("attachments:customer", args=[case.tracking_code, secret, attachment.pk])


def test_the_customer_downloads_their_file_as_an_attachment_of_its_real_type(
    client, media, django_capture_on_commit_callbacks
):
    case, secret = send(client, django_capture_on_commit_callbacks)
    attachment = case.attachments.get()

    response = client.get(customer_url(case, secret, attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="bukti.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == attachment.size


def test_a_file_named_html_is_still_served_as_the_image_it_is(
    client, media, django_capture_on_commit_callbacks
):
    case, secret = send(
        client,
        django_capture_on_commit_callbacks,
        files=[upload("halaman.html", jpeg_with_gps(), "text/html")],
    )
    attachment = case.attachments.get()

    response = client.get(customer_url(case, secret, attachment))

    assert response["Content-Type"] == "image/jpeg"
    assert "text/html" not in response["Content-Type"]
    assert 'filename="halaman.jpg"' in response["Content-Disposition"]


def test_another_customer_or_a_wrong_secret_gets_the_one_not_found_answer(
    client, media, django_capture_on_commit_callbacks, fresh_limits
):
    case_a, secret_a = send(client, django_capture_on_commit_callbacks)
    case_b, secret_b = send(client, django_capture_on_commit_callbacks)
    file_a = case_a.attachments.get()

    attempts = [
        # B's own code and secret, A's file number.
        reverse("attachments:customer", args=[case_b.tracking_code, secret_b, file_a.pk]),
        reverse("attachments:customer", args=[case_a.tracking_code, secret_b, file_a.pk]),
        reverse("attachments:customer", args=[case_a.tracking_code, "tebakan", file_a.pk]),
        reverse("attachments:customer", args=[case_a.tracking_code, secret_a, file_a.pk + 999]),
    ]
    pages = set()
    for url in attempts:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Content-Disposition" not in response
        pages.add(response.context["not_found"])
    assert len(pages) == 1


def test_officials_who_read_the_case_download_a_normal_case_file_and_nobody_else_does(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, _secret = send(client, django_capture_on_commit_callbacks)
    attachment = case.attachments.get()
    url = reverse("attachments:official", args=[attachment.public_id])

    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(officials["outsider"])
    assert client.get(url).status_code == 403
    client.force_login(officials["kabag"])  # reads every case, handling it or not
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(officials["wd3"])  # the case never reached WD III: no such file
    response = client.get(url)
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_the_old_sequential_address_of_a_file_finds_nothing(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, _secret = send(client, django_capture_on_commit_callbacks)
    attachment = case.attachments.get()
    client.force_login(officials["clerk"])  # holds the case

    assert client.get(f"/meja/lampiran/{attachment.pk}/").status_code == 404
    assert str(attachment.pk) != attachment.public_id and len(attachment.public_id) >= 22
    url = reverse("attachments:official", args=[attachment.public_id])
    assert client.get(url).status_code == 200


def test_a_confidential_case_file_goes_only_to_officials_who_handle_it_and_is_logged(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, _secret = send(
        client,
        django_capture_on_commit_callbacks,
        privacy=Privacy.CONFIDENTIAL,
        files=[upload("KTM_Budi.jpg", jpeg_with_gps())],
    )
    attachment = case.attachments.get()
    url = reverse("attachments:official", args=[attachment.public_id])

    # The Kabag TU reads every case but does not handle this one (yet): neither the file nor
    # its name.
    client.force_login(officials["kabag"])
    response = client.get(url)
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert "KTM_Budi" not in page
    assert "lampiran-1.jpg" in page
    assert url not in page
    assert not IdentityView.objects.filter(user=officials["kabag"]).exists()

    # The clerk holds it: the file under its own name, each download recorded.
    client.force_login(officials["clerk"])
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="KTM_Budi.jpg"' in response["Content-Disposition"]
    view = IdentityView.objects.get(aspiration=case, user=officials["clerk"])
    assert view.reason == "holds the case now (downloaded a file)"
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert "KTM_Budi.jpg" in page and url in page


def test_an_anonymous_case_file_has_no_name_and_any_official_who_reads_the_case_downloads_it(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, _secret = send(
        client,
        django_capture_on_commit_callbacks,
        privacy=Privacy.ANONYMOUS,
        files=[upload("KTM_Budi.jpg", jpeg_with_gps())],
    )
    attachment = case.attachments.get()
    client.force_login(officials["dean"])

    response = client.get(reverse("attachments:official", args=[attachment.public_id]))

    assert response.status_code == 200
    assert f'filename="lampiran-{attachment.pk}.jpg"' in response["Content-Disposition"]
    assert not IdentityView.objects.exists()


def test_the_desk_case_page_lists_the_files_for_officials(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, _secret = send(client, django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get()
    client.force_login(officials["clerk"])

    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()

    assert reverse("attachments:official", args=[attachment.public_id]) in page
    assert "bukti.pdf" in page
