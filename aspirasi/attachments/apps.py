"""Files a customer sends with an aspiration: checked by content, stripped of metadata."""

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "aspirasi.attachments"
    verbose_name = "Lampiran"
