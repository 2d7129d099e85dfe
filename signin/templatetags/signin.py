from django import template

from ..providers import providers

register = template.Library()


@register.simple_tag
def signin_providers():
    """The single sign-on providers, for the sign-in page's buttons."""
    return providers()


@register.simple_tag
def signin_summary(person):
    """How `person` signs in, for their page in the People area: their single sign-on links
    (with the provider's name) and whether an authenticator app is set up. Two queries."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ..models import SingleSignOnLink

    names = {p.key: p.name for p in providers()}
    links = list(SingleSignOnLink.objects.filter(user=person).order_by("provider"))
    for link in links:
        link.provider_name = names.get(link.provider, link.provider)
    return {
        "links": links,
        "totp": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
    }
