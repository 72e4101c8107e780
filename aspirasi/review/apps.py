from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "aspirasi.review"
    verbose_name = "Tinjauan manajemen"
