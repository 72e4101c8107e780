"""The step-1 register of channels: shown to the clerk (and their Plh) and the office admin;
the office admin names who looks after each channel and whether it is in use."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aspirasi.cases.choices import Channel

from .forms import ChannelKeeperForm
from .models import ChannelKeeper
from .permissions import channel_keeper_required, may_keep_channels, register_viewer_required
from .register import probe_web_form, register_rows


@require_http_methods(["GET", "HEAD"])
@register_viewer_required
def register(request: HttpRequest) -> HttpResponse:
    probe_web_form(request.get_host())
    return render(
        request,
        "channels/register.html",
        {"rows": register_rows(), "may_keep": may_keep_channels(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@channel_keeper_required
def keeper_edit(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in Channel.values:
        raise Http404
    keeper = ChannelKeeper.objects.filter(channel=channel).first() or ChannelKeeper(channel=channel)
    form = ChannelKeeperForm(request.POST or None, instance=keeper)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The register entry for %(channel)s is saved.") % {"channel": Channel(channel).label},
        )
        return redirect("channels:register")
    return render(
        request,
        "channels/keeper_edit.html",
        {"form": form, "channel": Channel(channel)},
        status=400 if form.is_bound else 200,
    )
