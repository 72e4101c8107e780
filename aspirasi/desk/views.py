"""The officials' desk: inbox, case page with one form per open action, manual intake, reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.attachments.models import Attachment
from aspirasi.attachments.services import attach, staging
from aspirasi.cases.access import (
    may_read,
    may_read_report,
    readable,
    readable_case_or_404,
    readable_report_or_404,
)
from aspirasi.cases.choices import Channel, Status
from aspirasi.cases.engine import (
    ActionInput,
    ActionRefused,
    CaseMovedOn,
    open_actions,
    perform,
    receive_report,
    report_to_dean,
)
from aspirasi.cases.identity import may_see_identity
from aspirasi.cases.intake import AlreadySubmitted, AspirationInput, Once, submit_aspiration
from aspirasi.cases.models import Aspiration, Response
from aspirasi.cases.selectors import at_steps, due_mark, inbox_for, reportable_cases, trail_of
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.notes.selectors import notes_context
from aspirasi.officials.capacity import capacity_for
from aspirasi.printing.handoff import hand_over_secret
from aspirasi.replies.selectors import replies_context
from aspirasi.search.forms import CaseFilterForm
from aspirasi.search.similar import case_page_context as similar_cases_context
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop
from aspirasi.web import once
from aspirasi.web.access import official_required, request_capacities
from aspirasi.web.forms import show_refusal

from .forms import ActionForm, ManualIntakeForm
from .inbox_rows import FIELDS as ROW_FIELDS
from .inbox_rows import inbox_rows

INBOX_PAGE_SIZE = 50


def _get_case(request: HttpRequest, code: str) -> Aspiration:
    """The case, if the official may read it (decision 11); else 404, as for no such case."""
    return readable_case_or_404(
        request.user,
        Aspiration.objects.select_related("category"),
        held=request_capacities(request),
        tracking_code=code,
    )


@require_http_methods(["GET", "HEAD"])
@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    filter_form = CaseFilterForm(request.GET)
    filters = filter_form.case_filter()
    positions = list(request_capacities(request))  # for the list and the report button
    cases = inbox_for(request.user, filters=filters, positions=positions).only(*ROW_FIELDS)
    page = Paginator(cases, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = SimpleLazyObject(faculty_calendar)  # one query, only if a case is not overdue
    rows = inbox_rows(page.object_list, now=timezone.now(), calendar=calendar)
    return render(
        request,
        "desk/inbox.html",
        {
            "rows": rows,
            "page": page,
            "reportable": reportable_cases(request.user, positions=positions).exists(),
            "entry_position": _entry_position(),
            "filter_form": filter_form,
            "filters": filters,
            "search_page_link": True,
        },
        status=400 if filter_form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
@official_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = _get_case(request, code)
    return _render_case(request, case)


def _render_case(request, case, failed: ActionForm | None = None, status: int = 200):
    forms = []
    for action in open_actions(case, request.user):
        if failed is not None and failed.action.name == action.name:
            forms.append(failed)
        else:
            forms.append(ActionForm(action, case))
    context = {
        "case": case,
        "sop": case.sop,
        "trail": trail_of(case),
        "supporting_infos": case.supporting_infos.all(),
        "responses": case.responses.all(),
        "forms": forms,
        "due_mark": due_mark(case),
        "may_see_identity": may_see_identity(request.user, case),
        # Linked only for those whom the linked page answers (decision 11).
        "report_shown": bool(case.report_id)
        and may_read_report(request.user, case.report, held=request_capacities(request)),
        "duplicate_shown": bool(case.duplicate_of_id)
        and may_read(request.user, case.duplicate_of, held=request_capacities(request)),
        **similar_cases_context(case, forms, reader=request.user),
        **replies_context(case, forms, request.user),
        **notes_context(case),
    }
    return render(request, "desk/case.html", context, status=status)


@require_POST
@official_required
def case_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    case = _get_case(request, code)
    match = next((a for a in open_actions(case, request.user) if a.name == action), None)
    if match is None:
        if case.is_closed or capacity_for(request.user, case.current_position) is not None:
            messages.error(request, _("This case has moved on; here is where it is now."))
            return redirect("desk:case", code=code)
        raise PermissionDenied
    form = ActionForm(match, case, request.POST, request.FILES)
    # A form from a page older than the case is refused as such before anything else: its
    # other fields were filled in against a case that is no longer there.
    if form["version"].value() not in (str(case.version), case.version):
        messages.error(request, _("This case has moved on; here is where it is now."))
        return redirect("desk:case", code=code)
    if not form.is_valid():
        return _render_case(request, case, failed=form, status=400)
    try:
        # The action and the response's file: both or neither.
        with staging() as stage, transaction.atomic():

            def attach_file(response: Response) -> None:
                attach(case, form.prepared_file, stage=stage, response=response)

            data = ActionInput(
                text=form.cleaned_data.get("text", ""),
                reason=form.cleaned_data.get("reason", ""),
                vice_dean=form.cleaned_data.get("route", ""),
                duplicate_of=form.cleaned_data.get("duplicate_of", ""),
                delivered_via=form.cleaned_data.get("delivered_via", ""),
                holding_message=form.cleaned_data.get("holding_message", ""),
                with_response=attach_file if form.prepared_file else None,
            )
            perform(case, request.user, action, data)
    except CaseMovedOn as exc:
        messages.error(request, exc.message)
        return redirect("desk:case", code=code)
    except ActionRefused as exc:
        show_refusal(form, exc)
        return _render_case(request, case, failed=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": match.label})
    return redirect("desk:case", code=code)


def _entry_position() -> str:
    sop = current_sop()
    return sop.positions_of_role(sop.entry_step.actor)[0].code


MANUAL_INTAKE = "manual_intake"


@require_http_methods(["GET", "POST"])
@official_required
def manual_intake(request: HttpRequest) -> HttpResponse:
    if capacity_for(request.user, _entry_position()) is None:
        raise PermissionDenied
    form = ManualIntakeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"once": once.issue(MANUAL_INTAKE)},
    )
    key = once.read(request.POST.get("once", ""), MANUAL_INTAKE)
    if request.method == "POST" and key is None:
        form.add_error(None, _("The form was open too long. Check what you typed and save again."))
        form.data = form.data.copy()
        form.data["once"] = once.issue(MANUAL_INTAKE)
    elif request.method == "POST" and form.is_valid():
        try:
            # The case and the scan of its paper form: both or neither.
            with staging() as stage, transaction.atomic():
                submitted = submit_aspiration(
                    AspirationInput(**form.aspiration_data()),
                    entered_by=request.user,
                    once=Once(once.stored_key(MANUAL_INTAKE, key), once.secret_for(key)),
                )
                attach(
                    submitted.aspiration,
                    form.prepared_scan,
                    stage=stage,
                    now=submitted.aspiration.entered_at,
                    kind=Attachment.Kind.PAPER_FORM,
                )
        except AlreadySubmitted as exc:
            # Saved twice (a double click, a refresh): the case the first saving entered.
            return redirect("desk:case", code=exc.aspiration.tracking_code)
        except ActionRefused as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Entered as %(code)s.") % {"code": submitted.aspiration.tracking_code},
            )
            response = redirect("desk:case", code=submitted.aspiration.tracking_code)
            # The secret is known only now: let this clerk print the receipt slip for a while.
            hand_over_secret(response, request, submitted)
            return response
    return render(
        request,
        "desk/manual_intake.html",
        {"form": form, "channels": Channel},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@official_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Step 12: pick the answered cases to report to the Dean in one report."""
    candidates = list(reportable_cases(request.user))
    error = ""
    if request.method == "POST":
        chosen_codes = set(request.POST.getlist("cases"))
        chosen = [c for c in candidates if c.tracking_code in chosen_codes]
        # A ticked case that is not among this user's candidates is never dropped silently:
        # another vice dean's case is refused outright, one that moved on is named.
        strays = chosen_codes - {c.tracking_code for c in candidates}
        if strays:
            _refuse_others_cases(request, strays)
            error = " ".join(
                _(
                    "Case %(code)s has moved on since you opened it; "
                    "reload it to see where it is now."
                )
                % {"code": code}
                for code in sorted(strays)
            )
        else:
            try:
                report = report_to_dean(
                    chosen, request.user, summary=request.POST.get("summary", "")
                )
            except ActionRefused as exc:
                error = exc.message
            else:
                messages.success(request, _("Report sent to the Dean."))
                return redirect("desk:report_detail", public_id=report.public_id)
    return render(
        request,
        "desk/report_new.html",
        {"candidates": candidates, "error": error},
        status=400 if error else 200,
    )


def _refuse_others_cases(request: HttpRequest, codes: set[str]) -> None:
    """Refuse the request when any of these cases waits for another position's report (step
    12): as not found when the user may not read it (decision 11), else as forbidden."""
    held = request_capacities(request)
    others = Aspiration.objects.filter(
        at_steps(Sop.reporting_steps), tracking_code__in=codes, status=Status.OPEN
    ).exclude(current_position__in=list(held))
    found = others.count()
    if not found:
        return
    if readable(request.user, others, held=held).count() < found:
        raise Http404
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
@official_required
def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """By the report's random public id; a report the user may not read is not found."""
    held = request_capacities(request)
    report = readable_report_or_404(request.user, held=held, public_id=public_id)
    cases = list(readable(request.user, report.aspirations.select_related("category"), held=held))
    may_receive = report.received_at is None and any(
        open_actions(c, request.user) for c in cases if not c.is_closed
    )
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied
        try:
            receive_report(report, request.user)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Report received; its cases are closed."))
        return redirect("desk:report_detail", public_id=report.public_id)
    return render(
        request,
        "desk/report.html",
        dict(report=report, cases=cases, may_receive=may_receive),
    )
