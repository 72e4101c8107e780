from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_NOTE


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by officials; never shown or sent to the customer."),
    )
