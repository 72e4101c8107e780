from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "aspirasi.search"
    verbose_name = "Pencarian"
