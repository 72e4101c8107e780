"""The staff sign-in, slowed down for guessers: these accounts open confidential identities.

Failed attempts count per client address and per user name (the public side's counters,
aspirasi/web/ratelimit.py); past either limit the form is refused without checking the
password, until the window ends. A right password inside the limits signs in as usual.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from aspirasi.web import ratelimit

BY_ADDRESS = "signin"
BY_NAME = "signin_user"


def _name(request) -> str:
    return (request.POST.get("username") or "").strip().lower()


class SignInView(auth_views.LoginView):
    template_name = "desk/login.html"

    def post(self, request, *args, **kwargs):
        client, name = ratelimit.client_address(request), _name(request)
        if ratelimit.exceeded(BY_ADDRESS, client) or (name and ratelimit.exceeded(BY_NAME, name)):
            # The password is not even checked; the name typed stays in the form.
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username")}
            )
            context = self.get_context_data(
                form=form, refusal=ratelimit.refusal(BY_ADDRESS, kept_input=False)
            )
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.hit(BY_ADDRESS, ratelimit.client_address(self.request))
        name = _name(self.request)
        if name:
            ratelimit.hit(BY_NAME, name)
        return super().form_invalid(form)
