"""Form pieces more than one web app uses."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class PersonField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        User = get_user_model()
        queryset = User.objects.filter(is_active=True).order_by("first_name", "username")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class TrackLookupForm(forms.Form):
    # No server-side length limit: an over-long code or key must get the same "no such case"
    # answer as any other wrong pair, not a message of its own (the browser still limits them).
    code = forms.CharField(
        label=_("Tracking code"), widget=forms.TextInput(attrs={"maxlength": 20})
    )
    secret = forms.CharField(
        label=_("Secret key from your link"),
        widget=forms.TextInput(attrs={"maxlength": 64, "autocomplete": "off"}),
    )


def show_refusal(form: forms.Form, refusal) -> None:
    """Put an engine's refusal (ActionRefused: `errors` by field, and `message`) on the form:
    each error at its field where the form has one, else at the top; the message at the top
    when there is nothing more precise."""
    for field, message in refusal.errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not refusal.errors:
        form.add_error(None, refusal.message)
