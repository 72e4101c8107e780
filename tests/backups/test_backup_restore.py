"""Backup and restore: a filled system (every path, files, survey answers, warnings, mail)
backed up, emptied and restored finds every case, step record, response and file again, and the
customers' old tracking links still open their cases. A damaged archive is refused before
anything changes; a system holding cases is only replaced when forced; an archive of an older
release is migrated up to date."""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aspirasi.attachments import services as attachments
from aspirasi.attachments.models import Attachment
from aspirasi.backups.archive import BackupError, backups_in, make_backup, prune, restore
from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.intake import AspirationInput
from aspirasi.cases.models import Aspiration, Response, StepRecord
from aspirasi.cases.tracking import find_by_code_and_secret
from aspirasi.notifications.models import DeadlineWarning, Message
from aspirasi.notifications.sla import watch_deadlines
from aspirasi.public.services import submit_with_attachments
from aspirasi.survey.elements import FIELDS
from aspirasi.survey.models import SurveyResponse
from aspirasi.survey.services import survey_submit
from tests.factories import TUESDAY_9, category, make_case, seed_categories, walk_case
from tests.public.helpers import jpeg_with_gps, pdf_with_author, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def system(settings, tmp_path, officials):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_categories()
    return tmp_path


def fill() -> dict:
    """Cases on every path and one still open, files, a survey, warnings, mail."""
    secrets = {}
    for path in ("A", "B", "C"):
        case, secret = make_case(now=TUESDAY_9)
        walk_case(case, path=path)
        secrets[case.tracking_code] = secret
    waiting, secret = make_case(now=TUESDAY_9 - dt.timedelta(days=30))
    secrets[waiting.tracking_code] = secret
    prepared = attachments.prepare(
        [upload("foto.jpg", jpeg_with_gps()), upload("surat.pdf", pdf_with_author())],
        privacy=Privacy.NORMAL,
    )
    data = AspirationInput(
        channel=Channel.WEBSITE,
        category=category("akademik"),
        subject="Atap bocor",
        body="Atap laboratorium bocor; foto terlampir.",
        customer_name="Budi",
        customer_email="budi@example.ac.id",
    )
    with_files = submit_with_attachments(data, prepared)
    attachments.publish(Attachment.objects.values_list("stored_name", flat=True))
    secrets[with_files.aspiration.tracking_code] = with_files.secret
    answered = Aspiration.objects.filter(answered_at__isnull=False).first()
    survey_submit(case=answered, answers=dict.fromkeys(FIELDS, 4), comment="Baik.")
    watch_deadlines()
    return secrets


def snapshot() -> dict:
    return {
        "cases": sorted(Aspiration.objects.values_list("tracking_code", "status", "revision_id")),
        "trail": sorted(
            StepRecord.objects.values_list("aspiration__tracking_code", "seq", "step_key", "output")
        ),
        "responses": sorted(Response.objects.values_list("aspiration__tracking_code", "text")),
        "files": sorted(
            (
                a.original_name,
                hashlib.sha256(attachments.path_of(a.stored_name).read_bytes()).hexdigest(),
            )
            for a in Attachment.objects.all()
        ),
        "surveys": SurveyResponse.objects.count(),
        "warnings": DeadlineWarning.objects.count(),
        "messages": Message.objects.count(),
    }


def empty_the_system(settings) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_a_filled_system_restored_into_an_empty_one_finds_everything(system, settings):
    secrets = fill()
    before = snapshot()
    assert before["files"] and before["surveys"] and before["warnings"] and before["messages"]
    archive = make_backup(system / "backups")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # identities of rahasia cases inside

    empty_the_system(settings)
    assert not Aspiration.objects.exists() and not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))
    restore(archive)

    assert snapshot() == before
    for code, secret in secrets.items():
        assert find_by_code_and_secret(code, secret).tracking_code == code


def test_a_damaged_archive_is_refused_before_anything_changes(system, settings):
    fill()
    before = snapshot()
    archive = make_backup(system / "backups")
    with tarfile.open(archive) as tar:
        database = next(m for m in tar.getmembers() if m.name.startswith("database."))
    data = bytearray(archive.read_bytes())
    data[database.offset_data + database.size // 2] ^= 0xFF  # one flipped byte of the database
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        restore(archive, force=True)
    assert snapshot() == before
    truncated = system / "backups" / "aspirasi-20260101T000000000000Z.tar"
    truncated.write_bytes(bytes(data[:1000]))
    with pytest.raises(BackupError, match="damaged|manifest"):
        restore(truncated, force=True)


def test_a_system_holding_cases_is_replaced_only_when_forced(system, settings):
    fill()
    archive = make_backup(system / "backups")
    extra, _ = make_case(now=TUESDAY_9)
    with pytest.raises(BackupError, match="--force"):
        restore(archive)
    assert Aspiration.objects.filter(pk=extra.pk).exists()
    restore(archive, force=True)
    assert not Aspiration.objects.filter(tracking_code=extra.tracking_code).exists()


def test_an_encrypted_archive_needs_its_key(system, settings):
    fill()
    before = snapshot()
    key = system / "backup.key"
    key.write_text("kunci-rahasia-fakultas\n")
    archive = make_backup(system / "backups", key_file=key)
    assert archive.name.endswith(".tar.gpg") and b"manifest.json" not in archive.read_bytes()
    empty_the_system(settings)
    with pytest.raises(BackupError, match="key"):
        restore(archive)
    wrong = system / "wrong.key"
    wrong.write_text("bukan ini\n")
    with pytest.raises(BackupError, match="gpg failed"):
        restore(archive, key_file=wrong)
    restore(archive, key_file=key)
    assert snapshot() == before


def test_the_newest_archives_are_kept(system):
    directory = system / "backups"
    for _ in range(4):
        make_backup(directory)
    deleted = prune(directory, 2)
    assert len(deleted) == 2 and len(backups_in(directory)) == 2


def test_an_archive_of_an_older_release_is_migrated_up_to_date(system, settings):
    """Made by the code before cases kept their SOP revision (cases 0009): restored, the case
    joins revision 1 and its trail gets its step keys."""
    executor = MigrationExecutor(connection)
    old = [("cases", "0008_record_says_what_happened"), ("sop", None)]
    executor.migrate(old)
    apps = executor.loader.project_state([old[0]]).apps
    moment = dt.datetime(2025, 3, 4, 2, 0, tzinfo=dt.UTC)
    Category = apps.get_model("cases", "Category")
    Aspiration_ = apps.get_model("cases", "Aspiration")
    cat = Category.objects.get_or_create(code="lama", defaults={"name_id": "L", "name_en": "O"})[0]
    Aspiration_.objects.create(
        tracking_code="ASP-2025-000001", secret_hash="0" * 64, sop_number="SP-54",
        sop_revision="2018-01-05", channel="website", category=cat, subject="Lama",
        body="Kasus lama.", arrived_at=moment, entered_at=moment, current_step=2,
        current_position="kasubbag",
    )  # fmt: skip
    archive = make_backup(system / "backups")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    empty_the_system(settings)

    restore(archive)
    case = Aspiration.objects.get(tracking_code="ASP-2025-000001")
    assert case.revision.number == 1 and case.sop.revision == 1
