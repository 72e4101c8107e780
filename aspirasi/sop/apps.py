from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "aspirasi.sop"
    verbose_name = "SOP"
