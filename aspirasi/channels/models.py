from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import Channel


class ChannelHealth(models.Model):
    """The last report of one probe of one channel (e.g. e-mail "send", e-mail "intake",
    website "form"). One row per channel and probe, overwritten by each report."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    probe = models.CharField(_("check"), max_length=30)
    ok = models.BooleanField(_("working"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    last_ok_at = models.DateTimeField(_("last worked at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "probe"], name="channel_probe_unique")
        ]
        ordering = ["channel", "probe"]

    def __str__(self) -> str:
        return f"{self.channel}/{self.probe}: {'ok' if self.ok else 'failing'}"


class ChannelKeeper(models.Model):
    """Who looks after a channel (step 1's "ketersediaan sarana"), kept by the admin."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, unique=True)
    in_use = models.BooleanField(_("in use"), default=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("looked after by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["channel"]

    def __str__(self) -> str:
        return self.get_channel_display()
