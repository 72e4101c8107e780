"""The search page: the cases the official may read (decision 11, aspirasi.cases.access)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aspirasi.cases.selectors import due_mark
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.web.access import official_required, request_capacities

from .forms import CaseSearchForm
from .query import count_left_out, search_cases

PAGE_SIZE = 50


@require_http_methods(["GET", "HEAD"])
@official_required
def search(request: HttpRequest) -> HttpResponse:
    form = CaseSearchForm(request.GET)
    filters = form.case_filter()
    rows, page, left_out = [], None, None
    if form.is_filtering:
        found = search_cases(filters, request.user, held=request_capacities(request))
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        calendar, now = faculty_calendar(), timezone.now()
        rows = [(case, due_mark(case, now, calendar)) for case in page.object_list]
        left_out = count_left_out(filters, request.user, page.paginator.count)
    return render(
        request,
        "search/search.html",
        {"filter_form": form, "filters": filters, "rows": rows, "page": page, "left_out": left_out},
        status=400 if form.errors else 200,
    )
