from django import template

from aspirasi.channels.permissions import may_see_register
from aspirasi.officials.capabilities import may_keep_office

register = template.Library()


@register.inclusion_tag("administration/nav_link.html", takes_context=True)
def office_nav_links(context):
    """The office settings and channel register links, for those who may open them, and
    everyone's own account page. Reuses the positions the desk's context processor already
    read for this request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = {c.position for c in context.get("my_capacities", ())}
    return {
        "may_administer": may_keep_office(user, held),
        "may_see_register": may_see_register(user, held),
        "is_official": bool(held) or user.is_superuser,
        "signed_in": True,
    }
