from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "aspirasi.replies"
    verbose_name = "Templat tanggapan"
