"""The SOP as a controlled document (ISO 9001 clause 7.5): numbered revisions, each the whole
definition file as approved, with who drafted and who approved it and from when it is in force.

An approved revision never changes again (a newer revision replaces it); a draft may be edited
until it is approved. Each case keeps the revision in force when it arrived, to its end."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RevisionFrozen(Exception):
    """An approved revision was about to change."""


class SopRevision(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    # Given at approval (the next number); a draft has none yet.
    number = models.PositiveIntegerField(_("revision"), null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The whole definition (TOML), as it was drafted and approved.
    source = models.TextField(_("definition"))
    digest = models.CharField(max_length=64, editable=False)
    summary = models.TextField(_("summary of the change"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by_name = models.CharField(_("drafted by"), max_length=200, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by_name = models.CharField(_("approved by"), max_length=200, blank=True)
    # The position the approver acted for when not its holder (an acting Dean).
    approved_acting_for = models.CharField(_("acting for"), max_length=20, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    # From this moment new cases follow this revision (until a later one takes effect).
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)

    class Meta:
        ordering = ["-number", "-id"]
        verbose_name = _("SOP revision")
        verbose_name_plural = _("SOP revisions")
        constraints = [
            models.CheckConstraint(
                name="sop_revision_approved_complete",
                condition=Q(state="draft", number__isnull=True)
                | Q(
                    state="approved",
                    number__isnull=False,
                    effective_from__isnull=False,
                    approved_at__isnull=False,
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Revisi {self.number}" if self.number else f"Draf #{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = SopRevision.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == self.State.APPROVED:
                raise RevisionFrozen(f"revision {self.number} is approved and cannot change")
        self.digest = hashlib.sha256(self.source.encode()).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved:
            raise RevisionFrozen(f"revision {self.number} is approved and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED
