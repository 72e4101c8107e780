from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspirasi.cases.access import readable_case_or_404
from aspirasi.cases.engine import ActionRefused
from aspirasi.web.access import official_required, request_capacities
from aspirasi.web.forms import show_refusal

from .forms import NoteForm
from .services import note_add


@require_POST
@official_required
def add(request: HttpRequest, code: str) -> HttpResponse:
    # A case the official may not read is not found (decision 11), as one that does not exist.
    case = readable_case_or_404(request.user, held=request_capacities(request), tracking_code=code)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(case=case, author=request.user, text=form.cleaned_data["text"])
        except ActionRefused as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect(reverse("desk:case", args=[case.tracking_code]) + "#internal-notes")
    # The text comes back with its error: nothing typed is lost.
    return render(request, "notes/add.html", {"case": case, "note_form": form}, status=400)
