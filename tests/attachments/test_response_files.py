"""A response may carry a file, e.g. the signed letter (issue 5, item 2): written with the
response on the desk, kept in the same transaction as the action, shown with the response to
officials, and to the customer only once the response is published to them.

Cases are walked along the SOP (tests/factories.py); steps are found by the actions they offer."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.attachments.models import Attachment
from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import CaseMovedOn
from aspirasi.cases.models import Aspiration, Response
from aspirasi.cases.walking import holder_of, walk_case
from aspirasi.notifications.models import Message
from tests.factories import make_case, step_with, walked
from tests.public.helpers import AUTHOR, docx_with_author, files_under, pdf_with_author, upload

pytestmark = pytest.mark.django_db


def act(client, case, action: str, **fields):
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(reverse("desk:act", args=[case.tracking_code, action]), data)


def track_url(case, secret):
    return reverse("public:track", args=[case.tracking_code, secret])


def told_customer(case) -> str:
    """The text of the e-mail that told the customer of the response."""
    return Message.objects.get(to=case.customer_email, kind="response_given").text_body


def file_url(case, secret, attachment):
    return reverse(
        "attachments:customer_response", args=[case.tracking_code, secret, attachment.pk]
    )


def sign_in_at_its_desk(client, case):
    """Sign in as whoever holds the desk the case waits at today."""
    user = holder_of(case, timezone.localdate())
    client.force_login(user)
    return user


def test_the_clerk_answers_with_a_signed_letter_and_the_customer_downloads_it(
    client, media, officials, django_capture_on_commit_callbacks
):
    case, secret = make_case()
    case = walk_case(case, until="answer")
    sign_in_at_its_desk(client, case)
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="answer-response_file"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            case,
            "answer",
            text="Jadwal terlampir dalam surat.",
            response_file=upload("Surat_Balasan.pdf", pdf_with_author()),
        )

    assert response.status_code == 302
    answer = Response.objects.get(aspiration=case)
    letter = Attachment.objects.get()
    assert (letter.response, letter.kind, letter.aspiration_id) == (
        answer,
        Attachment.Kind.RESPONSE,
        case.pk,
    )
    [stored] = files_under(media)
    assert AUTHOR.encode() not in stored.read_bytes()  # cleaned like a customer's file
    # The customer's e-mail, written in the same transaction, says the letter is there.
    assert "Surat_Balasan.pdf" in told_customer(case)
    # Officials see it with the response, not among the customer's attachments.
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert reverse("attachments:official", args=[letter.public_id]) in page
    assert 'id="desk-attachments"' not in page
    # The customer sees it with the published response and downloads it.
    client.logout()
    page = client.get(track_url(case, secret)).content.decode()
    assert file_url(case, secret, letter) in page
    assert 'id="attachments"' not in page
    download = client.get(file_url(case, secret, letter))
    assert download.status_code == 200
    assert 'filename="Surat_Balasan.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_draft_s_file_reaches_the_customer_only_when_the_draft_is_sent(
    client, media, officials, django_capture_on_commit_callbacks, fresh_limits
):
    case, secret = make_case()
    case = walk_case(case, until="draft_response", vice_dean="wd1")
    client.force_login(officials["wd1"])

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            case,
            "draft_response",
            text="Rancangan: ujian susulan tanggal 10.",
            response_file=upload("rancangan.pdf", pdf_with_author()),
        )
    assert response.status_code == 302
    draft_file = Attachment.objects.get()
    assert draft_file.response.step == step_with("draft_response")
    assert draft_file.response.published_at is None

    client.logout()
    page = client.get(track_url(case, secret)).content.decode()
    assert "rancangan" not in page
    hidden = [
        file_url(case, secret, draft_file),
        reverse("attachments:customer", args=[case.tracking_code, secret, draft_file.pk]),
    ]
    for url in hidden:
        refused = client.get(url)
        assert refused.status_code == 404
        assert "Content-Disposition" not in refused

    # The vice dean sends the draft, adding the signed letter to it.
    client.force_login(officials["wd1"])
    case.refresh_from_db()
    assert case.step.action("communicate") is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            case,
            "communicate",
            text="Ujian susulan tanggal 10 pukul 08.00.",
            response_file=upload("surat_bertanda_tangan.pdf", pdf_with_author()),
        )
    assert response.status_code == 302
    sent = Response.objects.get(aspiration=case)
    assert sent.published_at is not None
    assert set(sent.files.values_list("original_name", flat=True)) == {
        "rancangan.pdf",
        "surat_bertanda_tangan.pdf",
    }
    told = told_customer(case)
    assert "rancangan.pdf" in told and "surat_bertanda_tangan.pdf" in told
    client.logout()
    page = client.get(track_url(case, secret)).content.decode()
    for attachment in sent.files.all():
        assert file_url(case, secret, attachment) in page
        assert client.get(file_url(case, secret, attachment)).status_code == 200
    # Another case's key does not open it.
    other, other_secret = make_case()
    stray = reverse(
        "attachments:customer_response",
        args=[other.tracking_code, other_secret, draft_file.pk],
    )
    assert client.get(stray).status_code == 404


def test_a_file_that_is_not_a_pdf_jpg_or_png_is_refused_and_the_action_not_done(
    client, media, officials
):
    case = walked(until="answer")
    sign_in_at_its_desk(client, case)

    response = act(
        client,
        case,
        "answer",
        text="Jawaban.",
        response_file=upload("surat.docx", docx_with_author()),
    )

    assert response.status_code == 400
    [failed] = [f for f in response.context["forms"] if f.action.name == "answer"]
    assert "surat.docx" in failed.errors["response_file"][0]
    assert "Jawaban." in response.content.decode()  # the typed text is kept
    assert not Response.objects.exists() and not Attachment.objects.exists()
    assert Aspiration.objects.get(pk=case.pk).current_step == step_with("answer")
    assert files_under(media) == []


def test_when_the_action_fails_no_file_is_kept(client, media, officials, monkeypatch):
    from aspirasi.desk import views

    case = walked(until="answer")

    def moved_on(*args, **kwargs):
        raise CaseMovedOn("Sudah berpindah.")

    monkeypatch.setattr(views, "perform", moved_on)
    sign_in_at_its_desk(client, case)

    response = act(
        client,
        case,
        "answer",
        text="Jawaban.",
        response_file=upload("surat.pdf", pdf_with_author()),
    )

    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_when_the_file_cannot_be_stored_the_action_is_undone(client, media, officials, monkeypatch):
    from aspirasi.desk import views

    case = walked(until="answer")
    before = Aspiration.objects.get(pk=case.pk).version

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(views, "attach", disk_full)
    sign_in_at_its_desk(client, case)
    client.raise_request_exception = False

    response = act(
        client,
        case,
        "answer",
        text="Jawaban.",
        response_file=upload("surat.pdf", pdf_with_author()),
    )

    assert response.status_code == 500
    fresh = Aspiration.objects.get(pk=case.pk)
    assert (fresh.version, fresh.current_step) == (before, step_with("answer"))
    assert not Response.objects.exists()


def test_a_response_file_of_a_confidential_case_follows_its_identity_rule(
    client, media, officials, django_capture_on_commit_callbacks
):
    case = walked(until="answer", case_options={"privacy": Privacy.CONFIDENTIAL})
    sign_in_at_its_desk(client, case)
    with django_capture_on_commit_callbacks(execute=True):
        act(
            client,
            case,
            "answer",
            text="Jawaban.",
            response_file=upload("Surat_untuk_Siti.pdf", pdf_with_author()),
        )
    letter = Attachment.objects.get()

    client.force_login(officials["dean"])  # reads every case, never held a step of this one
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert "Surat_untuk_Siti" not in page and "lampiran-1.pdf" in page
    assert client.get(reverse("attachments:official", args=[letter.public_id])).status_code == 403


def test_the_receiving_form_offers_no_file_as_no_response_is_written_there(client, officials):
    case, _ = make_case()
    sign_in_at_its_desk(client, case)

    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()

    assert "response_file" not in page
    assert 'enctype="multipart/form-data"' not in page
