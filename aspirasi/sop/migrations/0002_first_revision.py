"""The definition file (ASPIRASI_SOP_FILE, by default sp54.toml) becomes revision 1."""

import datetime as dt
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIRST_EFFECTIVE = dt.datetime(2018, 1, 5, tzinfo=dt.UTC)


def first_revision(apps, schema_editor):
    SopRevision = apps.get_model("sop", "SopRevision")
    if SopRevision.objects.exists():
        return
    import hashlib

    path = Path(
        getattr(settings, "ASPIRASI_SOP_FILE", None)
        or Path(__file__).resolve().parents[1] / "sp54.toml"
    )
    source = path.read_text(encoding="utf-8")
    header = tomllib.loads(source).get("sop", {})
    try:
        issued = dt.date.fromisoformat(header.get("made", ""))
    except ValueError:
        issued = None
    SopRevision.objects.create(
        number=1,
        state="approved",
        source=source,
        digest=hashlib.sha256(source.encode()).hexdigest(),
        summary="Revisi awal, dari berkas definisi SOP.",
        drafted_by_name=header.get("issuer", ""),
        drafted_at=FIRST_EFFECTIVE,
        approved_by_name=header.get("approved_by", ""),
        approved_at=FIRST_EFFECTIVE,
        issued_on=issued,
        effective_from=FIRST_EFFECTIVE,
    )


class Migration(migrations.Migration):
    dependencies = [("sop", "0001_revisions")]
    operations = [migrations.RunPython(first_revision, migrations.RunPython.noop)]
