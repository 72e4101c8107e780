from django import forms
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import Aspiration

from .elements import ELEMENTS
from .models import SurveyResponse

MAX_COMMENT = 2_000
PROFILE_FIELDS = ("age", "sex", "education", "occupation")


class SurveyForm(forms.Form):
    """The nine elements, a comment, and (except on an anonymous case) an optional profile."""

    comment = forms.CharField(
        label=_("Comment or suggestion (optional)"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, case: Aspiration, **kwargs):
        kwargs.setdefault("prefix", "survey")
        super().__init__(*args, **kwargs)
        self.case = case
        for element in ELEMENTS:
            self.fields[element.field] = forms.TypedChoiceField(
                label=f"{element.number}. {element.name}",
                choices=[(n, f"{n} – {text}") for n, text in enumerate(element.answers, 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the four answers.")},
            )
        if case.privacy != Privacy.ANONYMOUS:
            self.fields["age"] = forms.IntegerField(
                label=_("Age (optional)"), min_value=10, max_value=110, required=False
            )
            self.fields["sex"] = forms.ChoiceField(
                label=_("Sex (optional)"),
                choices=[("", "—")] + SurveyResponse.Sex.choices,
                required=False,
            )
            self.fields["education"] = forms.ChoiceField(
                label=_("Education (optional)"),
                choices=[("", "—")] + SurveyResponse.Education.choices,
                required=False,
            )
            self.fields["occupation"] = forms.ChoiceField(
                label=_("Occupation (optional)"),
                choices=[("", "—")] + SurveyResponse.Occupation.choices,
                required=False,
            )
        # The comment after the nine elements, the profile last.
        order = [e.field for e in ELEMENTS] + ["comment"] + list(PROFILE_FIELDS)
        self.order_fields(order)

    @property
    def element_rows(self):
        """(element, bound field) per element: the question is shown in the group's legend."""
        return [(e, self[e.field]) for e in ELEMENTS]

    @property
    def profile_fields(self):
        return [self[name] for name in PROFILE_FIELDS if name in self.fields]

    def answers(self) -> dict[str, int]:
        return {e.field: self.cleaned_data[e.field] for e in ELEMENTS}

    def profile(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS if name in self.fields}
