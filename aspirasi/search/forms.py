"""The filter and search form of the inbox and of the search page (a GET form)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import Channel, CustomerType, Privacy, Status
from aspirasi.cases.models import Category
from aspirasi.officials.models import Acting, Holding
from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import approved_revisions, current_sop, sop_of_revision

from .query import CaseFilter
from .widgets import QuickSelect

MAX_QUERY = 200


def _step_choices() -> list[tuple[str, str]]:
    return [("", _("Any step"))] + [
        (s.key, f"{s.number}. {s.label}") for s in current_sop().case_steps()
    ]


def _revision_choices() -> list[tuple[str, str]]:
    numbers = SopRevision.objects.filter(state=SopRevision.State.APPROVED).order_by("number")
    return BLANK_CHOICE_DASH + [(str(n), str(n)) for n in numbers.values_list("number", flat=True)]


def _ending_choices() -> list[tuple[str, str]]:
    """The paths and the closures outside the flow of every revision, in the newest's words."""
    endings: dict[str, str] = {}
    for pk in reversed(approved_revisions()):
        sop = sop_of_revision(pk)
        for code, ending in [*sop.paths.items(), *sop.closures.items()]:
            endings.setdefault(code, ending.label)
    return BLANK_CHOICE_DASH + list(endings.items())


def _trail_step_choices() -> list[tuple[str, str]]:
    """The steps of every revision by their key, in the newest's words and order: a case's
    trail may hold a step that the revision in force no longer has."""
    steps: dict[str, str] = {}
    for pk in reversed(approved_revisions()):
        for step in sop_of_revision(pk).case_steps():
            steps.setdefault(step.key, f"{step.number}. {step.label}")
    return [("", _("Any step"))] + list(steps.items())


def _position_choices() -> list[tuple[str, str]]:
    positions: dict[str, str] = {}
    for pk in reversed(approved_revisions()):
        for code, position in sop_of_revision(pk).positions.items():
            positions.setdefault(code, position.name)
    return [("", _("Any position"))] + list(positions.items())


def _officials():
    """Everyone who holds or held a position, or acted for one (a Plh)."""
    user = OuterRef("pk")
    return (
        get_user_model()
        .objects.filter(
            Exists(Holding.objects.filter(user=user)) | Exists(Acting.objects.filter(user=user))
        )
        .order_by("first_name", "last_name", "username")
    )


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_QUERY,
        required=False,
        help_text=_(
            "Words from the subject, aspiration, supporting information or responses; "
            "other forms of a word are found too (perbaikan finds diperbaiki)."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    step = forms.TypedChoiceField(
        label=_("Step"),
        choices=_step_choices,
        required=False,
        empty_value=None,
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Any category"),
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Any channel"))] + Channel.choices,
        required=False,
        widget=QuickSelect,
    )
    customer_type = forms.ChoiceField(
        label=_("Customer type"),
        choices=[("", _("Any customer"))] + CustomerType.choices,
        required=False,
        widget=QuickSelect,
    )
    arrived_from = forms.DateField(
        label=_("Arrived from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrived_to = forms.DateField(
        label=_("Arrived until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("arrived_from"), data.get("arrived_to")
        if start and end and end < start:
            self.add_error("arrived_to", _("The end of the range is before its start."))
        return data

    @property
    def is_filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def case_filter(self) -> CaseFilter:
        """What the valid fields ask; a field with an error asks nothing (its error is shown)."""
        self.is_valid()
        data = self.cleaned_data
        return CaseFilter(
            text=data.get("q") or "",
            step=data.get("step"),
            category=data.get("category"),
            channel=data.get("channel") or "",
            customer_type=data.get("customer_type") or "",
            arrived_from=data.get("arrived_from"),
            arrived_to=data.get("arrived_to"),
            status=data.get("status") or "",
            privacy=data.get("privacy") or "",
            revision=data.get("revision"),
            closure=data.get("closure") or "",
            overdue=bool(data.get("overdue")),
            trail_step=data.get("trail_step"),
            official=official.pk if (official := data.get("official")) else None,
            position=data.get("position") or "",
            done_from=data.get("done_from"),
            done_to=data.get("done_to"),
            late=bool(data.get("late")),
        )


class CaseSearchForm(CaseFilterForm):
    """The search page reads every case, so it can also ask for open or closed ones."""

    status = forms.ChoiceField(
        label=_("State"), choices=[("", _("Open or closed"))] + Status.choices, required=False
    )
    # What the management review's figures link to (aspirasi/review), with labels the
    # catalogue already has.
    privacy = forms.ChoiceField(
        label=_("Privacy"), choices=BLANK_CHOICE_DASH + Privacy.choices, required=False
    )
    revision = forms.TypedChoiceField(
        label=capfirst(_("SOP revision")),
        choices=_revision_choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    closure = forms.ChoiceField(label=_("Closed"), choices=_ending_choices, required=False)
    overdue = forms.BooleanField(label=capfirst(_("overdue")), required=False)
    # A step in the case's trail, wherever the case is now: these fields all describe one and
    # the same step record (aspirasi.search.query.CaseFilter.trail_record).
    trail_step = forms.TypedChoiceField(
        label=_("Step done"),
        choices=_trail_step_choices,
        required=False,
        empty_value=None,
        help_text=_(
            "A step done on the case, wherever the case is now. The fields from here to "
            "“Beyond standard” all describe one and the same step."
        ),
        widget=QuickSelect,
    )
    official = OfficialChoiceField(
        label=_("Done by"),
        queryset=_officials(),
        required=False,
        empty_label=_("Any official"),
        widget=QuickSelect,
    )
    position = forms.ChoiceField(
        label=_("Done as"),
        choices=_position_choices,
        required=False,
        help_text=_("The position the step was done in (for a Plh: the position acted for)."),
        widget=QuickSelect,
    )
    done_from = forms.DateField(
        label=_("Finished from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    done_to = forms.DateField(
        label=_("Finished until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    late = forms.BooleanField(
        label=_("Beyond standard"),
        required=False,
        help_text=_(
            "Finished after its time standard had passed; a step whose standard is "
            "“as needed” never is."
        ),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("done_from"), data.get("done_to")
        if start and end and end < start:
            self.add_error("done_to", _("The end of the range is before its start."))
        return data
