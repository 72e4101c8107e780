"""Carrying a new case's secret from manual intake to its receipt slip, storing nothing.

Only the secret's hash is kept (aspirasi.cases.tracking), so the slip can be printed only while
the secret is known, right after intake. Intake hands the secret to the clerk's browser in a
short-lived cookie: signed (it cannot be forged or moved to another case), bound to the clerk who
entered it, HttpOnly, SameSite=Strict and limited to that case's desk pages. It never appears in
a URL (so not in server logs, browser history or Referer headers) and nothing secret is written
on the server; after ASPIRASI_RECEIPT_MINUTES (15 by default) it is gone and the slip can no
longer be printed.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from aspirasi.cases.intake import Submitted
from aspirasi.cases.models import Aspiration
from aspirasi.cases.tracking import hash_secret

COOKIE = "aspirasi_tanda_terima"
SALT = "aspirasi.printing.receipt"
DEFAULT_MINUTES = 15


def receipt_minutes() -> int:
    return int(getattr(settings, "ASPIRASI_RECEIPT_MINUTES", DEFAULT_MINUTES))


def hand_over_secret(response: HttpResponse, request: HttpRequest, submitted: Submitted) -> None:
    """Let the clerk who just entered the case print its receipt slip for a while."""
    case = submitted.aspiration
    value = signing.dumps(
        {"code": case.tracking_code, "secret": submitted.secret, "user": request.user.pk},
        salt=SALT,
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=receipt_minutes() * 60,
        path=reverse("desk:case", args=[case.tracking_code]),
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def pending_secret(request: HttpRequest, case: Aspiration) -> str | None:
    """The case's secret, when this browser's clerk entered it a few minutes ago; else None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=receipt_minutes() * 60)
    except signing.BadSignature:  # includes an expired one
        return None
    if not isinstance(data, dict) or data.get("code") != case.tracking_code:
        return None
    if data.get("user") != request.user.pk:
        return None
    secret = data.get("secret")
    if not isinstance(secret, str) or not hmac.compare_digest(
        hash_secret(secret), case.secret_hash
    ):
        return None
    return secret
