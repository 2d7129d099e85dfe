"""Paths of the portal's pages that take no arguments, reversed once per URL configuration and
language: every page's layout links to a dozen of them (the menu, the header, the footer),
and reversing them on every request was a third of the empty page's cost over a bare view
(issue 17). E-mails use them too (core.emails)."""

import functools

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import (
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
    translate_url,
)
from django.utils import translation
from django.utils.functional import Promise


@functools.lru_cache(maxsize=1024)
def _reversed(urlconf: str, prefix: str, language: str, name: str) -> str:
    with translation.override(language):
        return reverse(name, urlconf=urlconf)


def portal_path(name: str, language: str | None = None) -> str:
    """reverse(name) in `language` (the active one by default), kept once reversed per URL
    configuration and script prefix (a deployment under a sub-path)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return _reversed(urlconf, get_script_prefix(), language, name)


@functools.cache
def _routes_translated(urlconf: str) -> bool:
    """Whether the URLconf translates any route (a lazy string as a pattern), or leaves the
    default language unprefixed: then a path in another language is more than its prefix."""
    _used, prefix_default = is_language_prefix_patterns_used(urlconf)
    if not prefix_default:
        return True

    def translated(patterns):
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(getattr(pattern, "_route", getattr(pattern, "_regex", "")), Promise):
                return True
            if isinstance(entry, URLResolver) and translated(entry.url_patterns):
                return True
        return False

    return translated(get_resolver(urlconf).url_patterns)


def localized_url(path: str, language: str) -> str:
    """A portal path with its language prefix, in `language`. The portal's routes are not
    translated, so that is the prefix swapped, query string kept: a resolve and a reverse
    less for every language toggle and every message sent. Django's translate_url
    otherwise (a path without a language prefix, or routes that are translated)."""
    prefix, _, rest = path[1:].partition("/")
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    codes = {code for code, _name in settings.LANGUAGES}
    if path.startswith("/") and prefix in codes and not _routes_translated(urlconf):
        return f"/{language}/{rest}"
    return translate_url(path, language)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _reversed.cache_clear()
        _routes_translated.cache_clear()
