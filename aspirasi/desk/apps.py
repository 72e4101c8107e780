from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "aspirasi.desk"
    verbose_name = "Meja pejabat"
