"""The management review's pages: the dashboard and the SOP compliance sheet (figures in the
modules beside this one; who may open them in permissions.py)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from aspirasi.cases.access import readable, readable_cases
from aspirasi.cases.models import Aspiration
from aspirasi.printing.fonts import FontsMissing, font_files
from aspirasi.web.access import request_capacities

from . import charts, exports
from . import period as periods
from .dashboard import Review, compliance_sheet, review
from .forms import FILTER_FIELDS, ReviewForm
from .models import Export
from .permissions import review_required
from .report_pdf import period_report_pdf

log = logging.getLogger(__name__)

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


@require_http_methods(GET)
@review_required
def report(request: HttpRequest) -> HttpResponse:
    """The period report as PDF, for the same query as the dashboard."""
    form = ReviewForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "review/dashboard.html", {"form": form}, status=400)
    try:
        font_files()
    except FontsMissing as exc:
        log.error("cannot print the review report: %s", exc)
        return render(request, "printing/unavailable.html", status=503)
    period = form.chosen_period()
    found = review(period, form.filters(), timezone.now())
    held = request_capacities(request)
    data = period_report_pdf(
        found,
        cases=readable_cases(request.user, held=held),
        printed_by=_name(request.user),
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="laporan-tinjauan-{period_slug(period)}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(GET)
@review_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Cases or step records of the dashboard's query as CSV (streamed) or XLSX; each export is
    recorded (models.Export)."""
    form = ReviewForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "review/dashboard.html", {"form": form}, status=400)
    period = form.chosen_period()
    held = request_capacities(request)
    data = exports.table(
        kind, period, form.filters(), request.user, readable_cases(request.user, held=held)
    )
    name = f"{kind}-{period_slug(period)}"
    if fmt == exports.XLSX and data.count > exports.XLSX_MAX_ROWS:
        query = request.GET.urlencode()
        csv_url = reverse("review:export", args=[kind, exports.CSV])
        return render(
            request,
            "review/export_too_large.html",
            {
                "rows": data.count,
                "limit": exports.XLSX_MAX_ROWS,
                "csv_url": f"{csv_url}?{query}" if query else csv_url,
            },
            status=413,
        )
    Export.objects.create(
        user=request.user,
        kind=kind,
        format=fmt,
        filters=_filters_text(form),
        rows=data.count,
        at=timezone.now(),
    )
    if fmt == exports.CSV:
        response = StreamingHttpResponse(
            exports.csv_lines(data), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.xlsx_bytes(data, name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def period_slug(period: periods.Period) -> str:
    """The period in a file name: 2025-12, 2025-S2, 2025, or 2025-12-24_2025-12-31."""
    if period.kind == periods.MONTH:
        return period.start.strftime("%Y-%m")
    if period.kind == periods.SEMESTER:
        return f"{period.start.year}-S{1 if period.start.month == 1 else 2}"
    if period.kind == periods.YEAR:
        return str(period.start.year)
    return f"{period.start.isoformat()}_{period.last_day.isoformat()}"


def _filters_text(form: ReviewForm) -> str:
    """What was exported, as the dashboard's query: the period and the filters asked."""
    period = form.chosen_period()
    parts = [f"period={period.kind}", f"from={period.start}", f"to={period.last_day}"]
    parts += [f"{name}={form.data[name]}" for name in FILTER_FIELDS if form.data.get(name)]
    return " ".join(parts)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


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
