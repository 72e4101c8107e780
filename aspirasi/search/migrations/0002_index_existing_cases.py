from django.db import migrations


def index_existing_cases(apps, schema_editor):
    from aspirasi.search.indexing import rebuild_index

    rebuild_index(apps=apps)


class Migration(migrations.Migration):
    # Cases entered before search existed are indexed once here; from now on the write paths
    # keep the index (and `manage.py rebuild_search_index` rebuilds it at will).
    atomic = False

    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(index_existing_cases, migrations.RunPython.noop)]
