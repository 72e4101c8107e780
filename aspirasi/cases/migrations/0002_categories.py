"""The five categories the faculty starts with (SOP decision 7); the admin keeps them after."""

from django.db import migrations

CATEGORIES = [
    ("akademik", "Akademik", "Academic affairs", "wd1"),
    ("kemahasiswaan", "Kemahasiswaan dan alumni", "Student affairs and alumni", "wd3"),
    ("umum_fasilitas", "Umum dan fasilitas", "General affairs and facilities", "wd2"),
    ("keuangan", "Keuangan", "Finance", "wd2"),
    ("lainnya", "Lainnya", "Other", ""),
]


def create(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for order, (code, name_id, name_en, position) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "suggested_position": position,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
