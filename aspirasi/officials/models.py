from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aspirasi.sop.registry import current_sop


def position_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in current_sop().positions.values()]


class Holding(models.Model):
    """A person holds a position (a position may have several holders: two Kasubbags)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holdings"
    )
    position = models.CharField(_("position"), max_length=20, choices=position_choices)
    title = models.CharField(
        _("title as printed"),
        max_length=200,
        blank=True,
        help_text=_("e.g. full name with degrees"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["position", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="holding_ends_after_start",
            )
        ]
        verbose_name = _("position holding")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_position_display()}"


class Acting(models.Model):
    """A Plh: someone who acts for a position while its holder is away (decision 8)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actings"
    )
    position = models.CharField(_("acts for position"), max_length=20, choices=position_choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="acting_ends_after_start"
            )
        ]
        verbose_name = _("acting official (Plh)")
        verbose_name_plural = _("acting officials (Plh)")

    def __str__(self) -> str:
        return f"Plh {self.get_position_display()}: {self.user}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})


class MessageLanguage(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class LanguagePreference(models.Model):
    """The language an official's e-mails are written in (arrivals, deadline warnings, the daily
    digest, reports). Without a row, Indonesian."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=MessageLanguage.choices,
        default=MessageLanguage.INDONESIAN,
    )

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
