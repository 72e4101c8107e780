from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "aspirasi.public"
    verbose_name = "Layanan publik"
