from django import forms
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from aspirasi.attachments import services as attachments
from aspirasi.attachments.content import Refused
from aspirasi.cases.choices import CustomerType, Privacy
from aspirasi.cases.clarifications import MAX_CLARIFICATION
from aspirasi.cases.models import Category

MAX_BODY = 10_000
MAX_OUTCOME = 2_000
IDENTITY_FIELDS = (
    "customer_name",
    "customer_type",
    "customer_number",
    "customer_email",
    "customer_phone",
)
# What the file picker offers; the server decides by content all the same.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


phone_validator = RegexValidator(
    r"^[0-9+()\-.\s]{6,30}$", _("Write a phone number with digits only, e.g. 0812 3456 7890.")
)
number_validator = RegexValidator(
    r"^[0-9A-Za-z./\-\s]{3,30}$", _("Write the number as it is on your card.")
)


class AspirationForm(forms.Form):
    """The web version of form FO-UNMUL-FT-PM-7.2.01/L01."""

    # The form's one-time key (aspirasi/web/once.py): sent twice, it makes one case.
    once = forms.CharField(widget=forms.HiddenInput, required=False)

    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=Privacy.choices,
        initial=Privacy.NORMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Normal: the officials see who you are. "
            "Confidential: your identity is seen only by the officials handling it. "
            "Anonymous: no identity is stored at all; keep your tracking link, it is the only way "
            "back to your case."
        ),
    )
    customer_name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    customer_type = forms.ChoiceField(
        label=_("You are"), choices=[("", "—")] + CustomerType.choices, required=False
    )
    customer_number = forms.CharField(
        label=_("Student or staff number (NIM/NIP)"),
        max_length=30,
        required=False,
        validators=[number_validator],
        help_text=_("For students, lecturers and staff."),
    )
    customer_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    customer_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Your aspiration"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most %(n)s characters.") % {"n": f"{MAX_BODY:,}".replace(",", ".")},
    )
    desired_outcome = forms.CharField(
        label=_("What outcome do you hope for?"),
        max_length=MAX_OUTCOME,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    public_consent = forms.BooleanField(
        label=_("Once answered, a summary may be shown, without my identity, on the public board"),
        required=False,
    )
    # The honeypot: hidden from people (and screen readers), filled in by form-filling robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_attachments: list[attachments.Prepared] = []
        self.fields["attachments"].help_text = _(
            "Up to %(n)d files of at most %(size)s each: PDF, JPG, PNG, DOCX or XLSX "
            "(anonymous: PDF, JPG or PNG only). Hidden details such as a photo's location "
            "or a document's author are removed before the file is kept."
        ) % {"n": attachments.max_files(), "size": filesizeformat(attachments.max_bytes())}
        # For form.js, which warns before a phone uploads megabytes that would be refused.
        self.fields["attachments"].widget.attrs.update(
            {
                "data-max-files": attachments.max_files(),
                "data-max-bytes": attachments.max_bytes(),
                "data-too-many": _("Choose at most %(n)d files.") % {"n": attachments.max_files()},
                "data-too-large": _("%(name)s is larger than %(limit)s.")
                % {"name": "{name}", "limit": filesizeformat(attachments.max_bytes())},
            }
        )

    @property
    def identity_fields(self):
        return [self[name] for name in IDENTITY_FIELDS]

    @property
    def aspiration_fields(self):
        return [self[name] for name in ("category", "subject", "body", "desired_outcome")]

    @property
    def caught_in_honeypot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean(self):
        data = super().clean()
        if self.caught_in_honeypot:
            raise forms.ValidationError(
                _("Leave the field “Leave this field empty” empty, then send again."),
                code="honeypot",
            )
        privacy = data.get("privacy")
        if privacy == Privacy.ANONYMOUS:
            # Whatever was typed about the sender is dropped here already; intake drops it too.
            for name in IDENTITY_FIELDS:
                data[name] = ""
                self.errors.pop(name, None)
        elif privacy:
            if not data.get("customer_name", "").strip() and "customer_name" not in self.errors:
                self.add_error("customer_name", _("Write your name, or choose Anonymous."))
            if not (data.get("customer_email") or data.get("customer_phone", "").strip()) and not (
                {"customer_email", "customer_phone"} & set(self.errors)
            ):
                self.add_error(
                    "customer_email", _("Give an e-mail address or a phone number to reach you.")
                )
        files = data.get("attachments") or []
        if files and privacy:
            try:
                self.prepared_attachments = attachments.prepare(files, privacy=privacy)
            except Refused as exc:
                self.add_error("attachments", exc.message)
        return data

    def aspiration_data(self) -> dict:
        """The cleaned fields intake takes (not the files, not the honeypot)."""
        skip = {"attachments", "website", "once"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    @property
    def files_were_sent(self) -> bool:
        return bool(self.files.getlist("attachments")) if self.is_bound else False


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("The e-mail address you gave with your aspiration"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ClarificationForm(forms.Form):
    # The form's one-time key (aspirasi/web/once.py): sent twice, it adds one clarification.
    once = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Add a clarification"),
        max_length=MAX_CLARIFICATION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("It reaches the official who holds your case now."),
    )


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("What do you still need?"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A follow-up opens a new case, linked to this one."),
    )
