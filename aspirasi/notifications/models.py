from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about; one template triple (subject, text, HTML) per kind."""

    RECEIPT = "receipt", _("Aspiration received (to the customer)")
    RESPONSE_GIVEN = "response_given", _("Response given (to the customer)")
    HOLDING_MESSAGE = "holding_message", _("Holding message (to the customer)")
    CASE_CLOSED = "case_closed", _("Case closed (to the customer)")
    SURVEY_INVITATION = "survey_invitation", _("Satisfaction survey invitation (to the customer)")
    CASE_ARRIVED = "case_arrived", _("A case arrives (to the official)")
    REPORT_ARRIVED = "report_arrived", _("A report arrives (to the Dean)")
    DUE_SOON = "due_soon", _("Step due soon (to the official)")
    OVERDUE = "overdue", _("Step overdue (to the official)")
    OVERDUE_SUPERIOR = "overdue_superior", _("Step overdue (to the superior)")
    DAILY_DIGEST = "daily_digest", _("Daily digest (to the official)")
    LOST_LINKS = "lost_links", _("Tracking links sent again (to the customer)")
    CLARIFICATION = "clarification", _("The customer clarifies (to the official)")
    PASSWORD_LINK = "password_link", _("Link to set a password (to the official)")


# Messages whose body holds a working secret link: blanked once delivered (or refused for good).
SECRET_KINDS = frozenset({Kind.RECEIPT, Kind.LOST_LINKS, Kind.PASSWORD_LINK})

# What the system mails a customer by itself, which anyone can set off by writing from (or typing
# in) an address: these count against the per-address limit (ASPIRASI_MAIL_LIMITS), so the
# faculty's address cannot be used to flood someone else's. What an official writes to the
# customer (a response, a holding message, a closing) is never held back.
AUTOMATIC_CUSTOMER_KINDS = frozenset({Kind.RECEIPT, Kind.LOST_LINKS, Kind.SURVEY_INVITATION})


class Message(models.Model):
    """One e-mail to one recipient, written in the same transaction as the change that caused
    it (the outbox), so a change is never made without its message or the other way round."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        REJECTED = "rejected", _("rejected by the mail server")
        # Never sent: an automatic message the per-address limit or an unverified sender stopped.
        HELD = "held", _("held back")

    class HeldReason(models.TextChoices):
        HOURLY_LIMIT = "hour", _("too many automatic e-mails to this address within an hour")
        DAILY_LIMIT = "day", _("too many automatic e-mails to this address within a day")
        UNVERIFIED_SENDER = "unverified", _("the sender's address could not be verified")

    # One message per event and recipient: enqueuing the same key twice is a no-op.
    key = models.CharField(max_length=200, unique=True)
    # Stable across retries, so a repeat after a crash is recognisable as the same message.
    message_id = models.CharField(max_length=250, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    to = models.EmailField(max_length=254)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(max_length=250)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    # The receipt carries the case's secret link, which exists nowhere else: once the message
    # has left (or can never leave) its body is blanked, so the outbox keeps no working key.
    forget_body = models.BooleanField(default=False)
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
    held_reason = models.CharField(max_length=12, choices=HeldReason.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The worker's search for due messages, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_due",
            ),
            models.Index(fields=["aspiration", "created_at"], name="outbox_case"),
            models.Index(fields=["state", "sent_at"], name="outbox_state"),
            # The per-address limit counts an address's recent messages.
            models.Index(fields=["to", "created_at"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.state})"


class DeadlineWarning(models.Model):
    """The SLA watch warned about one visit of a case to a step, at one level (once each).

    A visit is named by the case, the step and the moment the case reached it: a case that comes
    back to step 4 after a failed validation is a new visit and is watched anew.
    """

    class Level(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    aspiration = models.ForeignKey(
        "cases.Aspiration", on_delete=models.PROTECT, related_name="deadline_warnings"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    step_arrived_at = models.DateTimeField(_("arrived at the step"))
    position = models.CharField(_("position"), max_length=20)
    # Decision 16: an overdue warning also goes to the position's superior.
    superior_position = models.CharField(_("superior"), max_length=20, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    due_at = models.DateTimeField(_("due at"))
    raised_at = models.DateTimeField(_("warned at"))
    # When the warning stopped calling for attention: its case left the visit (set in the
    # engine's transaction) or, for a "due soon" one, the visit's overdue warning took its
    # place. So a waiting visit has one unsettled warning, and the inbox counts and lists them
    # by a partial index without looking at the cases.
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aspiration", "step", "step_arrived_at", "level"],
                name="warning_once_per_visit_and_level",
            )
        ]
        indexes = [
            models.Index(fields=["position", "raised_at"], name="warning_position"),
            models.Index(fields=["superior_position", "raised_at"], name="warning_superior"),
            # Overdue first ("overdue" > "due_soon"), then by due time: the inbox's order.
            models.Index(
                fields=["position", "-level", "due_at"],
                condition=models.Q(settled_at__isnull=True),
                name="warning_unsettled",
            ),
            models.Index(
                fields=["superior_position", "due_at"],
                condition=models.Q(settled_at__isnull=True, level="overdue"),
                name="warning_unsettled_superior",
            ),
        ]
        verbose_name = _("deadline warning")
        verbose_name_plural = _("deadline warnings")

    def __str__(self) -> str:
        return f"{self.aspiration_id} step {self.step} {self.level}"

    @property
    def position_name(self) -> str:
        from aspirasi.sop.registry import current_sop

        position = current_sop().positions.get(self.position)
        return position.name if position else self.position


class ScheduledJob(models.Model):
    """A periodic job of the worker: when it is next due, who runs it now, how its last run went.

    Several workers (on several machines) share these rows; a worker runs a due job only after
    taking its lease with a conditional UPDATE, and moves `next_run_at` on only when the run is
    over (schedule.py). A worker that dies mid-run leaves `next_run_at` where it was: once the
    lease runs out, another worker runs the job again, so a daily job is not lost for the day.
    """

    name = models.CharField(max_length=40, primary_key=True)
    next_run_at = models.DateTimeField()
    # The worker running the job now, until when (the database's clock); empty between runs.
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_result = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerBeat(models.Model):
    """A worker process says it is alive; the admin's status page lists these."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    tasks_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host}"
