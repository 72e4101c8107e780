"""Revising the SOP under document control: a case keeps the revision it arrived under to its
end, new cases follow the revision in force, and only what may run is ever approved."""

from __future__ import annotations

import datetime as dt

import pytest

from aspirasi.cases.choices import Channel, Status
from aspirasi.printing.form import case_form_pdf
from aspirasi.revisions import services
from aspirasi.revisions.services import RevisionRefused, StepChange
from aspirasi.sop.definition import SopDefinitionError, build_from_text
from aspirasi.sop.models import RevisionFrozen, SopRevision
from aspirasi.sop.registry import current_sop, file_sop, revision_in_force
from tests import sop_variants
from tests.factories import TUESDAY_9, WITA, make_acting, make_case, make_official, walk_case
from tests.printing.pdfs import text_of

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 11, 4)
WEDNESDAY_9 = dt.datetime(2026, 11, 4, 9, 0, tzinfo=WITA)


def revision_2_text() -> str:
    """One more step (a second validation after step 7), the forwarding to the vice dean (now
    step 9) moved to the clerk, and the receipt's standard from 10 minutes to one hour."""
    text = sop_variants.with_forwarding_by_the_clerk(sop_variants.with_second_validation(), 9)
    return services.set_step_field(text, "receipt", "time", "1 jam")


@pytest.fixture
def quality_officer(db):
    return make_official("mutu", "penjaminan_mutu")


def approved_revision_2(quality_officer, dean) -> SopRevision:
    draft = services.import_draft(quality_officer, revision_2_text(), summary="Validasi kedua.")
    return services.approve(
        draft, dean, effective_on=WEDNESDAY, now=TUESDAY_9 + dt.timedelta(hours=2)
    )


def test_the_definition_file_is_revision_1_of_a_new_database():
    first = SopRevision.objects.get(number=1)
    assert first.is_approved and first.source == file_sop_text()
    assert current_sop().revision == 1 and revision_in_force() == first.pk
    assert first.approved_by_name == file_sop().approved_by


def file_sop_text() -> str:
    from aspirasi.sop.registry import sop_file

    return sop_file().read_text(encoding="utf-8")


def test_a_case_keeps_its_revision_to_the_end_while_new_cases_follow_the_new_one(
    officials, quality_officer
):
    old, _ = make_case(now=TUESDAY_9)
    revision_2 = approved_revision_2(quality_officer, officials["dean"])
    assert revision_2.number == 2 and revision_2.approved_by_name == "Dean"
    new, _ = make_case(now=WEDNESDAY_9)

    assert (old.revision.number, new.revision.number) == (1, 2)
    assert current_sop().revision == 2
    # Due times by each one's own standard for the receipt: 10 minutes, and one hour.
    assert old.step_due_at - old.arrived_at == dt.timedelta(minutes=10)
    assert new.step_due_at - new.arrived_at == dt.timedelta(hours=1)

    old = walk_case(old, path="B")
    new = walk_case(new, path="B")
    assert old.status == new.status == Status.CLOSED
    old_trail = {r.step_key: r for r in old.trail.all()}
    new_trail = {r.step_key: r for r in new.trail.all()}
    assert "second_validation" not in old_trail and "second_validation" in new_trail
    # The same step by its key, numbered as each revision shows it, done where each puts it.
    assert (old_trail["forwarding"].step, old_trail["forwarding"].position) == (8, "kabag_tu")
    assert (new_trail["forwarding"].step, new_trail["forwarding"].position) == (9, "kasubbag")
    assert old_trail["receipt"].standard_text == "10 menit"
    assert new_trail["receipt"].standard_text == "1 jam"

    # Each printed form names the revision its case followed.
    for case, number in ((old, 1), (new, 2)):
        text = text_of(case_form_pdf(case, show_identity=False, printed_by="Uji"))
        assert f"revisi {number}" in text


def test_a_case_on_paper_follows_the_revision_in_force_when_it_arrived(officials, quality_officer):
    approved_revision_2(quality_officer, officials["dean"])
    late, _ = make_case(
        channel=Channel.SUGGESTION_BOX,
        entered_by=officials["clerk"],
        arrived_at=TUESDAY_9,
        now=WEDNESDAY_9 + dt.timedelta(hours=1),
    )
    assert late.revision.number == 1


def test_a_draft_with_an_error_is_refused_with_the_start_up_checks_message(quality_officer):
    broken = sop_variants.REAL_TEXT.replace(
        'number = 7\nactor = "head_of_administration"', 'number = 7\nactor = "satpam"'
    )
    with pytest.raises(SopDefinitionError) as startup:
        build_from_text(broken, source="draft")
    with pytest.raises(RevisionRefused) as refused:
        services.import_draft(quality_officer, broken)
    assert refused.value.message == str(startup.value)
    assert "step 7" in refused.value.message and "field 'actor'" in refused.value.message
    assert not SopRevision.objects.filter(state=SopRevision.State.DRAFT).exists()


def test_the_quality_officer_changes_a_step_on_screen_and_comments_stay(quality_officer):
    draft = services.start_draft(quality_officer)
    change = StepChange(
        texts={
            f: getattr(current_sop().steps_by_key["validation"], f)
            for f in services.STEP_TEXT_FIELDS
        }
        | {"label_id": 'Validasi "awal"'},
        time="2 jam",
        actor="head_of_administration",
    )
    services.change_step(draft, quality_officer, "validation", change)
    draft.refresh_from_db()
    step = services.check(draft.source).steps_by_key["validation"]
    assert (step.time.text, step.label_id) == ("2 jam", 'Validasi "awal"')
    assert "# SOP SP-54 Komunikasi Pelanggan" in draft.source  # the file's comments stay
    differences = services.compare(current_sop(), services.check(draft.source))
    assert {(d.key, d.field) for d in differences} == {
        ("validation", "time"),
        ("validation", "label_id"),
    }

    with pytest.raises(RevisionRefused) as refused:
        services.change_step(
            draft,
            quality_officer,
            "validation",
            StepChange(change.texts, "1 minggu", "head_of_administration"),
        )
    assert "time" in refused.value.errors


def test_the_comparison_lists_open_cases_at_a_step_the_draft_removes(officials, quality_officer):
    waiting, _ = make_case(now=TUESDAY_9)
    walk_case(waiting, until="validate")
    waiting.refresh_from_db()
    text = sop_variants.with_second_validation()
    # A draft without the second validation's predecessor would not run; instead the draft
    # removes the key of step 7 by renaming it: the case waiting there is listed.
    text = text.replace('key = "validation"', 'key = "first_validation"')
    draft = services.import_draft(quality_officer, text)
    after = services.check(draft.source)
    changes = {(d.key, d.change) for d in services.compare(current_sop(), after)}
    assert {
        ("validation", "removed"),
        ("first_validation", "added"),
        ("second_validation", "added"),
    } <= changes
    assert [c.tracking_code for c in services.cases_left_behind(after)] == [waiting.tracking_code]


def test_only_the_quality_officer_or_office_admin_drafts_and_only_the_dean_approves(
    officials, quality_officer
):
    with pytest.raises(PermissionError):
        services.start_draft(officials["clerk"])
    services.start_draft(officials["kabag"])  # the office admin
    draft = services.start_draft(quality_officer)
    for who in ("clerk", "kabag", "wd1"):
        with pytest.raises(PermissionError):
            services.approve(draft, officials[who], effective_on=dt.date(2099, 1, 1), summary="x")
    with pytest.raises(PermissionError):
        services.approve(draft, quality_officer, effective_on=dt.date(2099, 1, 1), summary="x")


def test_an_acting_dean_approves_and_the_record_says_so(officials, quality_officer):
    plh = make_official("plh", "wd2")
    today = dt.date.today()
    make_acting(plh, "dekan", today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    draft = services.start_draft(quality_officer)
    approved = services.approve(
        draft, plh, effective_on=today + dt.timedelta(days=30), summary="Uji"
    )
    assert approved.approved_acting_for == "dekan" and approved.number == 2
    # Not in force before its date: today's cases still follow revision 1.
    assert current_sop().revision == 1


def test_an_approved_revision_never_changes_and_the_past_is_not_a_date_to_start(
    officials, quality_officer
):
    first = SopRevision.objects.get(number=1)
    first.summary = "diubah"
    with pytest.raises(RevisionFrozen):
        first.save()
    with pytest.raises(RevisionFrozen):
        first.delete()
    with pytest.raises(RevisionRefused):
        services.change_step(first, quality_officer, "validation", StepChange({}, "1 jam", "clerk"))
    draft = services.start_draft(quality_officer)
    with pytest.raises(RevisionRefused) as refused:
        services.approve(draft, officials["dean"], effective_on=dt.date(2020, 1, 1), summary="x")
    assert "effective_on" in refused.value.errors
    with pytest.raises(RevisionRefused) as refused:
        services.approve(draft, officials["dean"], effective_on=dt.date(2099, 1, 1))
    assert "summary" in refused.value.errors
