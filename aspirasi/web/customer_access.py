"""Opening a case as its customer: the tracking code and the secret from the link, and nothing
else. Every failure looks the same, and failures count against the client's address so that
guessing is slowed down to nothing."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from aspirasi.cases.models import Aspiration
from aspirasi.cases.tracking import find_by_code_and_secret

from . import ratelimit
from .forms import TrackLookupForm

MISSES = "track_miss"


class TooManyMisses(Exception):
    pass


def customer_case(request: HttpRequest, code: str, secret: str) -> Aspiration | None:
    """The case this pair opens, or None. Raises TooManyMisses when a blocked client misses.

    A right pair always opens its case, even from a blocked address: many customers share one
    address behind a campus NAT, and one guesser must not lock them all out. The guesser gains
    nothing from this, since a blocked client's misses are all answered alike and a secret has
    192 bits."""
    client = ratelimit.client_address(request)
    case = find_by_code_and_secret(code, secret)
    if case is None:
        if ratelimit.exceeded(MISSES, client):
            raise TooManyMisses
        ratelimit.hit(MISSES, client)
    return case


def not_found(request: HttpRequest, code: str = "") -> HttpResponse:
    """One answer for every pair that opens nothing: a wrong secret, a code that does not exist,
    a malformed code, a guess. Nothing in it tells whether the code exists; the form comes back
    empty but for the code the customer typed (the secret is not shown again)."""
    return _lookup_again(request, code, not_found_message(), status=404)


def blocked(request: HttpRequest, code: str = "") -> HttpResponse:
    return _lookup_again(request, code, too_many_message(), status=429)


def _lookup_again(request: HttpRequest, code: str, message: str, *, status: int) -> HttpResponse:
    form = TrackLookupForm(initial={"code": code})
    return render(
        request, "public/track_lookup.html", {"form": form, "not_found": message}, status=status
    )


def not_found_message() -> str:
    return gettext("No case matches this code and key. Check both and try again.")


def too_many_message(scope: str = MISSES) -> str:
    return ratelimit.refusal(scope, kept_input=False)


def with_customer_case(view):
    """For views under /lacak/<code>/<secret>/: the view gets the case, or the one answer."""

    @wraps(view)
    def wrapped(request: HttpRequest, code: str, secret: str, *args, **kwargs):
        try:
            case = customer_case(request, code, secret)
        except TooManyMisses:
            return blocked(request)
        if case is None:
            return not_found(request)
        return view(request, case, secret, *args, **kwargs)

    return wrapped
