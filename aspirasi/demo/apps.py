from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "aspirasi.demo"
    verbose_name = "Demo"
