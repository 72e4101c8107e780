"""The record of each export of the review's data: who took which cases or step records out of
the system, in which format, for which filters, and when. Shown only in the admin for now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    class Kind(models.TextChoices):
        CASES = "kasus", _("Cases")
        STEPS = "langkah", _("Step records")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.TextField(_("filters"), blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    at = models.DateTimeField(_("exported at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} · {self.user} · {self.at:%Y-%m-%d %H:%M}"
