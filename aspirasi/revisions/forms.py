from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aspirasi.sop.definition import Sop, Step

from .services import MAX_SOURCE, STEP_TEXT_FIELDS, StepChange

TEXT_LABELS = {
    "label_id": _("Short label (Indonesian)"),
    "label_en": _("Short label (English)"),
    "activity_id": _("Activity (Indonesian)"),
    "activity_en": _("Activity (English)"),
    "needs_id": _("Completeness (Indonesian)"),
    "needs_en": _("Completeness (English)"),
    "output_id": _("Output (Indonesian)"),
    "output_en": _("Output (English)"),
}


class StepForm(forms.Form):
    """One step of a draft: its texts, time standard and actor (the role whose officials do
    it). Structural changes (a step or action added or removed) are imported as a file."""

    def __init__(self, *args, step: Step, sop: Sop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"] = forms.ChoiceField(
            label=_("Done by (role)"),
            choices=[(r.code, r.name) for r in sop.roles.values()],
            initial=step.actor,
        )
        self.fields["time"] = forms.CharField(
            label=_("Time standard"),
            max_length=30,
            initial=step.time.text,
            help_text=_(
                "As the SOP writes it: “10 menit”, “2 jam”, “1 hari” (working days of the "
                "faculty calendar) or “disesuaikan” (no limit)."
            ),
        )
        for field in STEP_TEXT_FIELDS:
            long = field.startswith(("activity", "needs"))
            self.fields[field] = forms.CharField(
                label=TEXT_LABELS[field],
                max_length=1000,
                initial=getattr(step, field),
                widget=forms.Textarea(attrs={"rows": 2}) if long else forms.TextInput(),
            )

    def change(self) -> StepChange:
        data = self.cleaned_data
        return StepChange(
            texts={field: data[field] for field in STEP_TEXT_FIELDS},
            time=data["time"].strip(),
            actor=data["actor"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Definition file (TOML)"),
        help_text=_(
            "For structural changes (a step or an action added or removed): download the "
            "definition in force, change it, and import it here as a new draft."
        ),
    )
    summary = forms.CharField(
        label=_("Summary of the change"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SOURCE * 4:
            raise forms.ValidationError(_("The file is too large for a definition."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(forms.Form):
    effective_on = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Cases that arrive from this day follow the new revision; every case already "
            "open keeps its own."
        ),
    )
    summary = forms.CharField(
        label=_("Summary of the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()
        if draft is not None:
            self.fields["summary"].initial = draft.summary
