"""The step-1 register: each channel the faculty can take aspirations in, who looks after it,
whether it is in use, and whether it works as far as the system can tell."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from aspirasi.cases.choices import Channel
from aspirasi.cases.models import Aspiration

from .health import report_health
from .models import ChannelHealth, ChannelKeeper

# A probe that has not reported for this long is shown as silent, not as working.
SILENT_AFTER = dt.timedelta(days=1)
WEB_FORM_PROBE = "form"


class State:
    OK = "ok"
    FAILING = "failing"
    SILENT = "silent"  # reports are too old to tell
    UNCHECKED = "unchecked"  # no automatic check: the keeper confirms it by hand
    OFF = "off"  # not in use


@dataclass
class ChannelRow:
    channel: Channel
    keeper: ChannelKeeper | None
    probes: list[ChannelHealth] = field(default_factory=list)
    last_case_at: dt.datetime | None = None
    now: dt.datetime | None = None

    @property
    def in_use(self) -> bool:
        return self.keeper.in_use if self.keeper else True

    def is_silent(self, probe: ChannelHealth) -> bool:
        return self.now is not None and self.now - probe.checked_at > SILENT_AFTER

    @property
    def state(self) -> str:
        if not self.in_use:
            return State.OFF
        if not self.probes:
            return State.UNCHECKED
        if any(not p.ok for p in self.probes):
            return State.FAILING
        if any(self.is_silent(p) for p in self.probes):
            return State.SILENT
        return State.OK

    @property
    def probe_rows(self) -> list[tuple[ChannelHealth, bool]]:
        return [(p, self.is_silent(p)) for p in self.probes]


def probe_web_form(host: str = "") -> bool:
    """Render the customer's form page in-process, as a visitor would get it, and record the
    outcome. Catches everything: a broken page is what it is meant to find."""
    url = reverse("public:submit")
    try:
        extra = {"HTTP_HOST": host} if host else {}
        request = RequestFactory().get(url, **extra)
        request.user = AnonymousUser()
        response = resolve(url).func(request)
        content = getattr(response, "content", b"")
        ok = response.status_code == 200 and b"<form" in content
        detail = f"GET {url}: HTTP {response.status_code}" + ("" if ok else ", no form")
    except Exception as exc:  # noqa: BLE001 - the report is the point
        ok, detail = False, f"GET {url}: {type(exc).__name__}: {exc}"
    report_health(Channel.WEBSITE, WEB_FORM_PROBE, ok=ok, detail=detail)
    return ok


def register_rows(now: dt.datetime | None = None) -> list[ChannelRow]:
    now = now or timezone.now()
    keepers = {k.channel: k for k in ChannelKeeper.objects.select_related("keeper")}
    rows = {c.value: ChannelRow(c, keepers.get(c.value), now=now) for c in Channel}
    for probe in ChannelHealth.objects.all():
        if probe.channel in rows:
            rows[probe.channel].probes.append(probe)
    latest = Aspiration.objects.values("channel").annotate(last=Max("arrived_at"))
    for item in latest:
        if item["channel"] in rows:
            rows[item["channel"]].last_case_at = item["last"]
    return list(rows.values())
