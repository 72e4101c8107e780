from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboundMail(models.Model):
    """Every message the faculty's address received, byte for byte, and what became of it.

    Written in the transaction that opens or joins its case, so a message is never half taken:
    either the case and this row exist, or neither does and the mail server tries again.
    """

    class Via(models.TextChoices):
        PIPE = "pipe", _("Handed over by the mail server")
        IMAP = "imap", _("Fetched from the mailbox")

    class Outcome(models.TextChoices):
        OPENED = "opened", _("Opened a case")
        JOINED = "joined", _("Joined a case")
        SET_ASIDE = "set_aside", _("Set aside")

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Delivery report (bounce)")
        AUTO_REPLY = "auto_reply", _("Automatic reply or notification")
        BULK = "bulk", _("Bulk or mailing-list mail")
        LOOP = "loop", _("Our own message came back")
        FAILED = "failed", _("Could not be processed")

    received_at = models.DateTimeField(_("received at"))
    via = models.CharField(_("received by"), max_length=10, choices=Via.choices)
    raw = models.BinaryField(_("message as received"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    # The same message delivered again has the same fingerprint (see reading.fingerprint).
    fingerprint = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True, db_index=True)
    sender = models.EmailField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=120, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)

    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # The site's MTA said the sender failed SPF/DMARC alignment (ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID):
    # the From may be forged, so the message joined no case and its case got no receipt.
    unverified = models.BooleanField(_("sender not verified"), default=False)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices, blank=True)
    # Which rule set it aside, what could not be read, which case it mentioned: for the record.
    note = models.TextField(_("note"), blank=True)
    aspiration = models.ForeignKey(
        "cases.Aspiration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_mails",
        verbose_name=_("case"),
    )
    clarification = models.ForeignKey(
        "cases.Clarification", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The case the message referred to (code or thread) when it could not join it.
    refers_to = models.ForeignKey(
        "cases.Aspiration", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        indexes = [
            models.Index(fields=["outcome", "received_at"], name="inbound_outcome"),
        ]
        constraints = [
            models.CheckConstraint(
                name="inbound_outcome_consistent",
                condition=Q(outcome="set_aside", aspiration__isnull=True) & ~Q(reason="")
                | Q(outcome__in=["opened", "joined"], reason="", aspiration__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject} ({self.outcome})"
