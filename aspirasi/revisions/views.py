"""The SOP as a controlled document: every revision readable by every official; drafts made
by the quality officer or the office admin, approved by the Dean (rules in services.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import current_sop, revision_in_force, sop_of_revision
from aspirasi.web.access import official_required
from aspirasi.web.forms import show_refusal

from . import services
from .forms import ApproveForm, ImportForm, StepForm, SummaryForm

GET = ["GET", "HEAD"]


@require_http_methods(GET)
@official_required
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, ImportForm())


def _index(request, import_form: ImportForm, status: int = 200) -> HttpResponse:
    revisions = SopRevision.objects.defer("source")
    return render(
        request,
        "revisions/index.html",
        {
            "approved": revisions.filter(state=SopRevision.State.APPROVED),
            "drafts": revisions.filter(state=SopRevision.State.DRAFT).order_by("-drafted_at"),
            "in_force": revision_in_force(),
            "may_revise": services.may_revise(request.user),
            "import_form": import_form,
        },
        status=status,
    )


@require_POST
@official_required
def new_draft(request: HttpRequest) -> HttpResponse:
    try:
        draft = services.start_draft(request.user)
    except PermissionError as exc:
        raise PermissionDenied from exc
    return redirect("revisions:detail", pk=draft.pk)


@require_POST
@official_required
def import_file(request: HttpRequest) -> HttpResponse:
    if not services.may_revise(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            draft = services.import_draft(
                request.user, form.cleaned_data["file"], summary=form.cleaned_data["summary"]
            )
        except services.RevisionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The definition was imported as a draft."))
            return redirect("revisions:detail", pk=draft.pk)
    return _index(request, form, status=400)


@require_http_methods(GET)
@official_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(SopRevision, pk=pk))


def _detail(request, revision: SopRevision, approve_form=None, status: int = 200):
    problem = services.problem_of(revision)
    sop = None if problem else sop_of_revision(revision.pk)
    context = {
        "revision": revision,
        "sop": sop,
        "problem": problem,
        "in_force": revision_in_force(),
        "may_revise": services.may_revise(request.user) and not revision.is_approved,
        "may_approve": services.may_approve(request.user) and not revision.is_approved,
    }
    if not revision.is_approved and sop is not None:
        in_force = current_sop()
        context.update(
            against=in_force,
            differences=services.compare(in_force, sop),
            left_behind=services.cases_left_behind(sop),
            summary_form=SummaryForm(initial={"summary": revision.summary}),
            approve_form=approve_form or ApproveForm(draft=revision),
        )
    return render(request, "revisions/detail.html", context, status=status)


@require_http_methods(GET)
@official_required
def source(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(SopRevision, pk=pk)
    name = f"sop-revisi-{revision.number}" if revision.number else f"sop-draf-{revision.pk}"
    response = HttpResponse(revision.source, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.toml"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@official_required
def edit_step(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    draft = _draft(request, pk)
    sop = sop_of_revision(draft.pk)
    step = sop.steps_by_key.get(key)
    if step is None:
        raise Http404
    form = StepForm(request.POST or None, step=step, sop=sop)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_step(draft, request.user, key, form.change())
        except services.RevisionRefused as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, _("Step %(number)s was changed in the draft.") % {"number": step.number}
            )
            return redirect("revisions:detail", pk=draft.pk)
    return render(
        request,
        "revisions/step_edit.html",
        {"revision": draft, "step": step, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@official_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        services.describe(draft, request.user, form.cleaned_data["summary"])
        messages.success(request, _("The summary was saved."))
    return redirect("revisions:detail", pk=draft.pk)


@require_POST
@official_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(SopRevision, pk=pk)
    if not services.may_approve(request.user):
        raise PermissionDenied
    form = ApproveForm(request.POST, draft=draft)
    if form.is_valid():
        try:
            services.approve(
                draft,
                request.user,
                effective_on=form.cleaned_data["effective_on"],
                summary=form.cleaned_data["summary"],
            )
        except services.RevisionRefused as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Revision %(number)s is approved; new cases follow it from %(date)s.")
                % {"number": draft.number, "date": form.cleaned_data["effective_on"]},
            )
            return redirect("revisions:detail", pk=draft.pk)
    return _detail(request, draft, approve_form=form, status=400)


@require_POST
@official_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    services.discard(draft, request.user)
    messages.success(request, _("The draft was discarded."))
    return redirect("revisions:index")


def _draft(request, pk: int) -> SopRevision:
    """A draft the user may change: 403 for who may not revise, 404 for an approved one."""
    if not services.may_revise(request.user):
        raise PermissionDenied
    draft = get_object_or_404(SopRevision, pk=pk)
    if draft.is_approved:
        raise Http404
    return draft
