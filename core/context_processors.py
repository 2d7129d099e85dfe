from django.conf import settings

from core.paths import localized_url


def portal(request):
    """The other language's URL of this page, for the language toggle in the header."""
    lang = (getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE)[:2]
    other = "fr" if lang == "en" else "en"
    return {
        "other_language": other,
        "other_language_url": localized_url(request.get_full_path(), other),
    }
