from django.apps import AppConfig


class ClockConfig(AppConfig):
    name = "aspirasi.clock"
    verbose_name = "Kalender kerja"
