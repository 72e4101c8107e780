"""The SOP screens: every official reads every revision; only the quality officer or the office
admin drafts, only the Dean approves; bad input comes back on the form and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import current_sop
from tests import sop_variants
from tests.factories import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality_officer(db):
    return make_official("mutu", "penjaminan_mutu")


def first() -> SopRevision:
    return SopRevision.objects.get(number=1)


def step_form(step_key: str, **changes) -> dict:
    step = current_sop().steps_by_key[step_key]
    data = {
        "actor": step.actor,
        "time": step.time.text,
        **{f: getattr(step, f) for f in ("label_id", "label_en", "activity_id", "activity_en")},
        **{f: getattr(step, f) for f in ("needs_id", "needs_en", "output_id", "output_en")},
    }
    return {**data, **changes}


def test_every_official_reads_the_revisions_and_their_definition(client, officials):
    client.force_login(officials["wd2"])
    page = client.get(reverse("revisions:index"))
    assert page.status_code == 200 and "Revisi 1" in page.content.decode()
    assert "Susun draf revisi baru" not in page.content.decode()
    detail = client.get(reverse("revisions:detail", args=[first().pk]))
    assert detail.status_code == 200 and "Validasi" in detail.content.decode()
    source = client.get(reverse("revisions:source", args=[first().pk]))
    assert source["Content-Type"].startswith("text/plain")
    assert "attachment" in source["Content-Disposition"]
    assert source.content.decode() == first().source


def test_a_stranger_is_sent_to_sign_in_and_an_outsider_is_refused(client, officials):
    assert client.get(reverse("revisions:index")).status_code == 302
    client.force_login(officials["outsider"])
    assert client.get(reverse("revisions:index")).status_code == 403


def test_the_clerk_may_not_draft_and_the_quality_officer_may_not_approve(
    client, officials, quality_officer
):
    client.force_login(officials["clerk"])
    assert client.post(reverse("revisions:new_draft")).status_code == 403
    client.force_login(quality_officer)
    response = client.post(reverse("revisions:new_draft"))
    draft = SopRevision.objects.get(state=SopRevision.State.DRAFT)
    assert response.status_code == 302
    approve = client.post(
        reverse("revisions:approve", args=[draft.pk]),
        {"effective_on": timezone.localdate().isoformat(), "summary": "x"},
    )
    assert approve.status_code == 403
    client.force_login(officials["wd1"])
    edit = reverse("revisions:edit_step", args=[draft.pk, "validation"])
    assert client.post(edit, step_form("validation", time="2 jam")).status_code == 403


def test_a_wrong_time_standard_comes_back_on_the_form_in_indonesian(client, quality_officer):
    client.force_login(quality_officer)
    client.post(reverse("revisions:new_draft"))
    draft = SopRevision.objects.get(state=SopRevision.State.DRAFT)
    url = reverse("revisions:edit_step", args=[draft.pk, "validation"])
    response = client.post(url, step_form("validation", time="1 minggu"))
    assert response.status_code == 400
    assert "Tulis mutu baku waktu" in response.content.decode()
    draft.refresh_from_db()
    assert draft.source == first().source  # nothing changed


def test_an_approved_revision_has_no_edit_screen(client, quality_officer):
    client.force_login(quality_officer)
    url = reverse("revisions:edit_step", args=[first().pk, "validation"])
    assert client.get(url).status_code == 404


def test_an_imported_definition_with_an_error_is_refused_naming_step_and_field(
    client, quality_officer
):
    client.force_login(quality_officer)
    broken = sop_variants.REAL_TEXT.replace('time = "1 hari"', 'time = "sehari"', 1)
    upload = SimpleUploadedFile("sop.toml", broken.encode(), content_type="application/toml")
    response = client.post(reverse("revisions:import"), {"file": upload, "summary": "rusak"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "step 3" in body and "field &#x27;time&#x27;" in body
    assert not SopRevision.objects.filter(state=SopRevision.State.DRAFT).exists()


def test_an_imported_definition_shows_what_it_changes_and_the_dean_approves_it(
    client, officials, quality_officer
):
    client.force_login(quality_officer)
    text = sop_variants.with_second_validation()
    upload = SimpleUploadedFile("sop.toml", text.encode(), content_type="application/toml")
    response = client.post(reverse("revisions:import"), {"file": upload, "summary": "Dua kali"})
    draft = SopRevision.objects.get(state=SopRevision.State.DRAFT)
    assert response.status_code == 302
    page = client.get(reverse("revisions:detail", args=[draft.pk])).content.decode()
    assert "second_validation" in page and "ditambahkan" in page

    client.force_login(officials["dean"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    late = client.post(
        reverse("revisions:approve", args=[draft.pk]),
        {"effective_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "summary": "x"},
    )
    assert late.status_code == 400 and "tidak boleh di masa lalu" in late.content.decode()
    approved = client.post(
        reverse("revisions:approve", args=[draft.pk]),
        {"effective_on": tomorrow.isoformat(), "summary": "Validasi kedua"},
    )
    assert approved.status_code == 302
    draft.refresh_from_db()
    assert (draft.number, draft.state, draft.approved_by_name) == (2, "approved", "Dean")
    assert current_sop().revision == 1  # not before its date
    assert current_sop(draft.effective_from).revision == 2
