from django import template

from ..providers import providers

register = template.Library()


@register.simple_tag
def signin_providers():
    """The single sign-on providers, for the sign-in page's buttons."""
    return providers()
