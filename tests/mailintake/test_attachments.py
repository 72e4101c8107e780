"""Files that come with an e-mail go through the web form's checks (type by content, metadata
removed, size and number) and are stored with the case, where officials open them as they open
a web upload; a file that fails is named as refused, and the message still opens its case."""

import re
from email.message import EmailMessage

import pytest
from django.urls import reverse

from aspirasi.attachments.services import open_stored
from aspirasi.mailintake.intake import receive_mail
from tests.factories import TUESDAY_9
from tests.public.helpers import AUTHOR, jpeg_with_gps, pdf_with_author

from .mails import CUSTOMER, receipt_of

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00" + b"\x00" * 200


def with_files(*files: tuple[str, bytes, str], body="Foto atap bocor terlampir.", headers=None):
    message = EmailMessage()
    message["From"] = CUSTOMER
    message["To"] = "aspirasi@ft.unmul.ac.id"
    message["Subject"] = "Atap laboratorium bocor"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data, ctype in files:
        maintype, subtype = ctype.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def stored_bytes(attachment) -> bytes:
    with open_stored(attachment) as handle:
        return handle.read()


def test_an_email_attachment_is_stored_on_the_case_without_its_metadata():
    raw = with_files(
        ("laporan.pdf", pdf_with_author(), "application/pdf"),
        ("atap.jpg", jpeg_with_gps(), "image/jpeg"),
    )
    case = receive_mail(raw, now=TUESDAY_9).mail.aspiration
    pdf, jpeg = case.attachments.order_by("id")
    assert (pdf.original_name, pdf.content_type) == ("laporan.pdf", "application/pdf")
    assert (jpeg.original_name, jpeg.content_type) == ("atap.jpg", "image/jpeg")
    for attachment in (pdf, jpeg):
        data = stored_bytes(attachment)
        assert len(data) == attachment.size and AUTHOR.encode() not in data
    assert "laporan.pdf, atap.jpg" in case.body


def test_an_email_attachment_opens_for_an_official_who_may_see_the_case(
    client, officials, django_capture_on_commit_callbacks
):
    raw = with_files(("laporan.pdf", pdf_with_author(), "application/pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        case = receive_mail(raw, now=TUESDAY_9).mail.aspiration
    attachment = case.attachments.get()
    page_url = reverse("desk:case", args=[case.tracking_code])

    client.force_login(officials["clerk"])  # the case waits at the clerk's desk
    page = client.get(page_url).content.decode()
    found = re.search(r'href="([^"]+)"[^>]*>laporan\.pdf<', page)
    assert found, "the case page links the e-mail's file"
    response = client.get(found.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="laporan.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == stored_bytes(attachment)

    client.force_login(officials["outsider"])  # signed in, but no official
    assert client.get(found.group(1)).status_code == 403
    client.force_login(officials["wd2"])  # an official the case never reached (decision 11)
    assert client.get(found.group(1)).status_code == 404


def test_attachments_that_fail_the_checks_are_named_as_refused_and_the_rest_is_stored():
    raw = with_files(
        ("program.exe", EXE, "application/octet-stream"),
        ("laporan.pdf", pdf_with_author(), "application/pdf"),
        ("kosong.pdf", b"", "application/pdf"),
    )
    received = receive_mail(raw, now=TUESDAY_9)
    case = received.mail.aspiration
    assert received.mail.outcome == "opened"
    assert [a.original_name for a in case.attachments.all()] == ["laporan.pdf"]
    assert "Foto atap bocor terlampir." in case.body
    refused = case.body.split("\n\n")[-1]
    assert "program.exe" in refused and "kosong.pdf" in refused
    assert "laporan.pdf" not in refused


def test_an_email_brings_no_more_files_than_the_web_form(settings):
    settings.ASPIRASI_ATTACHMENT_MAX_FILES = 2
    names = ["satu.pdf", "dua.pdf", "tiga.pdf"]
    raw = with_files(*[(name, pdf_with_author(), "application/pdf") for name in names])
    case = receive_mail(raw, now=TUESDAY_9).mail.aspiration
    assert [a.original_name for a in case.attachments.all()] == ["satu.pdf", "dua.pdf"]
    assert "tiga.pdf" in case.body.split("\n\n")[-1]


def test_a_file_larger_than_the_web_forms_limit_is_refused(settings):
    settings.ASPIRASI_ATTACHMENT_MAX_BYTES = 1000
    raw = with_files(("foto.jpg", jpeg_with_gps(size=(400, 300)), "image/jpeg"))
    case = receive_mail(raw, now=TUESDAY_9).mail.aspiration
    assert not case.attachments.exists()
    assert "foto.jpg" in case.body


def test_a_file_with_a_reply_is_stored_on_the_case_it_joins():
    case = receive_mail(with_files(), now=TUESDAY_9).mail.aspiration
    ours = receipt_of(case).message_id
    reply = with_files(
        ("denah.pdf", pdf_with_author(), "application/pdf"),
        body="Denah ruangannya terlampir.",
        headers={"In-Reply-To": ours},
    )
    received = receive_mail(reply, now=TUESDAY_9)
    assert received.mail.outcome == "joined" and received.mail.aspiration == case
    assert [a.original_name for a in case.attachments.all()] == ["denah.pdf"]
    assert "denah.pdf" in case.clarifications.get().text
