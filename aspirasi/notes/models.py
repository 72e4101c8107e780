from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Aspiration
from aspirasi.sop.registry import current_sop

MAX_NOTE = 5_000


class InternalNote(models.Model):
    """A note between officials about a case. Never shown to the customer: the tracking page
    and everything sent out read only published responses. Never changed once written."""

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.PROTECT, related_name="internal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Snapshots, so the note reads the same after people change names or positions.
    author_name = models.CharField(max_length=200)
    position = models.CharField(_("position"), max_length=20, blank=True)
    acting = models.BooleanField(default=False)
    text = models.TextField(_("note"), max_length=MAX_NOTE)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["aspiration", "created_at", "id"]
        indexes = [models.Index(fields=["aspiration", "created_at"], name="note_case_time")]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.aspiration_id} note by {self.author_name}"

    @property
    def position_name(self) -> str:
        position = current_sop().positions.get(self.position)
        return position.name if position else ""
