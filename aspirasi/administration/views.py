"""The office screens: officials and their positions, acting officials (Plh), categories and
the faculty calendar. Kept by the office admin (see permissions.py); rules in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.cases.models import Category
from aspirasi.clock.models import CalendarDay
from aspirasi.officials.models import Acting, Holding, LanguagePreference
from aspirasi.web.access import official_required

from . import accounts, forms, services
from .permissions import administration_required

GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def _page(request, template: str, context: dict, form) -> HttpResponse:
    """Render a form page; 400 when a sent form came back with errors."""
    context = {"form": form, **context}
    return render(request, template, context, status=400 if form.is_bound else 200)


@require_http_methods(GET)
@administration_required
def home(request: HttpRequest) -> HttpResponse:
    rows = services.positions_overview()
    return render(
        request,
        "administration/home.html",
        {"unattended": [row for row in rows if row.unattended and row.waiting]},
    )


# ---------------------------------------------------------------------------------------------
# Officials and positions


@require_http_methods(GET)
@administration_required
def officials(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "administration/officials.html",
        {"rows": services.positions_overview(), "past": services.past_holdings()},
    )


@require_http_methods(GET_POST)
@administration_required
def holding_new(request: HttpRequest) -> HttpResponse:
    form = forms.AppointForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holding = services.appoint(
            data["user"],
            data["position"],
            data["starts_on"],
            title=data["title"],
            actor=request.user,
        )
        messages.success(
            request,
            _("%(name)s holds %(position)s from %(date)s.")
            % {
                "name": services.person(holding.user),
                "position": holding.get_position_display(),
                "date": services.day_label(holding.starts_on),
            },
        )
        return redirect("administration:officials")
    return _page(request, "administration/holding_new.html", {}, form)


def _holding(pk: int) -> Holding:
    return get_object_or_404(Holding.objects.select_related("user"), pk=pk)


@require_http_methods(GET_POST)
@administration_required
def holding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holding = _holding(pk)
    form = forms.HoldingCorrectionForm(request.POST or None, holding=holding, actor=request.user)
    if request.method == "POST" and form.is_valid():
        services.correct_holding(holding, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The holding is corrected."))
        return redirect("administration:officials")
    return _page(request, "administration/holding_edit.html", {"holding": holding}, form)


@require_http_methods(GET_POST)
@administration_required
def holding_end(request: HttpRequest, pk: int) -> HttpResponse:
    holding = _holding(pk)
    form = forms.EndHoldingForm(request.POST or None, holding=holding)
    if request.method == "POST" and form.is_valid():
        leaves_on = form.cleaned_data["leaves_on"]
        services.end_holding(holding, leaves_on)
        messages.success(
            request,
            _("%(name)s no longer holds %(position)s from %(date)s.")
            % {
                "name": services.person(holding.user),
                "position": holding.get_position_display(),
                "date": services.day_label(leaves_on),
            },
        )
        row = next(
            r for r in services.positions_overview(leaves_on) if r.position.code == holding.position
        )
        if row.unattended:
            messages.warning(
                request,
                _(
                    "From that day nobody holds or acts for %(position)s: name a new holder, "
                    "or its cases will wait in no one's inbox."
                )
                % {"position": holding.get_position_display()},
            )
        return redirect("administration:officials")
    return _page(request, "administration/holding_end.html", {"holding": holding}, form)


@require_http_methods(GET_POST)
@administration_required
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    holding = _holding(pk)
    form = forms.HandOverForm(request.POST or None, holding=holding, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.hand_over(
            holding, data["successor"], data["from_date"], title=data["title"], actor=request.user
        )
        messages.success(
            request,
            _(
                "%(new)s holds %(position)s from %(date)s and sees its waiting cases; "
                "%(old)s no longer does."
            )
            % {
                "new": services.person(new.user),
                "old": services.person(holding.user),
                "position": new.get_position_display(),
                "date": services.day_label(new.starts_on),
            },
        )
        return redirect("administration:officials")
    return _page(request, "administration/hand_over.html", {"holding": holding}, form)


# ---------------------------------------------------------------------------------------------
# Acting officials (Plh)


@require_http_methods(GET)
@administration_required
def actings(request: HttpRequest) -> HttpResponse:
    current, past = services.actings_overview()
    return render(
        request,
        "administration/actings.html",
        {"current": current, "past": past, "today": services.today()},
    )


@require_http_methods(GET_POST)
@administration_required
def acting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    acting = get_object_or_404(Acting, pk=pk) if pk is not None else None
    form = forms.ActingForm(request.POST or None, acting=acting, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.save_acting(acting, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s acts for %(position)s from %(start)s to %(end)s.")
            % {
                "name": services.person(saved.user),
                "position": saved.get_position_display(),
                "start": services.day_label(saved.starts_on),
                "end": services.day_label(saved.ends_on),
            },
        )
        return redirect("administration:actings")
    return _page(request, "administration/acting_edit.html", {"acting": acting}, form)


@require_POST
@administration_required
def acting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    acting = get_object_or_404(Acting.objects.select_related("user"), pk=pk)
    acting.delete()
    messages.success(
        request,
        _("%(name)s no longer acts for %(position)s.")
        % {"name": services.person(acting.user), "position": acting.get_position_display()},
    )
    return redirect("administration:actings")


# ---------------------------------------------------------------------------------------------
# Categories


@require_http_methods(GET)
@administration_required
def categories(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "administration/categories.html",
        {"rows": services.categories_overview()},
    )


@require_http_methods(GET_POST)
@administration_required
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk) if pk is not None else None
    form = forms.CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Category “%(name)s” saved.") % {"name": saved.name})
        return redirect("administration:categories")
    return _page(request, "administration/category_edit.html", {"category": category}, form)


# ---------------------------------------------------------------------------------------------
# The faculty calendar


@require_http_methods(GET)
@administration_required
def calendar(request: HttpRequest) -> HttpResponse:
    days, holidays = services.calendar_overview()
    return render(request, "administration/calendar.html", {"days": days, "holidays": holidays})


@require_http_methods(GET_POST)
@administration_required
def calendar_day_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk) if pk is not None else None
    form = forms.CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(
            request,
            _("%(date)s is now in the faculty calendar as: %(kind)s.")
            % {"date": services.day_label(saved.date), "kind": saved.get_kind_display()},
        )
        return redirect("administration:calendar")
    return _page(request, "administration/calendar_day_edit.html", {"day": day}, form)


@require_POST
@administration_required
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    day.delete()
    messages.success(
        request,
        _("%(date)s is removed from the faculty calendar.")
        % {"date": services.day_label(day.date)},
    )
    return redirect("administration:calendar")


# ---------------------------------------------------------------------------------------------
# Every official's own setting


@require_http_methods(GET_POST)
@official_required
def my_language(request: HttpRequest) -> HttpResponse:
    """Any official chooses the language of the e-mails the system sends them."""
    preference = LanguagePreference.objects.filter(user=request.user).first()
    preference = preference or LanguagePreference(user=request.user)
    form = forms.LanguagePreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mails will be written in the language you chose."))
        return redirect("administration:my_language")
    return _page(request, "administration/my_language.html", {}, form)


# ---------------------------------------------------------------------------------------------
# Accounts: created, switched off and on again, never deleted (accounts.py)


@require_http_methods(GET)
@administration_required
def account_list(request: HttpRequest) -> HttpResponse:
    return render(request, "administration/accounts.html", {"rows": accounts.accounts_overview()})


@require_http_methods(GET_POST)
@administration_required
def account_new(request: HttpRequest) -> HttpResponse:
    form = forms.AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = accounts.create_account(
            name=data["name"],
            username=data["username"],
            email=data["email"],
            password=data["password"],
        )
        values = {"name": services.person(user), "email": user.email}
        if data["password"]:
            messages.success(request, _("The account of %(name)s is made.") % values)
        else:
            messages.success(
                request,
                _("The account of %(name)s is made; a link to choose a password goes to %(email)s.")
                % values,
            )
        messages.info(request, _("Appoint them to a position under “Officials and positions”."))
        return redirect("administration:accounts")
    return _page(request, "administration/account_new.html", {}, form)


def _switch_page(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    """Confirm, then switch the account off (active=False) or on again."""
    account = get_object_or_404(get_user_model(), pk=pk)
    # Bound on every POST: the form has no fields, so its data may well be empty.
    data = request.POST if request.method == "POST" else None
    form = forms.AccountSwitchForm(data, account=account, actor=request.user, active=active)
    if request.method == "POST" and form.is_valid():
        accounts.switch(account, active=active, actor=request.user)
        name = services.person(account)
        if active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": name})
        else:
            messages.success(request, _("%(name)s can no longer sign in.") % {"name": name})
            _warn_of_positions(request, account)
        return redirect("administration:accounts")
    context = {"row": accounts.account_row(account), "active": active}
    return _page(request, "administration/account_switch.html", context, form)


def _warn_of_positions(request: HttpRequest, account) -> None:
    """A switched-off holder still holds their positions: their cases would wait unseen."""
    positions = accounts.account_row(account).positions
    if positions:
        messages.warning(
            request,
            _(
                "%(name)s still holds %(positions)s: hand it over or end it under “Officials "
                "and positions”, or its cases wait in no one's inbox."
            )
            % {"name": services.person(account), "positions": ", ".join(positions)},
        )


@require_http_methods(GET_POST)
@administration_required
def account_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch_page(request, pk, active=False)


@require_http_methods(GET_POST)
@administration_required
def account_on(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch_page(request, pk, active=True)
