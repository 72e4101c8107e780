"""Deployment checks for what the e-mails carry: the links in them must be the real site's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs=None, **kwargs):
    """Mailed links hold secrets (the customer's tracking link): a plain-http or local address
    would send them in the clear, or nowhere."""
    url = getattr(settings, "ASPIRASI_SITE_URL", "")
    if url.startswith("https://") and "127.0.0.1" not in url and "localhost" not in url:
        return []
    return [
        Warning(
            f"ASPIRASI_SITE_URL is {url!r}: e-mailed links (with their secrets) need the "
            "site's public https address.",
            hint="Set ASPIRASI_SITE_URL=https://<the site's host>.",
            id="aspirasi.W001",
        )
    ]
