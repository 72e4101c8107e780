"""The management review's pages: the dashboard and the SOP compliance sheet (figures in the
modules beside this one; who may open them in permissions.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from aspirasi.cases.access import readable
from aspirasi.cases.models import Aspiration
from aspirasi.web.access import request_capacities

from . import charts
from .dashboard import Review, compliance_sheet, review
from .forms import ReviewForm
from .permissions import review_required

GET = ["GET", "HEAD"]


@require_http_methods(GET)
@review_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = ReviewForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "review/dashboard.html", {"form": form}, status=400)
    found = review(form.chosen_period(), form.filters(), timezone.now())
    rounds = found.failed_validations.rounds
    shown = _readable_rounds(request, rounds)
    return render(
        request,
        "review/dashboard.html",
        {
            "form": form,
            "review": found,
            "charts": _charts(found),
            "failed_rounds": shown,
            "failed_rounds_hidden": len(rounds) - len(shown),
        },
    )


@require_http_methods(GET)
@review_required
def compliance(request: HttpRequest) -> HttpResponse:
    form = ReviewForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "review/compliance.html", {"form": form}, status=400)
    period = form.chosen_period()
    sop, sheet = compliance_sheet(period, form.filters(), timezone.now())
    return render(
        request,
        "review/compliance.html",
        {"form": form, "period": period, "sop": sop, "sheet": sheet},
    )


def _readable_rounds(request: HttpRequest, rounds: list) -> list:
    """The failed rounds of the cases the reader may read: a reason is a case's content
    (decision 11), while the count above it covers every case."""
    ids = {r.aspiration_id for r in rounds}
    if not ids:
        return []
    cases = Aspiration.objects.filter(pk__in=ids)
    held = request_capacities(request)
    allowed = set(readable(request.user, cases, held=held).values_list("pk", flat=True))
    return [r for r in rounds if r.aspiration_id in allowed]


def _charts(found: Review) -> dict[str, charts.BarChart]:
    intake, outcomes = found.intake, found.outcomes
    endings = outcomes.paths + outcomes.closures + [outcomes.still_open]
    return {
        "channel": charts.counts((r.label, r.count) for r in intake.by_channel),
        "category": charts.counts((r.label, r.count) for r in intake.by_category),
        "customer_type": charts.counts((r.label, r.count) for r in intake.by_customer_type),
        "outcomes": charts.counts((r.label, r.count) for r in endings),
        "steps": charts.shares(
            (f"{r.name.number}. {r.name.label}", r.performance.within_standard.percent)
            for r in found.steps
        ),
        "trend_received": charts.counts(
            (date_format(m.start, "M Y"), m.received) for m in found.trend
        ),
        "trend_within": charts.shares(
            (date_format(m.start, "M Y"), m.within_standard.percent) for m in found.trend
        ),
    }
