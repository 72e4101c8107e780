from django import forms
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import CustomerType, Privacy
from aspirasi.cases.models import Category


class AspirationForm(forms.Form):
    """The web version of form FO-UNMUL-FT-PM-7.2.01/L01."""

    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=Privacy.choices,
        initial=Privacy.NORMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Confidential: your identity is seen only by the officials handling it. "
            "Anonymous: no identity is stored; keep your tracking link."
        ),
    )
    customer_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    customer_type = forms.ChoiceField(
        label=_("You are"), choices=[("", "—")] + CustomerType.choices, required=False
    )
    customer_number = forms.CharField(
        label=_("Student or staff number (NIM/NIP)"), max_length=30, required=False
    )
    customer_email = forms.EmailField(label=_("E-mail"), required=False)
    customer_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your aspiration"), max_length=10_000, widget=forms.Textarea)
    desired_outcome = forms.CharField(
        label=_("What outcome do you hope for?"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public_consent = forms.BooleanField(
        label=_("The answer may be shown, without my identity, on the public board"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("privacy") != Privacy.ANONYMOUS:
            if not data.get("customer_name", "").strip():
                self.add_error("customer_name", _("Write your name, or choose Anonymous."))
            if not (data.get("customer_email") or data.get("customer_phone", "").strip()):
                self.add_error(
                    "customer_email", _("Give an e-mail address or a phone number to reach you.")
                )
        return data


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
