from django import template

register = template.Library()


@register.filter
def sender_unverified(case) -> bool:
    """The e-mail that opened the case failed the site's SPF/DMARC check (authentication.py)."""
    return case is not None and case.inbound_mails.filter(unverified=True).exists()
