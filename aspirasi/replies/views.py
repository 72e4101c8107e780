"""Keeping the saved replies: the clerk, the Kabag TU (or their Plh) and the admin."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aspirasi.web.access import requiring

from .forms import SavedReplyForm
from .models import SavedReply
from .selectors import may_manage_replies

# The officials who keep the saved replies (and the admin).
_managing = requiring(lambda request: may_manage_replies(request.user))


@require_http_methods(["GET", "HEAD"])
@_managing
def reply_list(request: HttpRequest) -> HttpResponse:
    replies = SavedReply.objects.select_related("category")
    return render(request, "replies/list.html", {"replies": replies})


@require_http_methods(["GET", "POST"])
@_managing
def reply_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk) if pk is not None else None
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("Saved reply “%(title)s” saved.") % {"title": saved.title})
        return redirect("replies:list")
    return render(
        request,
        "replies/edit.html",
        {"form": form, "reply": reply},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@_managing
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk)
    reply.delete()
    messages.success(request, _("Saved reply “%(title)s” deleted.") % {"title": reply.title})
    return redirect("replies:list")
