"""The customer's side: send an aspiration, follow it with its code and secret link, add a
clarification, ask for a follow-up, get lost links again."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.cases.choices import Channel
from aspirasi.cases.clarifications import (
    FOLLOW_UP_DAYS,
    add_clarification,
    may_follow_up,
    open_follow_up,
)
from aspirasi.cases.engine import Incomplete
from aspirasi.cases.intake import AlreadySubmitted, AspirationInput, Once
from aspirasi.cases.models import Aspiration, Clarification
from aspirasi.cases.selectors import customer_view
from aspirasi.survey import selectors as survey_selectors
from aspirasi.survey.forms import SurveyForm
from aspirasi.survey.services import survey_submit
from aspirasi.web import once, ratelimit
from aspirasi.web.customer_access import (
    TooManyMisses,
    blocked,
    customer_case,
    not_found,
    with_customer_case,
)
from aspirasi.web.forms import TrackLookupForm, show_refusal

from .forms import AspirationForm, ClarificationForm, FollowUpForm, LostLinkForm
from .services import send_links_again, submit_with_attachments


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"lookup": TrackLookupForm()})


def _language() -> str:
    return (get_language() or "id")[:2]


def _secret_link(request: HttpRequest, case: Aspiration, secret: str) -> str:
    return request.build_absolute_uri(reverse("public:track", args=[case.tracking_code, secret]))


SUBMIT = "submit"
CLARIFY = "clarify"
log = logging.getLogger("aspirasi.public")


@require_http_methods(["GET", "POST"])
@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = AspirationForm(initial={"once": once.issue(SUBMIT)})
        return render(request, "public/submit.html", {"form": form})
    form = AspirationForm(request.POST, request.FILES)
    key = once.read(request.POST.get("once", ""), SUBMIT)
    if key is None:
        return _form_again(request, form)
    client = ratelimit.client_address(request)
    if ratelimit.exceeded("submit", client):
        # Refused before anything is read further; the bound form still shows what was typed.
        return render(
            request,
            "public/submit.html",
            {"form": form, "refusal": ratelimit.refusal("submit")},
            status=429,
        )
    if form.is_valid():
        try:
            submitted = submit_with_attachments(
                AspirationInput(
                    channel=Channel.WEBSITE, language=_language(), **form.aspiration_data()
                ),
                form.prepared_attachments,
                once=Once(once.stored_key(SUBMIT, key), once.secret_for(key)),
            )
        except AlreadySubmitted as exc:
            # A double click, a refresh or a replay: the first sending's receipt, no new case.
            return redirect("public:submitted", exc.aspiration.tracking_code, once.secret_for(key))
        except Incomplete as exc:
            show_refusal(form, exc)
        except OSError:
            # The file store failed (a full disk): nothing was saved, no file was left behind
            # (attachments.staging), and the form comes back with the text kept.
            log.exception("could not store the files of an aspiration")
            form.add_error(
                None,
                gettext(
                    "Your files could not be stored just now, so nothing was saved. Send the "
                    "aspiration again without files, or try again later."
                ),
            )
            return render(request, "public/submit.html", {"form": form}, status=503)
        else:
            ratelimit.hit("submit", client)
            return redirect(
                "public:submitted", submitted.aspiration.tracking_code, submitted.secret
            )
    elif form.caught_in_honeypot:
        ratelimit.hit("submit", client)
    return render(request, "public/submit.html", {"form": form})


def _form_again(request: HttpRequest, form: AspirationForm) -> HttpResponse:
    """The form's key is missing, forged or too old: nothing is saved; the form comes back
    with what was typed and a fresh key, to be checked and sent again."""
    data = request.POST.copy()
    data["once"] = once.issue(SUBMIT)
    form = AspirationForm(data)
    form.full_clean()
    form.add_error(
        None, gettext("The form was open too long. Check what you typed and send it again.")
    )
    return render(request, "public/submit.html", {"form": form}, status=400)


@require_http_methods(["GET", "HEAD"])
@never_cache  # it shows the secret link
@with_customer_case
def submitted(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    """The receipt, after the redirect from the form: refreshing it sends nothing again."""
    follow_up_of = case.follow_up_of
    return render(
        request,
        "public/submitted.html",
        {
            "case": case,
            "link": _secret_link(request, case, secret),
            "attachments": case.attachments.all(),
            "follow_up_of": follow_up_of,
        },
    )


@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
        try:
            case = customer_case(request, code, secret)
        except TooManyMisses:
            return blocked(request, code)
        if case is not None:
            return redirect("public:track", code=case.tracking_code, secret=secret)
        return not_found(request, code)
    return render(request, "public/track_lookup.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
@never_cache
@with_customer_case
def track(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    return render_track(request, case, secret)


def _refused_for_rate(
    request: HttpRequest, case: Aspiration, secret: str, scope: str, **forms
) -> HttpResponse:
    """Too many tries from this address: the tracking page again, the form as it was typed."""
    return render_track(
        request, case, secret, refusal=ratelimit.refusal(scope), status=429, **forms
    )


def render_track(
    request: HttpRequest,
    case: Aspiration,
    secret: str,
    *,
    status: int = 200,
    refusal: str = "",
    **forms,
) -> HttpResponse:
    """The tracking page, with any form that failed shown again as it was typed."""
    now = timezone.now()
    context = customer_view(case)
    follow_up_open = _may_ask_follow_up(case, now)
    context.update(
        secret=secret,
        refusal=refusal,
        attachments=case.attachments.all(),
        clarifications=case.clarifications.order_by("received_at", "id"),
        clarification_form=None
        if case.is_closed
        else ClarificationForm(initial={"once": once.issue(CLARIFY)}),
        # A case has a few follow-ups; sorted here, since with ORDER BY in the query SQLite
        # may walk the whole arrival index instead of the few rows pointing at this case.
        follow_ups=sorted(case.follow_ups.only("tracking_code", "arrived_at"), key=_arrival),
        follow_up_form=FollowUpForm() if follow_up_open else None,
        follow_up_until=(case.closed_at + dt.timedelta(days=FOLLOW_UP_DAYS))
        if case.closed_at
        else None,
        closed_outside_flow=case.is_closed and not case.closed_in_flow,
        survey=survey_selectors.survey_of(case),
        survey_form=SurveyForm(case=case) if survey_selectors.may_answer(case) else None,
    )
    context.update({k: v for k, v in forms.items() if v is not None})
    # Every caller is @never_cache: the page holds the secret in its links.
    return render(request, "public/track.html", context, status=status)


def _may_ask_follow_up(case: Aspiration, now: dt.datetime) -> bool:
    """Within 14 days of an answer that closed the case, and once per case."""
    return may_follow_up(case, now)


@require_POST
@never_cache
@with_customer_case
def clarify(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    form = ClarificationForm(request.POST)
    key = once.read(request.POST.get("once", ""), CLARIFY)
    client = ratelimit.client_address(request)
    if ratelimit.exceeded("clarify", client):
        return _refused_for_rate(request, case, secret, "clarify", clarification_form=form)
    if form.is_valid():
        try:
            add_clarification(
                case,
                form.cleaned_data["text"],
                source=Clarification.Source.WEB,
                # Without a valid key (an old page) it is still taken: losing the customer's
                # text would be worse than a rare repeat.
                once_key=once.stored_key(CLARIFY, key) if key else "",
            )
        except Incomplete as exc:
            form.add_error("text", exc.errors.get("text") or exc.message)
        else:
            ratelimit.hit("clarify", client)
            messages.success(
                request,
                gettext("Your clarification has been passed to %(holder)s.")
                % {"holder": case.position_name},
            )
            return redirect("public:track", code=case.tracking_code, secret=secret)
    return render_track(request, case, secret, clarification_form=form, status=400)


@require_POST
@never_cache
@with_customer_case
def follow_up(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    form = FollowUpForm(request.POST)
    client = ratelimit.client_address(request)
    if ratelimit.exceeded("submit", client):
        return _refused_for_rate(request, case, secret, "submit", follow_up_form=form)
    if not _may_ask_follow_up(case, timezone.now()):
        messages.error(
            request,
            gettext(
                "A follow-up can be asked once, within %(days)d days of the answer that closed "
                "the case. You can send a new aspiration instead."
            )
            % {"days": FOLLOW_UP_DAYS},
        )
        return redirect("public:track", code=case.tracking_code, secret=secret)
    if form.is_valid():
        try:
            submitted = open_follow_up(case, form.cleaned_data["text"], channel=Channel.WEBSITE)
        except Incomplete as exc:
            form.add_error("text", exc.errors.get("text") or exc.message)
        else:
            ratelimit.hit("submit", client)
            return redirect(
                "public:submitted", submitted.aspiration.tracking_code, submitted.secret
            )
    return render_track(request, case, secret, follow_up_form=form, status=400)


@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    """Links sent again to an address. The answer is the same whether the address is known or
    not; only the mail (to that address) differs."""
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = ratelimit.client_address(request)
        if ratelimit.hit("lost_link", client):
            return render(
                request,
                "public/lost_link.html",
                {"form": form, "refusal": ratelimit.refusal("lost_link")},
                status=429,
            )
        email = form.cleaned_data["email"].strip().lower()
        # One mail per address per window, whoever asks: the page says the same either way.
        if not ratelimit.hit("lost_link_address", email):
            send_links_again(email, link_for=_mail_link, language=_language())
        return render(request, "public/lost_link.html", {"sent": True})
    return render(request, "public/lost_link.html", {"form": form})


def _mail_link(code: str, secret: str) -> str:
    # The configured address, not the request's Host header: a link in a mail must not be
    # pointed elsewhere by whoever made the request.
    return settings.ASPIRASI_SITE_URL.rstrip("/") + reverse("public:track", args=[code, secret])


@require_POST
@never_cache
@with_customer_case
def survey(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    if not survey_selectors.may_answer(case):
        return redirect("public:track", code=case.tracking_code, secret=secret)
    form = SurveyForm(request.POST, case=case)
    client = ratelimit.client_address(request)
    if ratelimit.exceeded("survey", client):
        return _refused_for_rate(request, case, secret, "survey", survey_form=form)
    if form.is_valid():
        try:
            survey_submit(
                case=case,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                profile=form.profile(),
            )
        except Incomplete as exc:
            show_refusal(form, exc)
        else:
            ratelimit.hit("survey", client)
            messages.success(request, gettext("Thank you for filling in the survey."))
            return redirect("public:track", code=case.tracking_code, secret=secret)
    return render_track(request, case, secret, survey_form=form, status=400)


def _arrival(case) -> tuple:
    return (case.arrived_at, case.pk)
