"""The page every printed document shares: the faculty's letterhead, a footer naming the document
and the page, and a few building blocks (sections, label/value tables, paragraphs).

Plain fpdf2, no HTTP. Texts come in already translated; dates are shown in the faculty's time.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext, ngettext
from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from aspirasi.sop.definition import Sop

from .fonts import font_files

FONT = "DejaVu"
MONO_FONT = "DejaVuMono"
# The ministry is not part of the SOP file (it changes with cabinets, the SOP does not); the
# university and the faculty come from the SOP's issuer.
DEFAULT_MINISTRY = "Kementerian Pendidikan Tinggi, Sains, dan Teknologi"
BOLD = FontFace(emphasis="BOLD")
HEADING_FILL = (230, 230, 230)
HEADING = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
# fontTools reports every font subset at INFO, a screenful per document in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    """Text as typed by people, made printable: one kind of line break, no control characters."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text).strip()


def moment(value: dt.datetime | None) -> str:
    """'3 November 2026, 09.00 WITA': the faculty's wall clock, month in the reader's language."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{dateformat.format(local, 'j F Y, H.i')} {local.tzname()}"


def working_time(seconds: int | None, day_seconds: int) -> str:
    """Working time as the SOP counts it: working days (of `day_seconds`), hours, minutes."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    day = round(day_seconds / 60)
    days, minutes = divmod(minutes, day)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def letterhead_lines(sop: Sop) -> list[str]:
    ministry = getattr(settings, "ASPIRASI_MINISTRY", None) or DEFAULT_MINISTRY
    # "Fakultas Teknik, Universitas Mulawarman" -> the university first, then the faculty.
    issuer = [part.strip() for part in sop.issuer.split(",") if part.strip()]
    return [line.upper() for line in [ministry, *reversed(issuer)]]


class Document(FPDF):
    """A document of the faculty (A4 unless said otherwise) with a footer on every page."""

    def __init__(
        self, *, title: str, footer: str, page_format: str | tuple = "A4", mono: bool = False
    ):
        super().__init__(orientation="P", unit="mm", format=page_format)
        fonts = font_files()
        for style, path in fonts.faces.items():
            self.add_font(FONT, style, str(path))
        if mono:
            self.add_font(MONO_FONT, "", str(fonts.mono))
        self.footer_text = footer
        self.set_title(title)
        self.set_creator("Aspirasi · SOP SP-54")
        self.set_lang((get_language() or "id")[:2])
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(True, margin=14)
        self.set_font(FONT, size=9)

    # -- fpdf2 hooks ------------------------------------------------------------------------

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        page = gettext("Page %(page)s of %(pages)s") % {
            "page": self.page_no(),
            "pages": self.str_alias_nb_pages,  # filled in with the page count at output
        }
        self.cell(0, 4, f"{self.footer_text} · {page}", align="C")

    # -- building blocks ----------------------------------------------------------------------

    def letterhead(self, sop: Sop, *, size: float = 11) -> None:
        lines = letterhead_lines(sop)
        for index, line in enumerate(lines):
            self.set_font(FONT, "B" if index else "", size if index else size - 1)
            self.cell(0, size * 0.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
        y = self.get_y() + 1.5
        self.set_line_width(0.6)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + 0.9, self.w - self.r_margin, y + 0.9)
        self.set_y(y + 4)
        self.set_font(FONT, size=9)

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 6, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FONT, size=9)
            self.multi_cell(0, 4.5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font(FONT, size=9)

    def section(self, title: str) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 10)
        self.set_fill_color(*HEADING_FILL)
        self.cell(0, 6, title, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_fill_color(255)  # tables drawn next take the current fill colour as theirs
        self.ln(1.5)
        self.set_font(FONT, size=9)

    def fields(self, rows: Iterable[tuple[str, str]], *, label_width: float = 45) -> None:
        """A two-column table of labels and values."""
        width = self.w - self.l_margin - self.r_margin
        with self.table(
            col_widths=(label_width, width - label_width),
            width=width,
            first_row_as_headings=False,
            text_align="LEFT",
            line_height=4.5,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            padding=1,
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label, style=BOLD)
                row.cell(clean(value) or "—")
        self.ln(1)

    def paragraph(self, text: str, *, indent: float = 0, size: float = 9, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, clean(text) or "—", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
