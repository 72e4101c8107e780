from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "aspirasi.notifications"
    verbose_name = "Notifikasi"
