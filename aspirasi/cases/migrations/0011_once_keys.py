"""One-time form keys: a form sent twice makes one case."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_report_public_id")]

    operations = [
        migrations.CreateModel(
            name="OnceKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=80, unique=True)),
                ("made_at", models.DateTimeField()),
                (
                    "aspiration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.aspiration",
                    ),
                ),
            ],
        ),
    ]
