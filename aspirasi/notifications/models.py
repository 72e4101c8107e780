from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One e-mail to one recipient, written in the same transaction as the change that caused
    it (the outbox), so a change is never made without its message or the other way round."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        REJECTED = "rejected", _("rejected by the mail server")

    # One message per event and recipient: enqueuing the same key twice is a no-op.
    key = models.CharField(max_length=200, unique=True)
    # Stable across retries, so a repeat after a crash is recognisable as the same message.
    message_id = models.CharField(max_length=250, unique=True)
    kind = models.CharField(max_length=40)
    to = models.EmailField(max_length=254)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(max_length=250)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    aspiration = models.ForeignKey(
        "cases.Aspiration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The worker's claim: due messages, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_due",
            ),
            models.Index(fields=["aspiration", "created_at"], name="outbox_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.state})"
