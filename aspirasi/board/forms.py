from django import forms
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Category

from .models import MAX_PUBLIC_ANSWER, MAX_SUMMARY


class BoardEntryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the board"),
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In your own words, with no name, number or other detail of the customer."),
    )
    public_answer = forms.CharField(
        label=_("Answer for the board"),
        max_length=MAX_PUBLIC_ANSWER,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The answer as anyone may read it; leave out whatever points at a person."),
    )
    published = forms.BooleanField(
        label=_("Show on the public board"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "board")
        super().__init__(*args, **kwargs)


class BoardSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kategori = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("All categories"),
        to_field_name="code",
    )
