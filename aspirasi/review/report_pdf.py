"""The period report as PDF, to hand out at the management review: a cover with the faculty's
letterhead, the document code and the period; the key figures; the SOP compliance sheet; bar
charts of the figures; the IKM; the most overdue and the escalated cases; a blank page for the
review's conclusions and the signatures.

Built on the printed documents' page (aspirasi/printing/document.py) from a Review
(dashboard.py). Every figure counts every case (decision 11); the cases listed by code and
subject are only those the reader may read (`cases`, the condition of aspirasi.cases.access),
and the others are counted beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from aspirasi.cases.choices import Channel, CustomerType, Privacy
from aspirasi.cases.models import Aspiration
from aspirasi.printing.document import BOLD, FONT, HEADING, Document, moment
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop

from . import attention
from .charts import percent_text
from .dashboard import Review
from .scope import Filters
from .steps import Performance
from .templatetags.review import working_time

# The most overdue cases listed; the count beside the list covers every overdue case.
MOST_OVERDUE = 50
# Escalated cases listed on paper: all of them at a faculty's volume (tens a semester); beyond
# this the report lists the first and counts the rest, which the archive search lists in full.
MOST_ESCALATED = 200
# The compliance sheet on a landscape A4 page (267 mm between the margins): No., activity,
# actor, completeness, time standard, output, cases, within standard, median, p90.
SHEET_WIDTHS = (9, 50, 30, 38, 20, 40, 14, 24, 21, 21)
CASE_WIDTHS = (30, 92, 58)  # code, subject, where it stands (portrait, 180 mm)
# Bar charts: the label, the bars' space, the value written after the bar.
CHART_LABEL = 62
CHART_BARS = 95
CHART_ROW = 5.5
CHART_BAR = 3.6
BAR_FILL = (70, 110, 160)
CONCLUSION_LINES = 14


@dataclass(frozen=True)
class Listed:
    """Cases shown by code and subject, and how many more the reader may not open."""

    cases: list[Aspiration]
    hidden: int


def period_report_pdf(
    found: Review,
    *,
    cases: Q,
    printed_by: str,
    printed_at: dt.datetime | None = None,
) -> bytes:
    """`cases`: the condition on Aspiration of the cases the reader may read."""
    sop = current_sop(found.now)
    printed_at = printed_at or timezone.now()
    title = _("Management review report")
    footer = " · ".join(
        [
            document_code(sop),
            found.period.label,
            _("printed %(when)s by %(who)s") % {"when": moment(printed_at), "who": printed_by},
        ]
    )
    pdf = Document(title=f"{title} {found.period.label}", footer=footer)
    _cover(pdf, sop, found, title, printed_by, printed_at)
    _key_figures(pdf, found)
    _sheet(pdf, found)
    _charts(pdf, found)
    _satisfaction(pdf, found)
    _cases(pdf, found, cases)
    _conclusions(pdf)
    return pdf.to_bytes()


def document_code(sop: Sop) -> str:
    return f"{sop.number} · {sop.form_code}"


def filter_lines(filters: Filters) -> list[tuple[str, str]]:
    """(label, value) of each filter asked; nothing when every case is counted."""
    lines = []
    if filters.category is not None:
        lines.append((_("Category"), filters.category.name))
    if filters.channel:
        lines.append((_("Channel"), str(Channel(filters.channel).label)))
    if filters.customer_type:
        lines.append((_("Customer type"), str(CustomerType(filters.customer_type).label)))
    if filters.privacy:
        lines.append((_("Privacy"), str(Privacy(filters.privacy).label)))
    if filters.revision is not None:
        lines.append((_("SOP revision"), str(filters.revision.number)))
    return lines


def _cover(
    pdf: Document, sop: Sop, found: Review, title: str, printed_by: str, printed_at: dt.datetime
) -> None:
    pdf.add_page()
    pdf.letterhead(sop)
    pdf.ln(6)
    pdf.title_block(title, sop.title)
    filters = filter_lines(found.filters)
    pdf.fields(
        [
            (_("Document code"), document_code(sop)),
            (_("Procedure"), f"{sop.number} {sop.title}, " + _("revision") + f" {sop.revision}"),
            (_("Period"), found.period.label),
            (_("Filters"), "\n".join(f"{k}: {v}" for k, v in filters) or _("Every case")),
            (
                _("Words of"),
                _("Steps, paths and closures are named as in SOP revision %(number)s.")
                % {"number": found.sop.revision},
            ),
            (_("Figures as of"), moment(found.now)),
            (_("Printed by"), f"{printed_by}, {moment(printed_at)}"),
        ],
        label_width=38,
    )
    pdf.section(_("How the figures are counted"))
    for rule in (
        _("Every case counts in the figures, whoever reads this report."),
        _("A step counts in the period in which it finished."),
        _("Times are working time of the faculty calendar."),
        _("Percentiles are by nearest rank."),
        _("Steps “as needed” and closures outside the flow are counted apart from compliance."),
    ):
        pdf.paragraph(f"• {rule}", indent=2)


def _share(p: Performance) -> str:
    if not p.limited:
        return "—"
    return f"{p.met}/{p.limited} ({percent_text(p.within_standard.percent)})"


def _ikm(found: Review) -> str:
    index = found.satisfaction.index
    if index is None:
        return "—"
    return f"{index.converted} ({index.grade}, {index.performance})"


def _key_figures(pdf: Document, found: Review) -> None:
    pdf.add_page()
    pdf.section(_("Key figures"))
    outcomes = found.outcomes
    s = found.satisfaction
    rows = [
        (_("Received in the period"), str(found.intake.total)),
        (_("Follow-ups of a closed case among them"), str(found.follow_ups)),
    ]
    rows += [(f"{_('Ended')}: {r.label}", str(r.count)) for r in outcomes.paths]
    rows += [
        (
            _("Closed outside the flow"),
            str(sum(r.count for r in outcomes.closures)),
        ),
        (outcomes.still_open.label, str(outcomes.still_open.count)),
        (_("Steps finished in the period"), str(found.overall.passed)),
        (_("Within standard, all steps"), _share(found.overall)),
        (
            _("Overdue now"),
            f"{found.overdue.total} ("
            + _("as of %(moment)s") % {"moment": moment(found.now)}
            + ")",
        ),
        (_("Escalations to the Dean"), str(found.escalations.total)),
        (_("Validation rounds that failed"), str(found.failed_validations.total)),
        ("IKM", _ikm(found)),
        (
            _("Response rate"),
            f"{s.rated}/{s.answered} ({percent_text(s.response_rate.percent)})",
        ),
    ]
    lost = found.most_time_lost
    if lost is not None:
        rows.append(
            (
                _("Most time lost at"),
                f"{lost.name.number}. {lost.name.label} ("
                + _("%(time)s beyond standard in all")
                % {"time": working_time(lost.performance.excess)}
                + ")",
            )
        )
    pdf.fields(rows, label_width=70)

    pdf.section(_("How they ended"))
    endings = [
        *outcomes.paths,
        *outcomes.closures,
        outcomes.still_open,
    ]
    pdf.fields([(r.label, str(r.count)) for r in endings], label_width=90)


def _sheet(pdf: Document, found: Review) -> None:
    sheet = found.sheet
    pdf.add_page(orientation="L")
    pdf.section(_("SOP compliance sheet"))
    pdf.paragraph(
        _("%(number)s, revision %(revision)s: each step with how it was done in %(period)s")
        % {"number": found.sop.number, "revision": found.sop.revision, "period": found.period.label}
    )
    pdf.ln(1)
    pdf.set_font(FONT, size=7.5)
    with pdf.table(
        col_widths=SHEET_WIDTHS,
        width=sum(SHEET_WIDTHS),
        text_align="LEFT",
        line_height=3.4,
        repeat_headings=1,
        headings_style=HEADING,
        padding=0.8,
    ) as table:
        head = table.row()
        for title in (
            pgettext("step number column", "No."),
            _("Activity"),
            _("Actor"),
            _("Completeness"),
            _("Time standard"),
            _("Output"),
            _("Cases"),
            _("Within standard"),
            _("Median"),
            _("90th percentile"),
        ):
            head.cell(title)
        for r in sheet.rows:
            row = table.row()
            for text in (
                str(r.step.number),
                r.step.activity,
                r.actor,
                r.step.needs,
                r.step.time.text,
                r.step.output,
            ):
                row.cell(text)
            if r.performance is None:
                row.cell(_("A standing duty, not a step of each case."), colspan=4)
            else:
                _performance_cells(row, r.performance)
    if sheet.elsewhere:
        pdf.ln(2)
        pdf.paragraph(
            _("Steps of other revisions, done in the period, that this revision does not have"),
            style="B",
        )
        widths = (120, 30, 40, 35, 35)
        with pdf.table(
            col_widths=widths,
            width=sum(widths),
            text_align="LEFT",
            line_height=3.4,
            headings_style=HEADING,
            padding=0.8,
        ) as table:
            head = table.row()
            for title in (
                _("Step"),
                _("Cases"),
                _("Within standard"),
                _("Median"),
                _("90th percentile"),
            ):
                head.cell(title)
            for r in sheet.elsewhere:
                row = table.row()
                row.cell(
                    f"{r.name.number}. {r.name.label} ("
                    + _("revision %(n)s") % {"n": r.name.revision}
                    + ")"
                )
                _performance_cells(row, r.performance)
    pdf.set_font(FONT, size=9)


def _performance_cells(row, p: Performance) -> None:
    row.cell(str(p.passed), align="R")
    share = _share(p)
    if p.as_needed:
        share += "\n" + _("%(n)s as needed, not counted") % {"n": p.as_needed}
    row.cell(share, align="R")
    row.cell(working_time(p.median), align="R")
    row.cell(working_time(p.p90), align="R")


def bar_chart(
    pdf: Document,
    title: str,
    items: Sequence[tuple[str, int | Decimal | None, str]],
    *,
    maximum: int | Decimal | None = None,
) -> None:
    """Horizontal bars drawn as rectangles, each with its label and its number written."""
    if not items:
        return
    height = CHART_ROW * len(items) + 8
    if pdf.will_page_break(height):
        pdf.add_page()
    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    top = maximum or max((value or 0 for _l, value, _t in items), default=0) or 1
    left = pdf.l_margin
    pdf.set_fill_color(*BAR_FILL)
    for label, value, text in items:
        y = pdf.get_y()
        pdf.set_xy(left, y)
        pdf.cell(CHART_LABEL - 2, CHART_ROW, _fit(pdf, label, CHART_LABEL - 2))
        width = float(CHART_BARS * Decimal(value or 0) / Decimal(top))
        if width > 0:
            pdf.rect(
                left + CHART_LABEL, y + (CHART_ROW - CHART_BAR) / 2, width, CHART_BAR, style="F"
            )
        pdf.set_xy(left + CHART_LABEL + width + 1.5, y)
        pdf.cell(20, CHART_ROW, text)
        pdf.set_xy(left, y + CHART_ROW)
    pdf.set_draw_color(120)
    bottom = pdf.get_y()
    pdf.line(left + CHART_LABEL, bottom - CHART_ROW * len(items), left + CHART_LABEL, bottom)
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.ln(3)
    pdf.set_font(FONT, size=9)


def _fit(pdf: Document, text: str, width: float) -> str:
    """The label cut with an ellipsis where it would run into the bar."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _counts(rows) -> list[tuple[str, int, str]]:
    return [(r.label, r.count, str(r.count)) for r in rows]


def _shares(rows) -> list[tuple[str, Decimal | None, str]]:
    return [(label, p, percent_text(p)) for label, p in rows]


def _charts(pdf: Document, found: Review) -> None:
    pdf.add_page()
    pdf.section(_("Charts"))
    outcomes = found.outcomes
    bar_chart(pdf, _("By channel"), _counts(found.intake.by_channel))
    bar_chart(pdf, _("By category"), _counts(found.intake.by_category))
    bar_chart(pdf, _("By customer type"), _counts(found.intake.by_customer_type))
    bar_chart(
        pdf,
        _("How they ended"),
        _counts([*outcomes.paths, *outcomes.closures, outcomes.still_open]),
    )
    bar_chart(
        pdf,
        _("Within standard, per step"),
        _shares(
            (f"{r.name.number}. {r.name.label}", r.performance.within_standard.percent)
            for r in found.steps
        ),
        maximum=100,
    )
    bar_chart(
        pdf,
        _("Received, month by month"),
        [(_month(m.start), m.received, str(m.received)) for m in found.trend],
    )


def _month(day: dt.date) -> str:
    return date_format(day, "M Y")


def _satisfaction(pdf: Document, found: Review) -> None:
    s = found.satisfaction
    pdf.section(_("Satisfaction"))
    pdf.fields(
        [
            ("IKM", _ikm(found)),
            (_("Respondents"), str(s.index.respondents if s.index else 0)),
            (
                _("Response rate"),
                f"{s.rated}/{s.answered} ({percent_text(s.response_rate.percent)})",
            ),
        ],
        label_width=50,
    )
    if s.index:
        bar_chart(
            pdf,
            _("The mean answer (NRR, 1–4) per element of the survey"),
            [(f"U{e.number} {e.name}", nrr, f"{nrr:.2f}") for e, nrr in s.elements],
            maximum=4,
        )


def listed(ids: Sequence[int], readable: Q) -> Listed:
    """The cases of `ids` the reader may read, in the order of `ids`, and how many they may
    not."""
    allowed = Aspiration.objects.filter(readable, pk__in=ids).select_related("category")
    found = {case.pk: case for case in allowed}
    return Listed([found[pk] for pk in ids if pk in found], len(ids) - len(found))


def _cases(pdf: Document, found: Review, readable: Q) -> None:
    pdf.add_page()
    pdf.section(_("The most overdue cases"))
    overdue_ids = list(
        attention.overdue_cases(found.filters, found.now).values_list("pk", flat=True)[
            :MOST_OVERDUE
        ]
    )
    pdf.paragraph(
        _("Overdue now: %(total)s (as of %(moment)s); the %(listed)s most overdue:")
        % {"total": found.overdue.total, "moment": moment(found.now), "listed": len(overdue_ids)}
    )
    shown = listed(overdue_ids, readable)
    _case_table(pdf, shown, due=True, now=found.now)

    pdf.section(_("Escalations to the Dean"))
    cases = attention.escalated_cases(found.period, found.filters)
    total = cases.count()
    escalated = list(cases.values_list("pk", flat=True)[:MOST_ESCALATED])
    pdf.paragraph(_("Cases passed to the Dean for a response in the period") + f": {total}")
    if total > len(escalated):
        pdf.paragraph(
            _("The first %(listed)s are listed; the archive search lists them all.")
            % {"listed": len(escalated)}
        )
    _case_table(pdf, listed(escalated, readable), due=False, now=found.now)


def _case_table(pdf: Document, shown: Listed, *, due: bool, now: dt.datetime) -> None:
    if shown.cases:
        pdf.set_font(FONT, size=8)
        with pdf.table(
            col_widths=CASE_WIDTHS,
            width=sum(CASE_WIDTHS),
            text_align="LEFT",
            line_height=3.8,
            repeat_headings=1,
            headings_style=HEADING,
            padding=0.8,
        ) as table:
            head = table.row()
            for title in (_("Case"), _("Subject"), _("Due") if due else _("State")):
                head.cell(title)
            for case in shown.cases:
                row = table.row()
                row.cell(case.tracking_code, style=BOLD)
                row.cell(case.subject)
                row.cell(_standing(case, due, now))
        pdf.set_font(FONT, size=9)
    if shown.hidden:
        pdf.paragraph(
            ngettext(
                "And %(n)s more you may not open.",
                "And %(n)s more you may not open.",
                shown.hidden,
            )
            % {"n": shown.hidden},
            style="B",
        )
    if not shown.cases and not shown.hidden:
        pdf.paragraph(_("None."))
    pdf.ln(2)


def _standing(case: Aspiration, due: bool, now: dt.datetime) -> str:
    if case.is_closed:
        return f"{_('Closed')}: {case.closure_label}"
    where = _("Step %(step)s · %(position)s") % {
        "step": case.current_step,
        "position": case.position_name,
    }
    if due and case.step_due_at:
        return f"{where}\n{_('due')} {moment(case.step_due_at)}"
    return where


def _conclusions(pdf: Document) -> None:
    pdf.add_page()
    pdf.section(_("Review conclusions"))
    pdf.set_draw_color(150)
    for _line in range(CONCLUSION_LINES):
        y = pdf.get_y() + 8
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y)
    pdf.set_draw_color(0)
    pdf.ln(10)
    _signatures(pdf)


def _signatures(pdf: Document) -> None:
    """Three columns: the Dean (acknowledging), the Kabag TU and the quality officer, each with
    room to sign and lines for the name and NIP."""
    if pdf.will_page_break(60):
        pdf.add_page()
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 3
    signers = [
        (_("Acknowledged by,"), _("Dean")),
        ("", _("Head of Administration")),
        ("", _("Quality Assurance")),
    ]
    top = pdf.get_y()
    for index, (above, role) in enumerate(signers):
        x = pdf.l_margin + index * width
        pdf.set_xy(x, top)
        pdf.set_font(FONT, size=9)
        pdf.cell(width, 5, above, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "B", 9)
        pdf.cell(width, 5, role, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, size=9)
        pdf.set_xy(x, top + 32)
        pdf.cell(width, 5, _("Name") + ": ____________________", align="C")
        pdf.set_xy(x, top + 38)
        pdf.cell(width, 5, "NIP: ____________________", align="C")
    pdf.set_xy(pdf.l_margin, top + 46)
