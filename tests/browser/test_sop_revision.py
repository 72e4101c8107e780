"""The SOP revised on the screens (issue 11): the quality officer drafts a change of a time
standard, the Dean approves it with the date it takes effect, and a case that arrives after that
is due by the new standard, while a case that arrived before keeps the old one."""

import datetime as dt

import pytest
from django.utils import timezone

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import current_sop
from tests.factories import make_case, make_official

from .screens import errors_on, flash, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_quality_officer_drafts_a_new_standard_and_the_dean_puts_it_in_force(new_context):
    make_official("mutu", "penjaminan_mutu")
    make_official("dekan", "dekan")
    make_official("kasubbag", "kasubbag")
    receipt = current_sop().steps_by_key["receipt"]
    assert receipt.time.text == "10 menit"
    before, _ = make_case(now=timezone.now())

    # The quality officer drafts: a copy of revision 1, whose receipt step gets one hour.
    mutu = sign_in(new_context, "mutu")
    mutu.get_by_role("link", name="Dokumen SOP").click()
    with mutu.expect_navigation():
        mutu.get_by_role("button", name="Susun draf revisi baru").click()
    draft_url = mutu.url
    mutu.get_by_role("link", name=f"Ubah langkah {receipt.number}", exact=True).click()
    mutu.fill("#id_time", "1 minggu")
    with mutu.expect_navigation():
        mutu.get_by_role("button", name="Simpan di draf").click()
    assert any("Tulis mutu baku waktu" in e for e in errors_on(mutu))
    mutu.fill("#id_time", "1 jam")
    with mutu.expect_navigation():
        mutu.get_by_role("button", name="Simpan di draf").click()
    assert mutu.url == draft_url and "diubah di draf" in flash(mutu)
    changes = mutu.locator("main table").first.inner_text()
    assert "receipt" in changes and "10 menit" in changes and "1 jam" in changes
    # The quality officer cannot approve: no approval form is offered.
    assert mutu.get_by_role("button", name="Sahkan revisi ini").count() == 0

    # The Dean opens the draft from the list and approves it, in force from today.
    dean = sign_in(new_context, "dekan")
    dean.goto("/meja/sop/")
    draft = SopRevision.objects.get(state=SopRevision.State.DRAFT)
    dean.get_by_role("link", name=f"Draf #{draft.pk}").click()
    form = dean.locator("#approve-form")
    form.locator("[name=effective_on]").fill(timezone.localdate().isoformat())
    form.locator("[name=summary]").fill("Penerimaan aspirasi: mutu baku 1 jam.")
    with dean.expect_navigation():
        form.get_by_role("button", name="Sahkan revisi ini").click()
    assert "Revisi 2 disahkan" in flash(dean)
    assert "berlaku" in dean.locator("main dl").inner_text()

    # A case that arrives now is due by the new standard; the earlier one keeps the old one.
    arrived = timezone.now()
    after, _ = make_case(now=arrived)
    calendar = faculty_calendar()
    assert (before.revision.number, after.revision.number) == (1, 2)
    assert after.step_due_at == calendar.add(arrived, 3600)
    assert before.step_due_at == calendar.add(before.arrived_at, 600)
    # The clerk's case page names each case's revision.
    clerk = sign_in(new_context, "kasubbag")
    for case, number in ((before, 1), (after, 2)):
        clerk.goto(f"/meja/kasus/{case.tracking_code}/")
        assert f"revisi {number}" in clerk.locator("main").inner_text()
    assert dt.timedelta(0) < after.step_due_at - arrived
