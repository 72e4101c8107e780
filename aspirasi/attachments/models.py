from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Aspiration


class Attachment(models.Model):
    """A file sent with an aspiration, stored under MEDIA_ROOT by a random name with its
    metadata removed. Served only to the case's customer and to officials, always as a download."""

    aspiration = models.ForeignKey(Aspiration, on_delete=models.PROTECT, related_name="attachments")
    # A random hex token: the file is MEDIA_ROOT/attachments/<first two>/<token>, no extension.
    stored_name = models.CharField(max_length=64, unique=True)
    # Empty on an anonymous case: a file name often carries its sender's name.
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Of the stored (stripped) file, so a copy can be checked against it.
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["aspiration", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.aspiration_id}: {self.download_name}"

    @property
    def download_name(self) -> str:
        """The name the file downloads under: always ending in the extension of its real type."""
        stem = self.original_name.rsplit(".", 1)[0] if self.original_name else ""
        return f"{stem or f'lampiran-{self.pk}'}.{self.extension}"
