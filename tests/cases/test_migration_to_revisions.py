"""An existing database, migrated: its cases are attached to revision 1 (the definition file),
its step records get their steps' keys, and the archive stays frozen afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0008_record_says_what_happened"), ("sop", None)]
MOMENT = dt.datetime(2025, 3, 4, 2, 0, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.fixture
def old_database():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_closed_cases_and_their_trail_are_attached_to_revision_one(old_database):
    apps = old_database
    User = apps.get_model("auth", "User")
    Category = apps.get_model("cases", "Category")
    Aspiration = apps.get_model("cases", "Aspiration")
    StepRecord = apps.get_model("cases", "StepRecord")
    clerk = User.objects.create(username="lama")
    category = Category.objects.create(code="lama", name_id="Lama", name_en="Old")
    case = Aspiration.objects.create(
        tracking_code="ASP-2025-000001",
        secret_hash="0" * 64,
        sop_number="SOP/FAK. TEKNIK-UNMUL/SP-54",
        sop_revision="2018-01-05",
        channel="website",
        category=category,
        subject="Lama",
        body="Kasus lama.",
        arrived_at=MOMENT,
        entered_at=MOMENT,
        current_step=2,
        current_position="kasubbag",
    )
    for seq, (step, action) in enumerate([(2, "receive"), (3, "answer")], start=1):
        StepRecord.objects.create(
            aspiration=case, seq=seq, step=step, action=action, position="kasubbag",
            actor=clerk, actor_name="Lama", arrived_at=MOMENT, done_at=MOMENT,
            working_seconds=60, standard_text="10 menit", output="x",
        )  # fmt: skip
    Aspiration.objects.filter(pk=case.pk).update(
        status="closed", current_step=None, current_position="", closure="A", closed_at=MOMENT
    )

    apps = migrate([("cases", "0009_cases_keep_their_revision")])
    Aspiration = apps.get_model("cases", "Aspiration")
    StepRecord = apps.get_model("cases", "StepRecord")
    migrated = Aspiration.objects.get(pk=case.pk)
    assert migrated.revision.number == 1
    keys = list(StepRecord.objects.filter(aspiration_id=case.pk).values_list("step_key", flat=True))
    assert keys == ["receipt", "clerk_response"]
    # The archive's triggers are back: the closed case and its trail stay frozen.
    for query in (
        Aspiration.objects.filter(pk=case.pk),
        StepRecord.objects.filter(aspiration_id=case.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            query.update(subject="diubah") if query.model is Aspiration else query.update(note="x")
