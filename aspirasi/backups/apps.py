from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "aspirasi.backups"
    verbose_name = "Backups"
