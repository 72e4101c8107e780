"""One form per open action, built from what the SOP says the action requires."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aspirasi.attachments import services as attachments
from aspirasi.attachments.content import Refused
from aspirasi.cases.choices import (
    SELF_SERVICE_CHANNELS,
    Channel,
    CustomerType,
    Delivery,
    Privacy,
)
from aspirasi.cases.engine import MAX_TEXT, OpenAction, vice_dean_choices
from aspirasi.cases.models import Aspiration, Category


class ActionForm(forms.Form):
    # The version of the case the official saw; a move from a stale page is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, action: OpenAction, case: Aspiration, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.case = case
        self.prefix = action.name
        needs = action.requires
        definition = action.definition
        self.fields["version"].initial = case.version
        # The step whose response a file given here goes with (issue 5, item 2), if any.
        self.file_response_step: int | None = None
        self.prepared_file: list[attachments.Prepared] = []
        if "response" in needs:
            self.fields["text"] = forms.CharField(
                label=_("Response"), max_length=MAX_TEXT, widget=forms.Textarea
            )
            self.file_response_step = action.step.number
        elif "supporting_info" in needs:
            self.fields["text"] = forms.CharField(
                label=_("Supporting information"), max_length=MAX_TEXT, widget=forms.Textarea
            )
        elif getattr(definition, "publishes_response", False) and getattr(
            definition, "uses_response_of", None
        ):
            draft = case.responses.filter(step=definition.uses_response_of).last()
            if draft and draft.position == case.current_position:
                self.fields["text"] = forms.CharField(
                    label=_("Response (you may polish the draft)"),
                    max_length=MAX_TEXT,
                    required=False,
                    initial=draft.text,
                    widget=forms.Textarea,
                )
                # The desk that drafted it may add the signed letter as it sends it.
                self.file_response_step = definition.uses_response_of
        if self.file_response_step is not None:
            self.fields["response_file"] = forms.FileField(
                label=_("File with the response"),
                required=False,
                help_text=_(
                    "Optional, for example the signed letter: PDF, JPG or PNG of at most "
                    "%(size)s. The customer can download it once the response is sent to them."
                )
                % {"size": filesizeformat(attachments.max_bytes())},
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
            )
        kind = getattr(definition, "kind", None)
        if getattr(definition, "publishes_response", False):
            self.fields["delivered_via"] = forms.ChoiceField(
                label=_("How the response reaches the customer"),
                choices=Delivery.choices,
                initial=Delivery.EMAIL if case.customer_email else Delivery.TRACKING_PAGE,
                # Left out, the engine records the default shown here.
                required=False,
            )
        if kind == "deferral":
            self.fields["holding_message"] = forms.CharField(
                label=_("Holding message to the customer (optional)"),
                help_text=_(
                    "For example: “Your question needs data from the study programme; "
                    "we will answer within three working days.”"
                ),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if "reason" in needs:
            # An escalation's reason is the report the next desk responds on (decision 13).
            label = _("Report for the next desk") if kind == "escalation" else _("Reason")
            self.fields["reason"] = forms.CharField(
                label=label, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
            )
        if "route" in needs:
            self.fields["route"] = forms.ChoiceField(
                label=_("Vice dean"),
                choices=vice_dean_choices(case.sop),
                initial=case.category.suggested_position or None,
            )
        if "duplicate_of" in needs:
            self.fields["duplicate_of"] = forms.CharField(
                label=_("Tracking code of the original case"), max_length=20
            )
        if kind == "batch_report":
            self.fields["text"] = forms.CharField(
                label=_("Report summary"),
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean_response_file(self):
        upload = self.cleaned_data.get("response_file")
        if upload:
            # A document anyone can open, cleaned of its metadata like a customer's file.
            try:
                self.prepared_file = attachments.prepare(
                    [upload], privacy=self.case.privacy, kinds=attachments.SCAN_KINDS
                )
            except Refused as exc:
                raise forms.ValidationError(exc.message) from None
        return upload


class ManualIntakeForm(forms.Form):
    """Step 2 for aspirations that came on paper, by phone, in person or through other media."""

    # The form's one-time key (aspirasi/web/once.py): sent twice, it enters one case.
    once = forms.CharField(widget=forms.HiddenInput, required=False)

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] not in SELF_SERVICE_CHANNELS],
    )
    arrived_at = forms.DateTimeField(
        label=_("When it really arrived"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    privacy = forms.ChoiceField(label=_("Privacy"), choices=Privacy.choices)
    customer_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    customer_type = forms.ChoiceField(
        label=_("Customer type"), choices=[("", "—")] + CustomerType.choices, required=False
    )
    customer_number = forms.CharField(label=_("NIM/NIP"), max_length=30, required=False)
    customer_email = forms.EmailField(label=_("E-mail"), required=False)
    customer_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Aspiration"), max_length=10_000, widget=forms.Textarea)
    desired_outcome = forms.CharField(
        label=_("Hoped-for outcome"), max_length=2_000, required=False, widget=forms.Textarea
    )
    # Checked and cleaned as the public form's attachments are, kept as the case's file.
    paper_scan = forms.FileField(
        label=_("Scan of the paper form"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_scan: list[attachments.Prepared] = []
        self.fields["paper_scan"].help_text = _(
            "For an aspiration that came on paper: PDF, JPG or PNG of at most %(size)s. Hidden "
            "details such as a scanner's or a photo's are removed before the file is kept."
        ) % {"size": filesizeformat(attachments.max_bytes())}

    def clean_arrived_at(self):
        value = self.cleaned_data["arrived_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("The arrival time cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        scan = data.get("paper_scan")
        privacy = data.get("privacy")
        if scan and privacy:
            try:
                self.prepared_scan = attachments.prepare(
                    [scan], privacy=privacy, kinds=attachments.SCAN_KINDS
                )
            except Refused as exc:
                self.add_error("paper_scan", exc.message)
        return data

    def aspiration_data(self) -> dict:
        """The cleaned fields intake takes (not the scan)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("paper_scan", "once")}

    @property
    def scan_was_sent(self) -> bool:
        return bool(self.files.get("paper_scan")) if self.is_bound else False
