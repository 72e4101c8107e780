"""Bad input and full disks lose nothing: the form comes back with what was typed, says what to
do, and leaves no partial file and no half-written case."""

from __future__ import annotations

import errno

import pytest
from django.urls import reverse

from aspirasi.attachments import services as attachments
from aspirasi.cases.models import Aspiration
from tests.factories import category
from tests.public.helpers import files_under, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db

SUBMIT = reverse("public:submit")
BODY = "Proyektor di ruang D-104 mati sejak Senin."


def form(**overrides) -> dict:
    return {
        "privacy": "biasa",
        "customer_name": "Agus",
        "customer_email": "agus@example.ac.id",
        "category": category("umum_fasilitas").pk,
        "subject": "Proyektor mati",
        "body": BODY,
        **overrides,
    }


def test_a_full_disk_gives_the_form_again_with_the_text_and_nothing_staged(
    client, media, monkeypatch, fresh_limits
):
    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments.os, "fsync", disk_full)  # the write ran into a full disk
    response = client.post(SUBMIT, form(attachments=[upload("foto.jpg", jpeg_with_gps())]))
    assert response.status_code == 503
    page = response.content.decode()
    assert BODY in page and "tidak dapat disimpan" in page
    assert files_under(media) == []
    assert not Aspiration.objects.exists()


def test_twenty_five_files_are_refused_kindly_with_the_text_kept(client, media, fresh_limits):
    files = [upload(f"foto{n}.jpg", jpeg_with_gps()) for n in range(25)]
    response = client.post(SUBMIT, form(attachments=files))
    assert response.status_code == 200  # the form again, not a bare error page
    page = response.content.decode()
    assert BODY in page and "paling banyak 3 berkas" in page.lower()
    assert files_under(media) == [] and not Aspiration.objects.exists()
