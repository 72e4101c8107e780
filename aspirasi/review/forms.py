"""The review's GET form: the period picker (month, semester, year, custom days) and the filters.
A field left out takes today's default, so the bare page shows the current month."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import Channel, CustomerType, Privacy
from aspirasi.cases.models import Category
from aspirasi.sop.models import SopRevision

from . import period as periods
from .scope import Filters

FIRST_YEAR = 2000
# A custom period longer than this makes a trend nobody reads on one page.
MAX_CUSTOM_DAYS = 5 * 366

PERIOD_KINDS = [
    (periods.MONTH, _("Month")),
    (periods.SEMESTER, _("Semester")),
    (periods.YEAR, _("Year")),
    (periods.CUSTOM, _("Custom days")),
]
FILTER_FIELDS = ("category", "channel", "customer_type", "privacy", "revision")
HALVES = [(1, _("Semester 1 (January–June)")), (2, _("Semester 2 (July–December)"))]


class RevisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: SopRevision) -> str:
        return str(obj.number)


class ReviewForm(forms.Form):
    period = forms.ChoiceField(label=_("Kind of period"), choices=PERIOD_KINDS)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=list(MONTHS.items()), coerce=int, required=False
    )
    half = forms.TypedChoiceField(label=_("Semester"), choices=HALVES, coerce=int, required=False)
    start = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("order", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("Any category"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    customer_type = forms.ChoiceField(
        label=_("Customer type"),
        choices=[("", _("Any customer")), *CustomerType.choices],
        required=False,
    )
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=[("", _("Any privacy level")), *Privacy.choices],
        required=False,
    )
    revision = RevisionChoice(
        label=capfirst(_("SOP revision")),
        queryset=SopRevision.objects.filter(state=SopRevision.State.APPROVED)
        .defer("source")
        .order_by("number"),
        to_field_name="number",
        required=False,
        empty_label=_("Every revision"),
    )

    def __init__(self, data, *, today: dt.date):
        super().__init__(data)
        self.today = today

    @classmethod
    def from_query(cls, query, today: dt.date) -> ReviewForm:
        """The form bound to the query, with today's month for what the query leaves out."""
        defaults = {
            "period": periods.MONTH,
            "year": str(today.year),
            "month": str(today.month),
            "half": "1" if today.month <= 6 else "2",
        }
        return cls({**defaults, **{k: v for k, v in query.items() if v}}, today=today)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.today.year + 1:
            raise forms.ValidationError(_("Choose a year up to next year."))
        return year

    def clean(self):
        data = super().clean()
        kind, year = data.get("period"), data.get("year")
        if kind is None or (year is None and kind != periods.CUSTOM):
            return data
        try:
            data["the_period"] = self._period(kind, year, data)
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data

    def _period(self, kind: str, year: int | None, data: dict) -> periods.Period:
        if kind == periods.MONTH:
            return periods.month(year, data.get("month") or 1)
        if kind == periods.SEMESTER:
            return periods.semester(year, data.get("half") or 1)
        if kind == periods.YEAR:
            return periods.year(year)
        first, last = data.get("start"), data.get("end")
        if first is None or last is None:
            raise forms.ValidationError(_("A custom period needs its first and last day."))
        if last < first:
            raise forms.ValidationError(_("The last day is before the first day."))
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise forms.ValidationError(_("A custom period covers at most five years."))
        return periods.custom(first, last)

    def chosen_period(self) -> periods.Period:
        return self.cleaned_data["the_period"]

    @property
    def filters_asked(self) -> bool:
        return any(self.data.get(name) for name in FILTER_FIELDS)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            category=data.get("category"),
            channel=data.get("channel") or "",
            customer_type=data.get("customer_type") or "",
            privacy=data.get("privacy") or "",
            revision=data.get("revision"),
        )
