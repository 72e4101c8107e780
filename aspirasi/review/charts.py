"""Simple bar charts, drawn as inline SVG on the server: no script, no style attribute (the
content security policy forbids inline styles; SVG geometry attributes are markup, and the
colours come from classes in site.css). Each chart stands beside the table of its figures,
which is what a screen reader reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

WIDTH = 320  # viewBox units; the chart scales to its box, 360 px screens included
BAR_SPACE = 240  # the longest bar, leaving room for its value at the end
ROW = 30  # a label line and a bar under it, so long labels never squeeze the bars
BAR_HEIGHT = 12


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as written beside the bar
    width: int
    label_y: int
    bar_y: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int


def bar_chart(
    items: Iterable[tuple[str, int | Decimal | None, str]], *, maximum: int | Decimal | None = None
) -> BarChart:
    """Bars for (label, value, text); `maximum` is the value of a full bar (100 for shares),
    by default the largest value. A missing value draws no bar."""
    items = list(items)
    top = maximum or max((value or 0 for _label, value, _text in items), default=0) or 1
    bars = []
    for index, (label, value, text) in enumerate(items):
        width = round(BAR_SPACE * Decimal(value or 0) / Decimal(top))
        top_y = index * ROW
        bars.append(
            Bar(
                label=label,
                text=text,
                width=width,
                label_y=top_y + 11,
                bar_y=top_y + 15,
                text_x=width + 4,
                text_y=top_y + 15 + BAR_HEIGHT - 2,
            )
        )
    return BarChart(bars, WIDTH, max(ROW * len(bars), ROW))


def percent_text(value: Decimal | None) -> str:
    """A share in percent to one decimal, in the reader's number format; "—" for none."""
    return "—" if value is None else f"{number_format(value, 1)}%"


def counts(rows: Iterable[tuple[str, int]]) -> BarChart:
    return bar_chart((label, n, str(n)) for label, n in rows)


def shares(rows: Iterable[tuple[str, Decimal | None]]) -> BarChart:
    return bar_chart(((label, p, percent_text(p)) for label, p in rows), maximum=100)
