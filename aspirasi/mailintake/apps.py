from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailIntakeConfig(AppConfig):
    name = "aspirasi.mailintake"
    verbose_name = _("E-mail intake")
