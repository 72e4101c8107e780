from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Aspiration, Response, new_public_id


class Attachment(models.Model):
    """A file of a case, stored under MEDIA_ROOT by a random name with its metadata removed:
    sent with the aspiration, the clerk's scan of the paper form, or a response's file. Served
    only to the case's customer and to officials, always as a download."""

    class Kind(models.TextChoices):
        SENT = "lampiran", _("Sent with the aspiration")
        PAPER_FORM = "formulir", _("Scan of the paper form")
        RESPONSE = "tanggapan", _("File of a response")

    aspiration = models.ForeignKey(Aspiration, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SENT)
    # Set for a response's file (and only then): the customer gets it once the response is
    # published.
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    # What the officials' download URL carries: attachments are numbered one after another, and
    # a number would let anyone try the next (issue 14).
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
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
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="tanggapan") & models.Q(response__isnull=False))
                | (~models.Q(kind="tanggapan") & models.Q(response__isnull=True)),
                name="attachment_response_iff_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id}: {self.download_name}"

    @property
    def download_name(self) -> str:
        """The name the file downloads under: always ending in the extension of its real type."""
        stem = self.original_name.rsplit(".", 1)[0] if self.original_name else ""
        return f"{stem or f'lampiran-{self.pk}'}.{self.extension}"

    @property
    def neutral_name(self) -> str:
        """A name that says nothing about the sender ('lampiran-2.jpg', numbered within the
        case): what officials who may not see a confidential case's identity are shown."""
        earlier = Attachment.objects.filter(aspiration_id=self.aspiration_id, pk__lte=self.pk)
        number = earlier.count()
        return f"lampiran-{number}.{self.extension}"

    def name_for(self, shows_identity: bool) -> str:
        return self.download_name if shows_identity else self.neutral_name
