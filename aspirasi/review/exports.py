"""The review's data as files: the cases received in a period, or the step records finished in
it, for any filter of the dashboard, as CSV (streamed, any size) or XLSX (up to a sheet's rows).

Only the cases the reader may read are exported (decision 11, aspirasi.cases.access); a
customer's identity only where aspirasi.cases.identity allows it (a confidential case's showing
is recorded there; an anonymous case has none), else the cells stay blank; the privacy level
is always a column.

A cell that a spreadsheet would take for a formula (one beginning with =, +, -, @, a tab or a
carriage return) is written so that none runs it: with a leading apostrophe in CSV, as a string
cell in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from aspirasi.cases.choices import Channel, CustomerType, Privacy, RecordKind, Status
from aspirasi.cases.identity import may_see_identity
from aspirasi.cases.models import Aspiration, StepRecord
from aspirasi.sop.registry import sop_of_revision

from .figures import arrivals
from .period import Period
from .scope import Filters

CASES = "kasus"
STEPS = "langkah"
CSV = "csv"
XLSX = "xlsx"
# A sheet holds 1,048,576 rows; one is the heading.
XLSX_MAX_ROWS = 1_048_575
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

Value = str | int | bool | dt.datetime | None


@dataclass(frozen=True)
class Table:
    """The heading, the number of rows (counted before they are read) and the rows."""

    heading: list[str]
    count: int
    rows: Callable[[], Iterator[list[Value]]]


def table(kind: str, period: Period, filters: Filters, user, readable: Q) -> Table:
    """`readable`: the condition on Aspiration of the cases the reader may read."""
    if kind == CASES:
        cases = arrivals(period, filters).filter(readable)
        return Table(case_heading(), cases.count(), lambda: case_rows(cases, user))
    records = StepRecord.objects.filter(
        filters.on_cases("aspiration"),
        done_at__gte=period.start_at,
        done_at__lt=period.end_at,
    ).filter(aspiration__in=Aspiration.objects.filter(readable))
    return Table(step_heading(), records.count(), lambda: step_rows(records))


# -- cases ----------------------------------------------------------------------------------


def case_heading() -> list[str]:
    return [
        _("Tracking code"),
        _("SOP revision"),
        _("Arrived"),
        _("Entered"),
        _("Channel"),
        _("Category"),
        _("Privacy"),
        _("Customer type"),
        _("Name"),
        _("Student/staff number"),
        _("E-mail"),
        _("Phone"),
        _("Subject"),
        _("Status"),
        _("Step"),
        _("Position"),
        _("Due"),
        _("Answered"),
        _("Ending"),
        _("Closed"),
        _("Follow-up of"),
    ]


def case_rows(cases: QuerySet[Aspiration], user) -> Iterator[list[Value]]:
    cases = (
        cases.select_related("category")
        .annotate(
            revision_number=F("revision__number"),
            follow_up_code=F("follow_up_of__tracking_code"),
        )
        .order_by("arrived_at", "pk")
    )
    for case in cases.iterator(chunk_size=CHUNK):
        sop = sop_of_revision(case.revision_id)
        position = sop.positions.get(case.current_position)
        if case.is_closed:
            ending = sop.paths.get(case.closure) or sop.closures.get(case.closure)
            ending_label = ending.label if ending else case.closure
        else:
            ending_label = ""
        shown = _identity_shown(user, case)
        yield [
            case.tracking_code,
            case.revision_number,
            _local(case.arrived_at),
            _local(case.entered_at),
            _label(Channel, case.channel),
            case.category.name,
            _label(Privacy, case.privacy),
            _label(CustomerType, case.customer_type) if shown else "",
            case.customer_name if shown else "",
            case.customer_number if shown else "",
            case.customer_email if shown else "",
            case.customer_phone if shown else "",
            case.subject,
            _label(Status, case.status),
            case.current_step,
            position.name if position else case.current_position,
            _local(case.step_due_at),
            _local(case.answered_at),
            ending_label,
            _local(case.closed_at),
            case.follow_up_code or "",
        ]


def _identity_shown(user, case: Aspiration) -> bool:
    """Normal cases always, anonymous never, confidential as identity.py decides (and records)."""
    if case.privacy == Privacy.ANONYMOUS:
        return False
    return may_see_identity(user, case, occasion="exported")


# -- step records ---------------------------------------------------------------------------


def step_heading() -> list[str]:
    return [
        _("Tracking code"),
        _("Privacy"),
        _("SOP revision"),
        _("No."),
        _("Kind"),
        _("Step"),
        _("Step key"),
        _("Action"),
        _("Position"),
        _("Done by"),
        _("Acting for"),
        _("Arrived at the step"),
        _("Done at"),
        _("Working time taken (s)"),
        _("Standard (s)"),
        _("Standard"),
        _("Standard met"),
        _("Output"),
        _("Note"),
    ]


def step_rows(records: QuerySet[StepRecord]) -> Iterator[list[Value]]:
    rows = (
        records.annotate(
            code=F("aspiration__tracking_code"),
            privacy=F("aspiration__privacy"),
            revision_id=F("aspiration__revision_id"),
            revision_number=F("aspiration__revision__number"),
        )
        .order_by("done_at", "pk")
        .values(
            "code",
            "privacy",
            "revision_id",
            "revision_number",
            "seq",
            "kind",
            "step",
            "step_key",
            "action",
            "position",
            "actor_name",
            "acting_for",
            "arrived_at",
            "done_at",
            "working_seconds",
            "standard_seconds",
            "standard_text",
            "met",
            "output",
            "note",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        sop = sop_of_revision(r["revision_id"])
        step = sop.steps.get(r["step"])
        action = r["action"]
        if r["kind"] == RecordKind.CLOSURE:
            closure = sop.closures.get(action)
            action = closure.label if closure else action
        elif step is not None:
            found = next((a for a in step.actions if a.name == action), None)
            action = found.label if found else action
        yield [
            r["code"],
            _label(Privacy, r["privacy"]),
            r["revision_number"],
            r["step"],
            _label(RecordKind, r["kind"]),
            step.label if step else "",
            r["step_key"],
            action,
            _position(sop, r["position"]),
            r["actor_name"],
            _position(sop, r["acting_for"]) if r["acting_for"] else "",
            _local(r["arrived_at"]),
            _local(r["done_at"]),
            r["working_seconds"],
            r["standard_seconds"],
            r["standard_text"],
            r["met"],
            r["output"],
            r["note"],
        ]


def _position(sop, code: str) -> str:
    position = sop.positions.get(code)
    return position.name if position else code


# -- cells ----------------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """The faculty's wall clock, without a zone (a spreadsheet has none)."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if isinstance(value, str) and looks_like_formula(text):
        return "'" + text
    return text


def csv_lines(data: Table) -> Iterator[str]:
    """The CSV line by line (UTF-8 with a byte-order mark, so spreadsheets read the letters)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[Value]) -> str:
        writer.writerow([csv_cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(data.heading)
    for row in data.rows():
        yield line(row)


def xlsx_bytes(data: Table, title: str) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(data.heading)
    for row in data.rows():
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # openpyxl takes a text beginning with "=" for a formula: make it a string cell.
    cell.data_type = "s"
    return cell
