"""The public service satisfaction survey (SKM) of PermenPANRB 14/2017, and its index (IKM)."""

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "aspirasi.survey"
    verbose_name = "Survei kepuasan masyarakat"
