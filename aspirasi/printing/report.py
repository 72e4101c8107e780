"""The step-12 report as PDF: a vice dean's report of answered cases to the Dean (decision 5),
who sent it and when, whether and when the Dean received it, and each case with its responses.

No customer identity is printed: the report is about the communication, not the people.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.cases.models import Report
from aspirasi.sop.registry import current_sop

from .document import Document, moment
from .selectors import report_cases, report_signatures, signed


def report_pdf(
    report: Report,
    *,
    printed_by: str,
    printed_at: dt.datetime | None = None,
    cases: Q | None = None,
) -> bytes:
    """`cases`: which of the report's cases the reader may read (aspirasi.cases.access); the
    count printed is of all of them (decision 11: counts include every case)."""
    sop = current_sop()
    printed_at = printed_at or timezone.now()
    number = _("Report #%(number)s") % {"number": report.pk}
    footer = f"{sop.number} · {number} · " + _("printed %(when)s by %(who)s") % {
        "when": moment(printed_at),
        "who": printed_by,
    }
    pdf = Document(title=number, footer=footer)
    pdf.add_page()
    pdf.letterhead(sop)
    reporting = [sop.step(n) for n in sop.reporting_steps()]
    pdf.title_block(
        number,
        " / ".join(f"{_('Step')} {s.number}: {s.activity}" for s in reporting),
    )
    reporter, receiver = report_signatures(report)
    position = sop.positions.get(report.position)
    pdf.fields(
        [
            (_("Procedure"), f"{sop.number} {sop.title}"),
            (_("From"), position.name if position else report.position),
            (_("Reported by"), reporter.who),
            (_("Sent"), moment(reporter.when)),
            (
                _("Received by the Dean"),
                f"{receiver.who}\n{moment(receiver.when)}" if receiver else _("not yet"),
            ),
        ]
    )
    if report.summary.strip():
        pdf.section(_("Summary"))
        pdf.paragraph(report.summary)

    listed = report_cases(report, cases)
    count = len(listed) if cases is None else report.aspirations.count()
    pdf.section(_("Cases in this report (%(count)s)") % {"count": count})
    for case in listed:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.paragraph(f"{case.tracking_code} · {case.subject}", style="B", size=10)
        state = (
            f"{_('Closed')}: {case.closure_label} ({moment(case.closed_at)})"
            if case.is_closed
            else _("Step %(step)s · %(position)s")
            % {"step": case.current_step, "position": case.position_name}
        )
        pdf.fields(
            [
                (_("Category"), case.category.name),
                (_("Channel"), case.get_channel_display()),
                (_("Arrived"), moment(case.arrived_at)),
                (_("State"), state),
            ]
        )
        for response in case.responses.all():
            header = _("Step %(step)s · %(who)s · written %(when)s") % {
                "step": response.step,
                "who": signed(response.author_name, response.position, response.acting_for),
                "when": moment(response.written_at),
            }
            if response.published_at:
                header += " · " + _("sent to the customer %(when)s") % {
                    "when": moment(response.published_at)
                }
            pdf.paragraph(header, indent=4, size=8)
            pdf.paragraph(response.text, indent=8)
            pdf.ln(1)
        pdf.ln(3)
    return pdf.to_bytes()
