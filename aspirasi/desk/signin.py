"""The staff sign-in, slowed down for guessers (these accounts open confidential identities), and
the officials' own passwords: changed on their account page, or chosen again through a link
e-mailed to them when forgotten.

Failed sign-ins count per client address, per user name, and per user name from each address
(the public side's counters, aspirasi/web/ratelimit.py). An address past its own limit is
refused for every name: one address cannot guess many names. A name past its limit is being
guessed at, maybe from many addresses: from then on each address may fail at it only a few
times, and one that has is refused for that name. Refused means the password is not even
checked. An address that has not been guessing still signs in with the right password, so a
stranger who knows an official's user name cannot keep them out.

The link for a forgotten password is asked for by e-mail address; the answer is the same
whether an account uses it or not, and requests are limited per client address and per e-mail
address, so the form can be used neither to find accounts nor to flood an inbox. The rules for
the link itself are in aspirasi/administration/accounts.py.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from aspirasi.administration import accounts
from aspirasi.web import ratelimit
from aspirasi.web.access import requiring

BY_ADDRESS = "signin"
BY_NAME = "signin_user"
BY_NAME_FROM_ADDRESS = "signin_user_address"
RESET_BY_ADDRESS = "password_reset"
RESET_BY_EMAIL = "password_reset_email"

# Anyone signed in, whether or not they hold a position today (a new account, the admin);
# never cached like every other page of the desk.
signed_in_required = requiring(lambda request: True)


def _name(request) -> str:
    return (request.POST.get("username") or "").strip().lower()


def _name_refusal() -> str:
    minutes = ratelimit.window_minutes(BY_NAME_FROM_ADDRESS)
    return ngettext(
        "Too many failed sign-ins to this user name from your connection. Please try again in "
        "%(minutes)d minute, or choose a new password with “Forgot your password?”.",
        "Too many failed sign-ins to this user name from your connection. Please try again in "
        "%(minutes)d minutes, or choose a new password with “Forgot your password?”.",
        minutes,
    ) % {"minutes": minutes}


def sign_in_refusal(request) -> str:
    """Why this attempt is refused unchecked, or "" when its password may be checked."""
    client, name = ratelimit.client_address(request), _name(request)
    if ratelimit.exceeded(BY_ADDRESS, client):
        return ratelimit.refusal(BY_ADDRESS, kept_input=False)
    # The name's own counter only tells that it is being guessed at; what is refused is the
    # address that took part in it, never the name as such.
    guessed_at = name and ratelimit.exceeded(BY_NAME, name)
    if guessed_at and ratelimit.exceeded(BY_NAME_FROM_ADDRESS, ratelimit.ident(name, client)):
        return _name_refusal()
    return ""


def count_failure(request) -> None:
    client, name = ratelimit.client_address(request), _name(request)
    ratelimit.hit(BY_ADDRESS, client)
    if name:
        ratelimit.hit(BY_NAME, name)
        ratelimit.hit(BY_NAME_FROM_ADDRESS, ratelimit.ident(name, client))


class SignInView(auth_views.LoginView):
    template_name = "desk/login.html"

    def post(self, request, *args, **kwargs):
        refusal = sign_in_refusal(request)
        if refusal:
            # The password is not even checked; the name typed stays in the form.
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username")}
            )
            context = self.get_context_data(form=form, refusal=refusal)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        count_failure(self.request)
        return super().form_invalid(form)


# ---------------------------------------------------------------------------------------------
# The official's own account


@require_http_methods(["GET", "HEAD"])
@signed_in_required
def account(request: HttpRequest) -> HttpResponse:
    """My account: who I am here, my positions today, and where to change what is mine."""
    return render(request, "desk/account.html", {"row": accounts.account_row(request.user)})


@method_decorator(signed_in_required, name="dispatch")
class PasswordChange(auth_views.PasswordChangeView):
    """Django's own form: the old password, then the new one twice, through the project's
    validators; the official stays signed in here and is signed out everywhere else."""

    template_name = "desk/password_change.html"
    success_url = reverse_lazy("desk:account")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


# ---------------------------------------------------------------------------------------------
# A forgotten password


class PasswordLinkForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("e-mail address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordLinkForm(request.POST or None)
    if request.method == "POST":
        client = ratelimit.client_address(request)
        if ratelimit.exceeded(RESET_BY_ADDRESS, client):
            context = {"form": form, "refusal": ratelimit.refusal(RESET_BY_ADDRESS)}
            return render(request, "desk/password_reset.html", context, status=429)
        if form.is_valid():
            ratelimit.hit(RESET_BY_ADDRESS, client)
            _send_links(form.cleaned_data["email"])
            return redirect("desk:password_reset_sent")
    status = 400 if form.is_bound else 200
    return render(request, "desk/password_reset.html", {"form": form}, status=status)


def _send_links(email: str) -> None:
    """Past the e-mail address's limit nothing more goes to it, and the page does not say so:
    that would tell whether an account uses it."""
    if not ratelimit.hit(RESET_BY_EMAIL, email.strip().lower()):
        accounts.send_reset_links(email)


@require_http_methods(["GET", "HEAD"])
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    minutes = max(1, settings.PASSWORD_RESET_TIMEOUT // 60)
    return render(request, "desk/password_reset_sent.html", {"minutes": minutes})


class PasswordSet(auth_views.PasswordResetConfirmView):
    """The e-mailed link: Django checks the token (once, until PASSWORD_RESET_TIMEOUT) and moves
    it from the address into the session first, so it does not leak through the Referer."""

    template_name = "desk/password_set.html"
    reset_url_token = "sandi-baru"
    success_url = reverse_lazy("desk:login")

    def get_user(self, uidb64):
        # A switched-off account keeps its old links, but they do nothing until it is on again.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        messages.success(self.request, _("Your new password is set: sign in with it."))
        return super().form_valid(form)
