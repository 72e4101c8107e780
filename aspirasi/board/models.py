from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Aspiration

MAX_SUMMARY = 1_000
MAX_PUBLIC_ANSWER = 5_000


class BoardEntry(models.Model):
    """An answered case as the public board shows it: a summary and an answer the clerk wrote
    for the public. Never the customer's own text or the response sent to them (people write
    names and student numbers into both), never a contact or an attachment."""

    aspiration = models.OneToOneField(
        Aspiration, on_delete=models.PROTECT, related_name="board_entry"
    )
    summary = models.TextField(_("summary for the board"), max_length=MAX_SUMMARY)
    public_answer = models.TextField(_("answer for the board"), max_length=MAX_PUBLIC_ANSWER)
    published = models.BooleanField(_("shown on the board"), default=True)
    # Copied from the case when written, so the board is one table to search and count.
    category = models.ForeignKey(
        "cases.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    answered_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        indexes = [
            models.Index(fields=["published", "answered_at"], name="board_published"),
            models.Index(fields=["category", "answered_at"], name="board_category"),
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id}: {self.summary[:40]}"
