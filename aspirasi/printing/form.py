"""Form FO-UNMUL-FT-PM-7.2.01/L01 for one case (decision 10): the aspiration, every response with
who gave it and when, and the step record in the columns of the SOP's flow chart.

The document's code and title come from the SOP in force; the SOP number and revision printed are
the ones the case ran under.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import Aspiration
from aspirasi.clock.calendar import faculty_calendar

from .document import BOLD, FONT, HEADING, Document, clean, moment, working_time
from .selectors import TrailRow, signed, trail_rows

# The step record in the shape of the SOP's flow chart: No, activity, actor, the quality standard
# (completeness, time, output), then what was done against it (working time, met, by whom and
# when). Widths in mm on a landscape A4 page (267 mm between the margins).
TRAIL_WIDTHS = (8, 52, 27, 27, 15, 27, 30, 20, 17, 44)


def case_form_pdf(
    case: Aspiration,
    *,
    show_identity: bool,
    printed_by: str,
    printed_at: dt.datetime | None = None,
) -> bytes:
    """The filled form as PDF bytes. `show_identity` is the caller's decision (decision 11)."""
    sop = case.sop  # the revision the case follows, named below
    printed_at = printed_at or timezone.now()
    footer = f"{sop.form_code} · {case.tracking_code} · " + _("printed %(when)s by %(who)s") % {
        "when": moment(printed_at),
        "who": printed_by,
    }
    pdf = Document(title=f"{sop.form_title} {case.tracking_code}", footer=footer)
    pdf.add_page()
    pdf.letterhead(sop)
    pdf.fields(
        [
            (_("Document code"), sop.form_code),
            (_("Document"), sop.form_title),
            (
                _("Procedure"),
                _("%(number)s %(title)s, revision %(revision)s")
                % {"number": case.sop_number, "title": sop.title, "revision": sop.revision},
            ),
        ],
        label_width=35,
    )
    pdf.title_block(sop.form_title, case.tracking_code)

    pdf.section(_("Aspiration"))
    pdf.fields(_case_fields(case, show_identity))
    pdf.paragraph(_("Aspiration") + ":", style="B")
    pdf.paragraph(case.body, indent=4)
    if case.desired_outcome.strip():
        pdf.ln(1)
        pdf.paragraph(_("Hoped-for outcome") + ":", style="B")
        pdf.paragraph(case.desired_outcome, indent=4)

    pdf.section(_("Responses"))
    responses = list(case.responses.all())
    for response in responses:
        header = _("Step %(step)s · %(who)s · written %(when)s") % {
            "step": response.step,
            "who": signed(response.author_name, response.position, response.acting_for),
            "when": moment(response.written_at),
        }
        if response.published_at and response.delivered_via:
            sent = _("Sent to the customer %(when)s, by %(via)s") % {
                "when": moment(response.published_at),
                "via": response.get_delivered_via_display().lower(),
            }
        elif response.published_at:
            sent = _("Sent to the customer %(when)s") % {"when": moment(response.published_at)}
        else:
            sent = _("Not sent to the customer (internal)")
        pdf.paragraph(header, style="B")
        pdf.paragraph(sent, indent=4, size=8)
        pdf.paragraph(response.text, indent=4)
        pdf.ln(2)
    if not responses:
        pdf.paragraph(_("No response yet."))

    infos = list(case.supporting_infos.all())
    if infos:
        pdf.section(_("Supporting information"))
        for info in infos:
            verdict = info.get_verdict_display() if info.verdict else _("not yet validated")
            line = _("Round %(round)s · prepared %(when)s · %(verdict)s") % {
                "round": info.round,
                "when": moment(info.prepared_at),
                "verdict": verdict,
            }
            pdf.paragraph(line, style="B")
            if info.verdict_note:
                pdf.paragraph(_("Note") + ": " + info.verdict_note, indent=4)
            pdf.paragraph(info.text, indent=4)
            pdf.ln(2)

    _step_record(pdf, trail_rows(case), faculty_calendar().seconds_per_day)
    return pdf.to_bytes()


def _case_fields(case: Aspiration, show_identity: bool) -> list[tuple[str, str]]:
    rows = [
        (_("Tracking code"), case.tracking_code),
        (_("Channel"), case.get_channel_display()),
        (_("Category"), case.category.name),
        (_("Arrived"), moment(case.arrived_at)),
    ]
    if case.entered_by_id:
        rows.append((_("Entered"), moment(case.entered_at)))
    if case.is_closed:
        state = f"{_('Closed')}: {case.closure_label} ({moment(case.closed_at)})"
    else:
        state = _("Step %(step)s · %(position)s") % {
            "step": case.current_step,
            "position": case.position_name,
        }
    rows.append((_("State"), state))
    if case.duplicate_of_id:
        rows.append((_("Duplicate of"), case.duplicate_of.tracking_code))
    if case.follow_up_of_id:
        rows.append((_("Follow-up of"), case.follow_up_of.tracking_code))
    rows += [
        (_("Privacy"), case.get_privacy_display()),
        (_("Customer"), _identity(case, show_identity)),
        (_("Subject"), case.subject),
    ]
    return rows


def _identity(case: Aspiration, show_identity: bool) -> str:
    if case.privacy == Privacy.ANONYMOUS:
        return _("Anonymous: no identity is stored.")
    if not show_identity:
        return _("Confidential: shown only to officials who handle a step of this case.")
    parts = [
        case.customer_name,
        case.get_customer_type_display() if case.customer_type else "",
        case.customer_number,
        case.customer_email,
        case.customer_phone,
    ]
    return "\n".join(p for p in parts if p) or "—"


def _step_record(pdf: Document, rows: list[TrailRow], day_seconds: int) -> None:
    pdf.add_page(orientation="L")
    pdf.section(_("Step record"))
    pdf.set_font(FONT, size=8)
    with pdf.table(
        col_widths=TRAIL_WIDTHS,
        width=sum(TRAIL_WIDTHS),
        text_align="LEFT",
        line_height=3.6,
        num_heading_rows=2,
        repeat_headings=1,
        headings_style=HEADING,
        padding=0.8,
    ) as table:
        top = table.row()
        top.cell(pgettext("step number column", "No."), rowspan=2)
        top.cell(_("Activity"), rowspan=2)
        top.cell(_("Actor"), rowspan=2)
        top.cell(_("Quality standard"), colspan=3, align="C")
        top.cell(_("Performance"), colspan=4, align="C")
        sub = table.row()
        for title in (
            _("Completeness"),
            _("Time"),
            _("Output"),
            _("Result"),
            _("Working time"),
            _("Met"),
            _("Done by, when"),
        ):
            sub.cell(title)
        for r in rows:
            activity = f"{r.activity}\n» {r.action}"
            if r.note:
                activity += f"\n{_('Note')}: {clean(r.note)}"
            if r.customer_message:
                activity += f"\n{_('Message to the customer')}: {clean(r.customer_message)}"
            row = table.row()
            row.cell(str(r.number))
            row.cell(activity)
            row.cell(r.position)
            row.cell(r.needs)
            row.cell(r.standard)
            row.cell(r.standard_output)
            row.cell(r.output, style=BOLD if r.output != r.standard_output else None)
            row.cell(working_time(r.working_seconds, day_seconds))
            row.cell(_met(r), style=BOLD if r.met is False else None)
            row.cell(f"{r.done_by}\n{moment(r.done_at)}")
    if not rows:
        pdf.paragraph(_("No step done yet."))
    pdf.set_font(FONT, size=9)


def _met(row: TrailRow) -> str:
    if row.is_closure:
        return _("not counted")
    if row.met is None:
        return "—"
    return _("yes") if row.met else _("no")
