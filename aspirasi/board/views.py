"""The public board, and the clerk's small form that writes an entry of it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from aspirasi.cases.engine import ActionRefused, NotPermitted
from aspirasi.cases.models import Aspiration
from aspirasi.web.access import official_required
from aspirasi.web.forms import show_refusal

from .forms import BoardEntryForm, BoardSearchForm
from .models import BoardEntry
from .selectors import board_counts, board_entries
from .services import board_entry_write, may_write

PAGE_SIZE = 20


@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest) -> HttpResponse:
    search = BoardSearchForm(request.GET or None)
    query, category = "", None
    if search.is_valid():
        query = search.cleaned_data["q"] or ""
        category = search.cleaned_data["kategori"]
    page = Paginator(board_entries(query=query, category=category), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    params = request.GET.copy()
    params.pop("halaman", None)
    return render(
        request,
        "board/board.html",
        {
            "search": search,
            "page": page,
            "query": query,
            "counts": board_counts(),
            "params": params.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
@official_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    case = get_object_or_404(Aspiration.objects.select_related("category"), tracking_code=code)
    if not may_write(request.user, case):
        raise PermissionDenied
    entry = BoardEntry.objects.filter(aspiration=case).first()
    initial = (
        {
            "summary": entry.summary,
            "public_answer": entry.public_answer,
            "published": entry.published,
        }
        if entry
        else None
    )
    form = BoardEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            board_entry_write(case=case, user=request.user, **form.cleaned_data)
        except NotPermitted:
            raise PermissionDenied from None
        except ActionRefused as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, gettext("The public board entry is saved."))
            return redirect("desk:case", code=case.tracking_code)
    return render(
        request,
        "board/edit.html",
        {"case": case, "form": form, "entry": entry},
        status=400 if form.is_bound and form.errors else 200,
    )
