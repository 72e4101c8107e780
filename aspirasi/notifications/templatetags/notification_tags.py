from django import template

from aspirasi.notifications.selectors import open_warnings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def open_warnings(context):
    """The signed-in official's warnings whose step is still waiting (for the inbox)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return open_warnings_for(user)
