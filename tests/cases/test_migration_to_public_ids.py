"""An existing database, migrated: its step-12 reports and its files get random public ids for
their URLs (issue 14), one each, and closed cases stay frozen afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# Revision 1 comes from the SOP app's own migration, run again from its start.
EMPTY = [
    ("cases", "0008_record_says_what_happened"),
    ("sop", None),
    ("attachments", "0002_kind_and_response"),
]
BEFORE = [("cases", "0009_cases_keep_their_revision"), ("attachments", "0002_kind_and_response")]
AFTER = [("cases", "0010_report_public_id"), ("attachments", "0003_public_id")]
MOMENT = dt.datetime(2025, 3, 4, 2, 0, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.fixture
def old_database():
    migrate(EMPTY)
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def closed_case_with_report_and_files(apps, number: int):
    User = apps.get_model("auth", "User")
    Category = apps.get_model("cases", "Category")
    SopRevision = apps.get_model("sop", "SopRevision")
    Aspiration = apps.get_model("cases", "Aspiration")
    Report = apps.get_model("cases", "Report")
    Attachment = apps.get_model("attachments", "Attachment")
    author, _ = User.objects.get_or_create(username="wd_lama")
    category, _ = Category.objects.get_or_create(
        code="lama", defaults={"name_id": "Lama", "name_en": "Old"}
    )
    report = Report.objects.create(
        position="wd1", author=author, author_name="Lama", created_at=MOMENT
    )
    case = Aspiration.objects.create(
        tracking_code=f"ASP-2025-{number:06d}",
        secret_hash="0" * 64,
        sop_number="SOP/FAK. TEKNIK-UNMUL/SP-54",
        revision=SopRevision.objects.get(number=1),
        channel="website",
        category=category,
        subject="Lama",
        body="Kasus lama.",
        arrived_at=MOMENT,
        entered_at=MOMENT,
        current_step=13,
        current_position="dekan",
        report=report,
    )
    for index in range(2):
        Attachment.objects.create(
            aspiration=case, stored_name=f"{number:02d}{index:062d}", original_name="a.pdf",
            content_type="application/pdf", extension="pdf", size=1, sha256="0" * 64,
            uploaded_at=MOMENT,
        )  # fmt: skip
    Aspiration.objects.filter(pk=case.pk).update(
        status="closed", current_step=None, current_position="", closure="B", closed_at=MOMENT
    )
    return case


def test_existing_reports_and_files_get_one_random_public_id_each(old_database):
    cases = [closed_case_with_report_and_files(old_database, n) for n in (1, 2)]

    apps = migrate(AFTER)

    Report = apps.get_model("cases", "Report")
    Attachment = apps.get_model("attachments", "Attachment")
    Aspiration = apps.get_model("cases", "Aspiration")
    for model, expected in ((Report, 2), (Attachment, 4)):
        ids = list(model.objects.values_list("public_id", flat=True))
        assert len(ids) == len(set(ids)) == expected, model
        assert all(len(public_id) >= 22 and not public_id.isdigit() for public_id in ids)
    # The closed cases are as frozen as before: the archive's triggers were not touched.
    with pytest.raises(DatabaseError), transaction.atomic():
        Aspiration.objects.filter(pk=cases[0].pk).update(subject="diubah")
