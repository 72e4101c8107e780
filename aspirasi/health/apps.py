from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "aspirasi.health"
    verbose_name = "Health"
