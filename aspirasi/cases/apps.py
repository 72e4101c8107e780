from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CasesConfig(AppConfig):
    name = "aspirasi.cases"
    verbose_name = "Aspirasi"

    def ready(self) -> None:
        # Load and check the SOP file (revision 1 of a new database) at start-up: a broken file
        # stops the system here, with a message that names the step and the field at fault.
        from aspirasi.sop.definition import SopDefinitionError
        from aspirasi.sop.registry import file_sop

        try:
            file_sop()
        except SopDefinitionError as exc:
            raise ImproperlyConfigured(f"The SOP file cannot be used: {exc}") from exc
