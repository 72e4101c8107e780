"""The office's rules for accounts: who may sign in, and how an official comes by a password.

Accounts are never deleted: step records, notes and reports name who did what. An official who
leaves is switched off instead (is_active False): Django then refuses their password and their
open sessions at once, and their password links stop working; switched on again, they sign in
as before. Positions are a separate matter (services.py): an account that is switched off keeps
its holdings until they are ended or handed over, and the screens say so.

Nobody types another person's password into an e-mail: an official gets a link to choose their
own (Django's PasswordResetTokenGenerator: it hashes the password and the last sign-in, so it
works once, and it runs out after PASSWORD_RESET_TIMEOUT), sent through the outbox like every
other message, whose body is blanked once delivered.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aspirasi.notifications import compose
from aspirasi.notifications.outbox import enqueue
from aspirasi.officials.models import Acting, Holding

from .services import today

USERNAME_RE = re.compile(r"[a-z0-9._-]+")


@dataclass
class AccountRow:
    user: object
    holdings: list[Holding] = field(default_factory=list)
    actings: list[Acting] = field(default_factory=list)

    @property
    def positions(self) -> list[str]:
        held = [h.get_position_display() for h in self.holdings]
        return held + [
            _("Plh %(position)s") % {"position": a.get_position_display()} for a in self.actings
        ]


def _rows(users) -> list[AccountRow]:
    on = today()
    rows = {user.pk: AccountRow(user) for user in users}
    current = Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    for holding in Holding.objects.filter(current, user__in=list(rows)).order_by("starts_on", "id"):
        rows[holding.user_id].holdings.append(holding)
    actings = Acting.objects.filter(starts_on__lte=on, ends_on__gte=on, user__in=list(rows))
    for acting in actings.order_by("starts_on", "id"):
        rows[acting.user_id].actings.append(acting)
    return list(rows.values())


def accounts_overview() -> list[AccountRow]:
    """Every account, those that may sign in first, each with the positions it holds or acts
    for today."""
    return _rows(get_user_model().objects.order_by("-is_active", "first_name", "username"))


def account_row(user) -> AccountRow:
    return _rows([user])[0]


# ---------------------------------------------------------------------------------------------
# Creating an account


def check_new_account(username: str, email: str) -> dict[str, str]:
    """A user name made to be typed on any keyboard, and a user name and an e-mail address no
    other account has, in any letter case: sign-in counts names in lower case, and a password
    link goes to every account of its address."""
    User = get_user_model()
    errors: dict[str, str] = {}
    if username and not USERNAME_RE.fullmatch(username):
        errors["username"] = _("Use only lower-case letters, digits and . _ - in a user name.")
    elif username and User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("Another account already has this user name.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("Another account already uses this e-mail address.")
    return errors


def check_password(password: str, *, username: str, name: str, email: str) -> dict[str, str]:
    """The project's password validators, with the new account's name and address to compare
    against (a password like the user name is refused)."""
    probe = get_user_model()(username=username, first_name=name, email=email)
    try:
        password_validation.validate_password(password, user=probe)
    except ValidationError as error:
        return {"password": " ".join(error.messages)}
    return {}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_account(*, name: str, username: str, email: str, password: str = ""):
    """A new account, holding no position yet. Without `password` it has none that works until
    the official chooses one through the link e-mailed to them (in the same transaction)."""
    errors = check_new_account(username, email)
    if password:
        errors |= check_password(password, username=username, name=name, email=email)
    _raise(errors)
    user = get_user_model()(username=username, first_name=name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if not password:
        send_password_link(user, new_account=True)
    return user


# ---------------------------------------------------------------------------------------------
# Switching an account off and on


def check_switch(user, actor, *, active: bool) -> dict[str, str]:
    if user.is_active == active:
        if active:
            return {"is_active": _("This account can already sign in.")}
        return {"is_active": _("This account is already switched off.")}
    if not active and actor is not None and user.pk == actor.pk:
        return {
            "is_active": _("You cannot switch off your own account; ask another administrator.")
        }
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        return {"is_active": _("Only the system administrator can change this account.")}
    return {}


@transaction.atomic
def switch(user, *, active: bool, actor=None):
    """Switch the account off (it can no longer sign in; its sessions end) or on again."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _raise(check_switch(user, actor, active=active))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


# ---------------------------------------------------------------------------------------------
# Password links


def send_password_link(user, *, new_account: bool = False):
    """Queue the e-mail with a link to choose a password; None when the account has no address.
    The key is random, never the token: keys and Message-IDs outlive the blanked body."""
    if not user.email:
        return None
    token = default_token_generator.make_token(user)
    outgoing = compose.password_link(user, token, new_account=new_account)
    return enqueue(outgoing, key=f"password:{user.pk}:{secrets.token_hex(8)}")


def accounts_of(email: str) -> list:
    """The accounts that may sign in and use this e-mail address (any letter case)."""
    users = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)
    return list(users.order_by("pk"))


@transaction.atomic
def send_reset_links(email: str) -> int:
    """A forgotten password: a link to every account of the address that may sign in; nothing
    for an unknown or switched-off one (the page says the same in every case)."""
    return sum(1 for user in accounts_of(email) if send_password_link(user))
