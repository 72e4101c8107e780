"""The public notice board on the web (the SOP's papan pengumuman)."""

from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "aspirasi.board"
    verbose_name = "Papan pengumuman"
