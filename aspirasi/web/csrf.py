"""When a form comes back without a valid CSRF token (open too long, cookies cleared, another
tab signed out), say so in the user's language and give back what they typed, so nothing is
lost: the text is shown to copy into the form again. Nothing is re-sent from here, so a forged
request gains nothing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Never shown back: tokens, passwords, the honeypot.
HIDDEN = ("csrfmiddlewaretoken", "once", "website")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in HIDDEN and "password" not in name
        for value in values
        if value.strip()
    ]
    body = render_to_string(
        "csrf_failure.html", {"kept": kept, "back": request.path}, request=request
    )
    return HttpResponse(body, status=403)
