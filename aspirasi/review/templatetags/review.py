"""How the review's figures are written: working time, shares, and the archive-search links."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from aspirasi.review.charts import percent_text

register = template.Library()


@register.filter
def working_time(seconds: int | None) -> str:
    """Working seconds as hours, minutes and seconds ("9 h 10 min"); "—" for none."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes or (not hours and not secs):
        parts.append(_("%(n)s min") % {"n": minutes})
    if secs:
        parts.append(_("%(n)s s") % {"n": secs})
    return " ".join(parts)


@register.filter
def percent(value: Decimal | None) -> str:
    """A share in percent to one decimal, in the reader's number format; "—" for none."""
    return percent_text(value)


@register.filter
def search_url(params: dict[str, str] | None) -> str:
    """The archive search (which lists only what the reader may read) for these parameters."""
    if not params:
        return ""
    return f"{reverse('search:search')}?{urlencode(sorted(params.items()))}"


@register.inclusion_tag("review/nav_link.html", takes_context=True)
def review_nav_link(context):
    """The menu's link to the management review, for those who may open it; reuses the
    positions the desk's context processor already read for this request."""
    from aspirasi.review.permissions import may_review

    request = context.get("request")
    user = getattr(request, "user", None)
    held = {c.position for c in context.get("my_capacities", ())}
    return {"show": user is not None and may_review(user, held)}
