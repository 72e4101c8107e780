from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    name = "aspirasi.revisions"
    verbose_name = "SOP revisions"
