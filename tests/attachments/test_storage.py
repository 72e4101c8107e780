"""Attachments are stored with their case in one transaction: both or neither, never an orphan
file; limits on count and size; anonymous cases take only fully cleanable types."""

import datetime as dt
import hashlib
import os

import pytest
from django.db import transaction

from aspirasi.attachments import services
from aspirasi.attachments.content import Refused
from aspirasi.attachments.models import Attachment
from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.intake import AspirationInput
from aspirasi.cases.models import Aspiration
from aspirasi.public.services import submit_with_attachments
from tests.factories import category
from tests.public.helpers import (
    AUTHOR,
    docx_with_author,
    files_under,
    jpeg_with_gps,
    pdf_with_author,
    upload,
)

pytestmark = pytest.mark.django_db


def aspiration(privacy=Privacy.NORMAL, **overrides) -> AspirationInput:
    data = {
        "channel": Channel.WEBSITE,
        "category": category("akademik"),
        "subject": "Atap laboratorium bocor",
        "body": "Atap lab bocor setiap hujan; foto terlampir.",
        "privacy": privacy,
        "customer_name": "Budi",
        "customer_email": "budi@example.ac.id",
    }
    data.update(overrides)
    return AspirationInput(**data)


def test_files_are_kept_under_random_names_with_type_size_and_hash(media):
    prepared = services.prepare(
        [upload("foto atap.jpg", jpeg_with_gps()), upload("surat.pdf", pdf_with_author())],
        privacy=Privacy.NORMAL,
    )

    submitted = submit_with_attachments(aspiration(), prepared)
    # Outside a test transaction the move happens on commit; here, run it as commit would.
    services.publish(Attachment.objects.values_list("stored_name", flat=True))

    rows = list(submitted.aspiration.attachments.order_by("id"))
    assert [(r.original_name, r.content_type, r.extension) for r in rows] == [
        ("foto atap.jpg", "image/jpeg", "jpg"),
        ("surat.pdf", "application/pdf", "pdf"),
    ]
    for row in rows:
        stored = services.path_of(row.stored_name)
        assert stored.is_file()
        data = stored.read_bytes()
        assert len(data) == row.size
        assert hashlib.sha256(data).hexdigest() == row.sha256
        assert AUTHOR.encode() not in data
        assert "foto" not in stored.name and not stored.suffix
        assert len(row.stored_name) == 32


def test_on_commit_moves_the_staged_files_into_place(media, django_capture_on_commit_callbacks):
    prepared = services.prepare([upload("a.png", jpeg_with_gps())], privacy=Privacy.NORMAL)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_with_attachments(aspiration(), prepared)
    row = Attachment.objects.get()
    assert (services.staging_dir() / row.stored_name).is_file()
    assert not services.path_of(row.stored_name).exists()

    for callback in callbacks:
        callback()

    assert services.path_of(row.stored_name).is_file()
    assert files_under(services.staging_dir()) == []


def test_a_failure_after_the_files_leaves_no_case_no_row_and_no_file(media, monkeypatch):
    prepared = services.prepare(
        [upload("a.jpg", jpeg_with_gps()), upload("b.pdf", pdf_with_author())],
        privacy=Privacy.NORMAL,
    )
    real_create = Attachment.objects.create
    calls = []

    def fail_on_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(Attachment.objects, "create", fail_on_second)

    with pytest.raises(OSError):
        submit_with_attachments(aspiration(), prepared)

    assert not Aspiration.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_attach_refuses_to_run_outside_the_cases_transaction(media):
    prepared = services.prepare([upload("a.jpg", jpeg_with_gps())], privacy=Privacy.NORMAL)
    case = submit_with_attachments(aspiration(), []).aspiration

    # The test itself runs in a transaction; leave it to see what a caller without one gets.
    connection = transaction.get_connection()
    was = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError), services.staging() as stage:
            services.attach(case, prepared, stage=stage)
    finally:
        connection.in_atomic_block = was
    assert files_under(media) == []


def test_more_files_than_allowed_are_refused(settings):
    settings.ASPIRASI_ATTACHMENT_MAX_FILES = 2
    files = [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(3)]

    with pytest.raises(Refused) as refused:
        services.prepare(files, privacy=Privacy.NORMAL)
    assert "2" in refused.value.message


def test_a_file_over_the_size_limit_is_refused_by_name(settings):
    settings.ASPIRASI_ATTACHMENT_MAX_BYTES = 1024
    big = upload("besar.pdf", pdf_with_author() + b"%" + b"0" * 2048)

    with pytest.raises(Refused) as refused:
        services.prepare([big], privacy=Privacy.NORMAL)
    assert "besar.pdf" in refused.value.message


def test_a_renamed_file_is_judged_by_its_content():
    with pytest.raises(Refused) as refused:
        services.prepare(
            [upload("foto.jpg", b"<html><body>bukan foto</body></html>", "image/jpeg")],
            privacy=Privacy.NORMAL,
        )
    assert "foto.jpg" in refused.value.message

    # And a real PDF called .png is kept as what it is.
    [prepared] = services.prepare([upload("gambar.png", pdf_with_author())], privacy="biasa")
    assert prepared.kind.content_type == "application/pdf"


def test_anonymous_cases_take_no_office_documents_and_keep_no_file_names():
    with pytest.raises(Refused) as refused:
        services.prepare([upload("laporan.docx", docx_with_author())], privacy=Privacy.ANONYMOUS)
    assert "laporan.docx" in refused.value.message

    [prepared] = services.prepare(
        [upload(f"KTM {AUTHOR}.jpg", jpeg_with_gps())], privacy=Privacy.ANONYMOUS
    )
    assert prepared.original_name == ""


def test_confidential_and_normal_cases_take_office_documents():
    [prepared] = services.prepare([upload("laporan.docx", docx_with_author())], privacy="rahasia")
    assert prepared.kind.code == "docx"
    assert AUTHOR.encode() not in prepared.data


def test_a_file_name_cannot_climb_out_or_carry_control_characters():
    assert services.clean_name("../../etc/passwd") == "passwd"
    assert services.clean_name("C:\\Users\\budi\\foto.jpg") == "foto.jpg"
    assert services.clean_name("a\x00b\nc.pdf") == "abc.pdf"
    assert services.clean_name("...") == "lampiran"
    assert len(services.clean_name("x" * 400 + ".pdf")) <= 150


def test_the_download_name_always_ends_in_the_real_type(media):
    prepared = services.prepare([upload("gambar.html", jpeg_with_gps())], privacy="biasa")
    case = submit_with_attachments(aspiration(), prepared).aspiration

    assert case.attachments.get().download_name == "gambar.jpg"


def test_the_sweep_finishes_an_interrupted_move_and_removes_strays(media):
    prepared = services.prepare([upload("a.jpg", jpeg_with_gps())], privacy="biasa")
    submit_with_attachments(aspiration(), prepared)  # committed, never moved (no on_commit)
    row = Attachment.objects.get()
    stray = services.staging_dir() / ("f" * 32)
    stray.write_bytes(b"left by a crashed request")
    fresh = services.staging_dir() / ("e" * 32)
    fresh.write_bytes(b"a transaction still running")
    old = (dt.datetime.now() - dt.timedelta(hours=2)).timestamp()
    for path in (services.staging_dir() / row.stored_name, stray):
        os.utime(path, (old, old))

    moved, removed = services.sweep()

    assert (moved, removed) == (1, 1)
    assert services.path_of(row.stored_name).is_file()
    assert not stray.exists()
    assert fresh.exists()
