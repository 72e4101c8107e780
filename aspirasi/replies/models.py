from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.engine import MAX_TEXT
from aspirasi.cases.models import Category


class SavedReply(models.Model):
    """A response text officials reuse for a category's recurring questions; it is only a
    starting point: the official edits it in the response form before anything is sent."""

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="saved_replies",
        verbose_name=_("category"),
        help_text=_("Leave empty to offer it for every category."),
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=MAX_TEXT)
    active = models.BooleanField(_("offered in response forms"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["category__order", "category__code", "title", "id"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        indexes = [models.Index(fields=["category", "active"], name="saved_reply_category")]

    def __str__(self) -> str:
        return self.title
