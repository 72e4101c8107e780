from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aspirasi.officials.models import position_choices
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop, sop_of_revision

from .choices import (
    Channel,
    CustomerStatus,
    CustomerType,
    Delivery,
    Privacy,
    RecordKind,
    Status,
)


class ArchivedError(Exception):
    """A closed case, or a record of its trail, was about to change."""


class Category(models.Model):
    """What an aspiration is about; suggests the vice dean at step 8 (decision 7)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    suggested_position = models.CharField(
        _("suggested vice dean"), max_length=20, blank=True, choices=position_choices
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class TrackingCounter(models.Model):
    """The last tracking number handed out in a year (ASP-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Aspiration(models.Model):
    """A case: one aspiration and everything done about it under the SOP it runs under."""

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    # Only a hash of the secret link is kept: a copy of the database does not open cases.
    secret_hash = models.CharField(max_length=64)
    sop_number = models.CharField(_("SOP number"), max_length=60)
    # The SOP revision in force when the case arrived: it follows that revision to its end
    # (its steps, time standards and printed form), whatever is approved later.
    revision = models.ForeignKey(
        "sop.SopRevision",
        on_delete=models.PROTECT,
        related_name="aspirations",
        verbose_name=_("SOP revision"),
    )

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="aspirations", verbose_name=_("category")
    )
    privacy = models.CharField(
        _("privacy"), max_length=10, choices=Privacy.choices, default=Privacy.NORMAL
    )
    customer_name = models.CharField(_("name"), max_length=120, blank=True)
    customer_type = models.CharField(
        _("customer type"), max_length=30, choices=CustomerType.choices, blank=True
    )
    customer_number = models.CharField(_("student/staff number"), max_length=30, blank=True)
    customer_email = models.EmailField(_("e-mail"), blank=True)
    customer_phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("aspiration"))
    desired_outcome = models.TextField(_("hoped-for outcome"), blank=True)
    public_consent = models.BooleanField(_("may appear on the public board"), default=False)

    # Decision 17: when it really arrived, and when it was entered into the system.
    arrived_at = models.DateTimeField(_("arrived at"))
    entered_at = models.DateTimeField(_("entered at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Where the case stands now. Denormalised from the trail so inboxes and dashboards are one
    # indexed query; only the engine writes these, guarded by `version`.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    current_step = models.PositiveSmallIntegerField(null=True, blank=True)
    current_position = models.CharField(max_length=20, blank=True)
    step_arrived_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    vice_dean_position = models.CharField(max_length=20, blank=True)
    validation_round = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    # How the case ended: the code of an SOP path ("A", "B", "C") or of a closure outside the
    # flow, as the SOP definition names them.
    closure = models.CharField(max_length=20, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    report = models.ForeignKey(
        "Report", on_delete=models.PROTECT, null=True, blank=True, related_name="aspirations"
    )
    # Bumped by every move; a move is a conditional UPDATE on it, so two officials acting at
    # once cannot both win (SQLite has no row locks).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("aspiration")
        verbose_name_plural = _("aspirations")
        indexes = [
            # Inboxes: what waits on a position, by due time. Only open cases (a small share
            # of a million), and `status` in the key makes it covering for the paging COUNT on
            # SQLite, which otherwise reads each case to check `status = ?`. On PostgreSQL,
            # statistics on (status, current_position) go with it (migration 0007).
            models.Index(
                fields=["status", "current_position", "step_due_at"],
                condition=Q(status="open"),
                name="asp_inbox_status_pos_due",
            ),
            # Dashboards and exports over periods.
            models.Index(fields=["arrived_at"], name="asp_arrived"),
            models.Index(fields=["status", "closed_at"], name="asp_closed"),
            models.Index(fields=["category", "arrived_at"], name="asp_category"),
            models.Index(fields=["channel", "arrived_at"], name="asp_channel"),
            models.Index(fields=["customer_email"], name="asp_email"),
            # The tracking page's follow-ups. Almost every case has none, and SQLite's
            # statistics count all those NULLs as one value, so it would scan the cases rather
            # than use the foreign key's own index; this one holds only the follow-ups.
            models.Index(
                fields=["follow_up_of"],
                name="asp_follow_ups",
                condition=models.Q(follow_up_of__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="asp_open_or_closed",
                condition=(
                    Q(
                        status="open",
                        current_step__isnull=False,
                        closed_at__isnull=True,
                        closure="",
                    )
                    & ~Q(current_position="")
                )
                | Q(
                    status="closed",
                    current_step__isnull=True,
                    current_position="",
                    closed_at__isnull=False,
                )
                & ~Q(closure=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def sop(self) -> Sop:
        """The SOP revision this case follows (the one in force when it arrived)."""
        return sop_of_revision(self.revision_id)

    @property
    def step(self):
        return self.sop.step(self.current_step) if self.current_step else None

    @property
    def position_name(self) -> str:
        return _position_name(self.sop, self.current_position, "")

    @property
    def closed_in_flow(self) -> bool:
        """Closed on one of the SOP's paths, not outside the flow (decision 14)."""
        return self.is_closed and self.sop.closed_in_flow(self.closure)

    @property
    def closure_label(self) -> str:
        sop = self.sop
        ending = sop.paths.get(self.closure) or sop.closures.get(self.closure)
        return ending.label if ending else self.closure

    @property
    def customer_status(self) -> CustomerStatus:
        if self.is_closed:
            return CustomerStatus.CLOSED
        if self.answered_at:
            return CustomerStatus.ANSWERED
        step = self.step
        return CustomerStatus(step.customer_status) if step else CustomerStatus.IN_PROGRESS

    @property
    def shows_identity(self) -> bool:
        return self.privacy == Privacy.NORMAL


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ArchivedError("the step record is append-only")

    def delete(self):
        raise ArchivedError("the step record is append-only")


class StepRecord(models.Model):
    """One line of a case's trail: a step done (or a closure), by whom, against the standard."""

    aspiration = models.ForeignKey(Aspiration, on_delete=models.PROTECT, related_name="trail")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=RecordKind.choices, default=RecordKind.STEP)
    # The step as the case's revision numbers it, and its key, the same in every revision:
    # reports group by the key, screens show the number.
    step = models.PositiveSmallIntegerField(_("step"))
    step_key = models.CharField(_("step key"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=40)
    position = models.CharField(_("position"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="step_records"
    )
    # Snapshots, so the record reads the same after people change names or positions.
    actor_name = models.CharField(max_length=200)
    acting_for = models.CharField(_("acting for"), max_length=20, blank=True)
    arrived_at = models.DateTimeField(_("arrived at the step"))
    done_at = models.DateTimeField(_("done at"))
    working_seconds = models.PositiveIntegerField(_("working time taken (s)"))
    standard_seconds = models.PositiveIntegerField(_("standard (s)"), null=True, blank=True)
    standard_text = models.CharField(_("standard"), max_length=30)
    met = models.BooleanField(_("standard met"), null=True)
    output = models.CharField(_("output"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # A short message the customer was sent with this step (a holding message when the clerk
    # cannot answer yet: decision 12); shown on their tracking page.
    customer_message = models.TextField(_("message to the customer"), blank=True)
    next_step = models.PositiveSmallIntegerField(null=True, blank=True)
    next_position = models.CharField(max_length=20, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["aspiration", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["aspiration", "seq"], name="trail_seq_unique"),
        ]
        indexes = [
            # Compliance per step and period (management review), and per official.
            models.Index(fields=["step_key", "done_at"], name="trail_step_key_done"),
            models.Index(fields=["done_at"], name="trail_done"),
            models.Index(fields=["actor", "done_at"], name="trail_actor_done"),
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id}#{self.seq} step {self.step} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ArchivedError("the step record is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ArchivedError("the step record is append-only")

    @property
    def acting_for_name(self) -> str:
        return _position_name(self.aspiration.sop, self.acting_for, "")

    @property
    def position_name(self) -> str:
        return _position_name(self.aspiration.sop, self.position, self.position)

    @property
    def sop_step(self):
        return self.aspiration.sop.steps.get(self.step)


class SupportingInfo(models.Model):
    """Dukungan informasi: one per validation round (decision 3)."""

    class Verdict(models.TextChoices):
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Does not fit")

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.PROTECT, related_name="supporting_infos"
    )
    round = models.PositiveSmallIntegerField()
    text = models.TextField(_("supporting information"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["aspiration", "round"]
        constraints = [
            models.UniqueConstraint(fields=["aspiration", "round"], name="supporting_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id} round {self.round}"


class Response(models.Model):
    """Tanggapan: an answer written at a step; the customer sees it once it is published."""

    aspiration = models.ForeignKey(Aspiration, on_delete=models.PROTECT, related_name="responses")
    step = models.PositiveSmallIntegerField()
    text = models.TextField(_("response"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    position = models.CharField(max_length=20)
    acting_for = models.CharField(max_length=20, blank=True)
    written_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # How it reached the customer once published (decision 9); blank while it is a draft.
    delivered_via = models.CharField(
        _("delivered via"), max_length=20, choices=Delivery.choices, blank=True
    )

    class Meta:
        ordering = ["aspiration", "written_at", "id"]
        indexes = [models.Index(fields=["aspiration", "step"], name="response_step")]

    def __str__(self) -> str:
        return f"{self.aspiration_id} step {self.step}"

    @property
    def position_name(self) -> str:
        return _position_name(self.aspiration.sop, self.position, self.position)


def _position_name(sop: Sop, code: str, default: str) -> str:
    """A position's name in the case's revision, or in the one in force (a desk added since)."""
    position = sop.positions.get(code) or current_sop().positions.get(code)
    return position.name if position else default


def new_public_id() -> str:
    """A random identifier for a URL (22 characters, 128 bits): where rows are numbered one
    after another, their numbers would let anyone try the next one (issue 14)."""
    return secrets.token_urlsafe(16)


class OnceKey(models.Model):
    """A form's one-time key (aspirasi/web/once.py) and the case it made or reached: the same
    form sent again finds this instead of making another case or message."""

    key = models.CharField(max_length=80, unique=True)
    aspiration = models.ForeignKey(Aspiration, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} → {self.aspiration_id}"


class Report(models.Model):
    """Step 12: a vice dean's report of many answered cases to the Dean (decision 5)."""

    # What its URLs carry instead of the sequential primary key.
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    position = models.CharField(max_length=20)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    summary = models.TextField(blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["received_at"], name="report_received")]

    def __str__(self) -> str:
        return f"Laporan #{self.pk} ({self.position})"


class IdentityView(models.Model):
    """Each time an official is shown the identity behind a confidential case (decision 11)."""

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.PROTECT, related_name="identity_views"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["aspiration", "viewed_at"]
        indexes = [models.Index(fields=["user", "viewed_at"], name="identity_view_user")]

    def __str__(self) -> str:
        return f"{self.aspiration_id} seen by {self.user_id} at {self.viewed_at}"


class ReissuedSecret(models.Model):
    """A further secret link for a case, mailed to a customer who lost theirs.

    The first secret's hash stays on the case, and a reissue only adds one: a stranger who
    knows the address cannot make the customer's links stop working, and a closed case (whose
    row never changes again) can still be opened by a link sent after it closed.
    """

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="reissued_secrets"
    )
    secret_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["aspiration", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.aspiration_id} reissued at {self.issued_at}"


class Clarification(models.Model):
    """A message from the customer about their open case (web or e-mail); it reaches the
    official holding the case. Never changed once received."""

    class Source(models.TextChoices):
        WEB = "web", _("Tracking page")
        EMAIL = "email", _("E-mail")

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.PROTECT, related_name="clarifications"
    )
    text = models.TextField(_("clarification"))
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField()
    # The step and position holding the case when it came in: who it was for.
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.CharField(max_length=20, blank=True)
    email_message_id = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["aspiration", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.aspiration_id} clarification at {self.received_at}"
