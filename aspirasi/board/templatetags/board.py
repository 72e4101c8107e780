from django import template

from ..forms import BoardEntryForm
from ..models import BoardEntry
from ..services import eligible, may_write

register = template.Library()


@register.inclusion_tag("board/desk_panel.html", takes_context=True)
def board_panel(context, case):
    """The board part of the desk's case page: the entry, and the clerk's form when allowed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    entry = BoardEntry.objects.filter(aspiration=case).first()
    writable = user is not None and may_write(user, case)
    form = None
    if writable:
        initial = (
            {
                "summary": entry.summary,
                "public_answer": entry.public_answer,
                "published": entry.published,
            }
            if entry
            else None
        )
        form = BoardEntryForm(initial=initial)
    return {
        "case": case,
        "entry": entry,
        "eligible": eligible(case),
        "form": form,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
