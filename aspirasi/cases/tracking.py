"""Tracking codes (ASP-2026-000123) and the secret link that opens one case for its customer."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.db.models import F

from .models import Aspiration, ReissuedSecret, TrackingCounter

CODE_RE = re.compile(r"^ASP-(?P<year>\d{4})-(?P<number>\d{6,})$")


def next_tracking_code(year: int) -> str:
    """Hand out the next number of the year; call inside the transaction that creates the case."""
    TrackingCounter.objects.bulk_create([TrackingCounter(year=year)], ignore_conflicts=True)
    # The UPDATE takes the row's write lock, so concurrent intakes queue here and never share
    # a number (on PostgreSQL by row lock, on SQLite by the database write lock).
    TrackingCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = TrackingCounter.objects.values_list("last", flat=True).get(year=year)
    return f"ASP-{year}-{last:06d}"


def new_secret() -> tuple[str, str]:
    """A fresh secret and the hash that is stored in its place."""
    secret = secrets.token_urlsafe(24)
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find_by_code_and_secret(code: str, secret: str) -> Aspiration | None:
    """The case the code and secret open, or None; says nothing about which of the two was wrong."""
    code = (code or "").strip().upper()
    if not CODE_RE.match(code) or not secret:
        return None
    case = Aspiration.objects.filter(tracking_code=code).select_related("category").first()
    given = hash_secret(secret)
    expected = [case.secret_hash if case else hash_secret("no such case")]
    if case is not None:
        expected += case.reissued_secrets.values_list("secret_hash", flat=True)
    # Every stored hash is compared, so the time taken does not say which one matched.
    matched = [hmac.compare_digest(e, given) for e in expected]
    return case if case is not None and any(matched) else None


def reissue_secret(case: Aspiration, now) -> str:
    """A further secret link for the case; the earlier ones keep working."""
    secret, secret_hash = new_secret()
    ReissuedSecret.objects.create(aspiration=case, secret_hash=secret_hash, issued_at=now)
    return secret
