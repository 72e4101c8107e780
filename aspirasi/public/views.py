"""The customer's side: send an aspiration, follow it with its code and secret link."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aspirasi.cases.choices import Channel
from aspirasi.cases.engine import Incomplete
from aspirasi.cases.intake import AspirationInput, submit_aspiration
from aspirasi.cases.selectors import customer_view
from aspirasi.cases.tracking import find_by_code_and_secret

from .forms import AspirationForm, TrackLookupForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"lookup": TrackLookupForm()})


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = AspirationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = submit_aspiration(
                AspirationInput(
                    channel=Channel.WEBSITE,
                    language=(get_language() or "id")[:2],
                    **{k: v for k, v in data.items()},
                )
            )
        except Incomplete as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            case = submitted.aspiration
            link = request.build_absolute_uri(
                reverse("public:track", args=[case.tracking_code, submitted.secret])
            )
            return render(request, "public/submitted.html", {"case": case, "link": link})
    return render(request, "public/submit.html", {"form": form})


@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
        if find_by_code_and_secret(code, secret):
            return redirect("public:track", code=code.strip().upper(), secret=secret)
        return _not_found(request, code)
    return render(request, "public/track_lookup.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
@never_cache
def track(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    case = find_by_code_and_secret(code, secret)
    if case is None:
        return _not_found(request)
    return render(request, "public/track.html", customer_view(case))


def _not_found(request: HttpRequest, code: str = "") -> HttpResponse:
    """One answer for every pair that opens nothing: a wrong secret, a code that does not exist,
    a malformed code, a guess. Nothing in it tells whether the code exists; the form comes back
    empty but for the code the customer typed (the secret is not shown again)."""
    form = TrackLookupForm(initial={"code": code})
    return render(
        request,
        "public/track_lookup.html",
        {"form": form, "not_found": _not_found_message()},
        status=404,
    )


def _not_found_message() -> str:
    return gettext("No case matches this code and key. Check both and try again.")
