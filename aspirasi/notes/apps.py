from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "aspirasi.notes"
    verbose_name = "Catatan internal"
