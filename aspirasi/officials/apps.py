from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "aspirasi.officials"
    verbose_name = "Pejabat"
