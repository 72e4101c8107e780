from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "aspirasi.administration"
    verbose_name = "Pengaturan kantor"
