"""Counting requests per client address, shared by every app server through a database cache.

The client is REMOTE_ADDR, unless that is a proxy the settings name (ASPIRASI_TRUSTED_PROXIES):
then X-Forwarded-For is read from the right, skipping trusted proxies, and the first address
that is not one is the client. Counters are kept under a keyed hash of the address, never the
address itself, and expire with their window; nothing here is stored with a case.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import ngettext

CACHE = "ratelimit"


@cache
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str) -> bool:
    networks = _trusted_networks(tuple(getattr(settings, "ASPIRASI_TRUSTED_PROXIES", ())))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else remote


def _limit(scope: str) -> tuple[int, int]:
    """The scope's allowance and window; ASPIRASI_RATE_LIMIT_FACTOR (a load test's, 1 in
    production) multiplies the allowance, never the window."""
    count, seconds = settings.ASPIRASI_RATE_LIMITS[scope]
    factor = getattr(settings, "ASPIRASI_RATE_LIMIT_FACTOR", 1)
    return int(count * factor), int(seconds)


def _key(scope: str, ident: str, seconds: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}\0{ident}".encode(), hashlib.sha256
    ).hexdigest()[:40]
    window = int(time.time()) // seconds
    return f"rl:{scope}:{digest}:{window}"


def exceeded(scope: str, ident: str) -> bool:
    """Whether `ident` has used up its allowance for `scope` in the current window."""
    count, seconds = _limit(scope)
    return (caches[CACHE].get(_key(scope, ident, seconds)) or 0) >= count


def hit(scope: str, ident: str) -> bool:
    """Count one use; True when this use went over the allowance."""
    count, seconds = _limit(scope)
    store = caches[CACHE]
    key = _key(scope, ident, seconds)
    # add() is a no-op when the counter exists; incr() is not atomic on every cache backend,
    # which at worst lets a few requests more through: good enough for abuse limits.
    store.add(key, 0, timeout=seconds)
    try:
        used = store.incr(key)
    except ValueError:  # expired between add() and incr()
        store.set(key, 1, timeout=seconds)
        used = 1
    return used > count


def ident(*parts: str) -> str:
    """One identity made of several (a user name as tried from one address)."""
    return "\0".join(parts)


def window_minutes(scope: str) -> int:
    """How long a client over the limit waits at most, in whole minutes (rounded up)."""
    _count, seconds = _limit(scope)
    return max(1, -(-seconds // 60))


def refusal(scope: str, *, kept_input: bool = True) -> str:
    """The sentence for a client that went over a limit, in the user's language."""
    minutes = window_minutes(scope)
    if kept_input:
        return ngettext(
            "Too many attempts from your connection. Please try again in %(minutes)d minute; "
            "what you typed is kept below.",
            "Too many attempts from your connection. Please try again in %(minutes)d minutes; "
            "what you typed is kept below.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Too many attempts from your connection. Please try again in %(minutes)d minute.",
        "Too many attempts from your connection. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
