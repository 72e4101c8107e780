"""One-time form keys: a form that creates something carries a signed random key that needs no
session (so showing a public form writes nothing). The first POST with a key makes the record;
the same key again (a double click, a refresh, a replayed POST) finds the record the first one
made instead of making another (aspirasi/cases/models.py OnceKey).

The customer's secret link is derived from the key, so a repeat can show the first receipt
again without the secret being stored anywhere: only the browser that holds the signed key can
derive it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing

# A form left open longer than this is sent again with a fresh key (and the text kept).
MAX_AGE_SECONDS = 2 * 24 * 3600


def issue(purpose: str) -> str:
    return signing.dumps(secrets.token_hex(16), salt=_salt(purpose), compress=False)


def read(token: str, purpose: str) -> str | None:
    """The key inside a signed token, or None when it is forged, for another form or too old."""
    try:
        key = signing.loads(token or "", salt=_salt(purpose), max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return key if isinstance(key, str) else None


def stored_key(purpose: str, key: str) -> str:
    """What the database keeps: the purpose and the key, so two forms never share one."""
    return f"{purpose}:{key}"


def secret_for(key: str) -> str:
    """The case's secret link part, derived from the form's key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"aspirasi.once.secret:{key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _salt(purpose: str) -> str:
    return f"aspirasi.once.{purpose}"
