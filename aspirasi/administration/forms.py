"""The office screens' forms. Field rules live in services.py (accounts.py for accounts); the
forms only ask them and put each complaint beside its field."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Category
from aspirasi.clock.models import CalendarDay
from aspirasi.officials.models import Holding, LanguagePreference, position_choices
from aspirasi.web.forms import PersonField

from . import accounts, services


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=_date_widget(), **kwargs)


class RuleForm(forms.Form):
    """A form whose clean() asks a rule of services.py for a dict of field -> message."""

    def add_rule_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


def _title_field() -> forms.CharField:
    return forms.CharField(
        label=_("title as printed"),
        max_length=200,
        required=False,
        help_text=_("e.g. full name with degrees"),
    )


class AppointForm(RuleForm):
    user = PersonField(label=_("official"))
    position = forms.ChoiceField(label=_("position"))
    title = _title_field()
    starts_on = _date_field(_("from"))

    def __init__(self, *args, actor=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [("", "—"), *position_choices()]
        self.fields["starts_on"].initial = services.today()

    def clean(self):
        data = super().clean()
        user, position, starts_on = data.get("user"), data.get("position"), data.get("starts_on")
        self.add_rule_errors(services.check_not_self(self.actor, user))
        self.add_rule_errors(services.check_holding(user, position, starts_on, None))
        return data


class HoldingCorrectionForm(RuleForm):
    """Correct a holding's printed title or dates (a typing mistake, a backdated decree)."""

    title = _title_field()
    starts_on = _date_field(_("from"))
    ends_on = _date_field(
        _("until"),
        required=False,
        help_text=_("The last day in the position; empty while it lasts."),
    )

    def __init__(self, *args, holding: Holding, actor=None, **kwargs):
        self.holding, self.actor = holding, actor
        kwargs.setdefault(
            "initial",
            {"title": holding.title, "starts_on": holding.starts_on, "ends_on": holding.ends_on},
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self.add_rule_errors(services.check_not_self(self.actor, self.holding.user))
        self.add_rule_errors(
            services.check_holding(
                self.holding.user,
                self.holding.position,
                data.get("starts_on"),
                data.get("ends_on"),
                exclude_pk=self.holding.pk,
            )
        )
        return data


class EndHoldingForm(RuleForm):
    leaves_on = _date_field(
        _("leaves the position on"),
        help_text=_(
            "From this day on the position's cases no longer show in their inbox. "
            "Today takes effect at once."
        ),
    )

    def __init__(self, *args, holding: Holding, **kwargs):
        self.holding = holding
        super().__init__(*args, **kwargs)
        self.fields["leaves_on"].initial = services.today()

    def clean(self):
        data = super().clean()
        if data.get("leaves_on"):
            self.add_rule_errors(services.check_leaving(self.holding, data["leaves_on"]))
        return data


class HandOverForm(RuleForm):
    successor = PersonField(label=_("new holder"))
    from_date = _date_field(
        _("from"),
        help_text=_(
            "From this day the new holder sees and handles the position's waiting cases; "
            "the previous holder's last day is the day before."
        ),
    )
    title = _title_field()

    def __init__(self, *args, holding: Holding, actor=None, **kwargs):
        self.holding, self.actor = holding, actor
        super().__init__(*args, **kwargs)
        self.fields["from_date"].initial = services.today()

    def clean(self):
        data = super().clean()
        if data.get("from_date") and data.get("successor"):
            self.add_rule_errors(
                services.check_hand_over(
                    self.holding, data["successor"], data["from_date"], self.actor
                )
            )
        return data


class ActingForm(RuleForm):
    user = PersonField(label=_("acting official (Plh)"))
    position = forms.ChoiceField(label=_("acts for position"))
    starts_on = _date_field(_("from"))
    ends_on = _date_field(_("until"), help_text=_("The last day of acting, inclusive."))
    note = forms.CharField(
        label=_("note"),
        max_length=200,
        required=False,
        help_text=_("e.g. the number of the assignment letter, or why the holder is away"),
    )

    def __init__(self, *args, actor=None, acting=None, **kwargs):
        self.actor, self.acting = actor, acting
        if acting is not None:
            kwargs.setdefault(
                "initial",
                {
                    "user": acting.user_id,
                    "position": acting.position,
                    "starts_on": acting.starts_on,
                    "ends_on": acting.ends_on,
                    "note": acting.note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [("", "—"), *position_choices()]

    def clean(self):
        data = super().clean()
        self.add_rule_errors(
            services.check_acting(
                data.get("user"),
                data.get("position"),
                data.get("starts_on"),
                data.get("ends_on"),
                exclude_pk=self.acting.pk if self.acting else None,
                actor=self.actor,
            )
        )
        return data


class CategoryForm(forms.ModelForm):
    suggested_position = forms.ChoiceField(
        label=_("suggested vice dean"),
        required=False,
        help_text=_("Offered first when the Kabag TU forwards a case of this category."),
    )

    class Meta:
        model = Category
        fields = ["code", "name_id", "name_en", "suggested_position", "order", "active"]
        help_texts = {
            "code": _("Short fixed name in lower case, e.g. akademik; cannot change later."),
            "active": _("Only active categories are offered to customers and at the desk."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_position"].choices = [("", "—"), *services.suggestion_choices()]
        self.fields["order"].label = _("order")
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean_suggested_position(self) -> str:
        code = self.cleaned_data.get("suggested_position") or ""
        errors = services.check_suggestion(code)
        if errors:
            raise forms.ValidationError(errors["suggested_position"])
        return code


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "note"]
        widgets = {"date": _date_widget(), "kind": forms.RadioSelect}
        help_texts = {
            "kind": _(
                "A day off the faculty adds (e.g. cuti bersama not yet announced, a dies natalis), "
                "or a day it works although the national calendar says otherwise."
            ),
        }

    def clean(self):
        data = super().clean()
        errors = services.check_calendar_day(
            data.get("date"), data.get("kind"), exclude_pk=self.instance.pk
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return data


class LanguagePreferenceForm(forms.ModelForm):
    """The language an official's own e-mails are written in."""

    class Meta:
        model = LanguagePreference
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}


class AccountForm(RuleForm):
    """A new account. Its rules (a user name and an address no other account has, the
    password validators) are in accounts.py."""

    LINK, PASSWORD = "link", "password"

    name = forms.CharField(label=_("full name"), max_length=150)
    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        help_text=_("Used to sign in; letters, digits and . _ - only. Cannot change later."),
    )
    email = forms.EmailField(
        label=_("e-mail address"),
        help_text=_("Cases, warnings and password links are sent here."),
    )
    password_choice = forms.ChoiceField(
        label=_("password"),
        widget=forms.RadioSelect,
        initial=LINK,
        choices=[
            (LINK, _("E-mail the official a link to choose their own password")),
            (PASSWORD, _("Type an initial password and tell it to the official")),
        ],
    )
    password = forms.CharField(
        label=_("initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Only with an initial password; the official changes it under “My account”."),
    )

    def clean_username(self) -> str:
        # Sign-in names are kept in lower case: the same name however it is typed.
        return self.cleaned_data["username"].strip().lower()

    def clean_email(self) -> str:
        return get_user_model().objects.normalize_email(self.cleaned_data["email"].strip())

    def clean(self):
        data = super().clean()
        self.add_rule_errors(
            accounts.check_new_account(data.get("username", ""), data.get("email", ""))
        )
        if data.get("password_choice") == self.PASSWORD:
            self._check_password(data)
        else:
            data["password"] = ""
        return data

    def _check_password(self, data) -> None:
        if not data.get("password"):
            self.add_error("password", _("Type the initial password, or choose to send a link."))
            return
        self.add_rule_errors(
            accounts.check_password(
                data["password"],
                username=data.get("username", ""),
                name=data.get("name", ""),
                email=data.get("email", ""),
            )
        )


class AccountSwitchForm(RuleForm):
    """Switching an account off or on: no fields, only the rule's answer."""

    def __init__(self, *args, account, actor, active: bool, **kwargs):
        self.account, self.actor, self.active = account, actor, active
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self.add_rule_errors(accounts.check_switch(self.account, self.actor, active=self.active))
        return data
