"""The survey for the customer (behind the case's secret link) and the IKM page for officials."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.cases.engine import Incomplete
from aspirasi.cases.models import Aspiration
from aspirasi.public.views import render_track
from aspirasi.web import ratelimit
from aspirasi.web.access import official_required
from aspirasi.web.customer_access import with_customer_case

from . import selectors
from .elements import ELEMENTS
from .forms import SurveyForm
from .services import survey_submit


@require_POST
@never_cache
@with_customer_case
def customer_survey(request: HttpRequest, case: Aspiration, secret: str) -> HttpResponse:
    if not selectors.may_answer(case):
        return redirect("public:track", code=case.tracking_code, secret=secret)
    form = SurveyForm(request.POST, case=case)
    client = ratelimit.client_address(request)
    if ratelimit.exceeded("survey", client):
        return render_track(
            request,
            case,
            secret,
            survey_form=form,
            refusal=ratelimit.refusal("survey"),
            status=429,
        )
    if form.is_valid():
        try:
            survey_submit(
                case=case,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                profile=form.profile(),
            )
        except Incomplete as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            ratelimit.hit("survey", client)
            messages.success(request, gettext("Thank you for filling in the survey."))
            return redirect("public:track", code=case.tracking_code, secret=secret)
    return render_track(request, case, secret, survey_form=form, status=400)


@require_http_methods(["GET", "HEAD"])
@official_required
def ikm_per_month(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("tahun", this_year))
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    months, whole = selectors.monthly(year)
    return render(
        request,
        "survey/ikm.html",
        {
            "year": year,
            "months": months,
            "whole": whole,
            "elements": ELEMENTS,
            "years": range(this_year, this_year - 5, -1),
        },
    )
