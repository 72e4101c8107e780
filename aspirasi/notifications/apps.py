from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "aspirasi.notifications"
    verbose_name = "Notifikasi"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .subscribers import subscribe

        subscribe()
