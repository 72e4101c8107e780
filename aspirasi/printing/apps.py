from django.apps import AppConfig
from django.core import checks


class PrintingConfig(AppConfig):
    name = "aspirasi.printing"
    verbose_name = "Cetak"

    def ready(self) -> None:
        from .fonts import check_fonts

        checks.register(check_fonts)
