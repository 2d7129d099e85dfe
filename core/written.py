"""Text that reaches the database in one language only, and how a reader sees it.

Two kinds, each with its own rule:

- **System text**: words the code writes on a person's behalf ("Submitted.", "Placed on the
  agenda of …"). They are stored as a *key* and its parameters, never as a sentence, and
  rendered in the reader's language (`system_text`). A parameter that is itself bilingual (a
  meeting's title) is stored as {"en": …, "fr": …} and picked in the reader's language too.
- **Typed text in one language**: a reason, a comment, an organisation a person typed. It is
  kept as typed, with the language of the page it was typed on (`*_lang` columns, filled from
  `current_language()` by the services), so a page in the other language marks it with
  `lang` (WCAG 3.1.2) through the `written_in` filter.

Apps register their keys with `register()` at import time (in their models module), so this
module imports no app.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.bilingual import LANGUAGES, current_language, pick

_REGISTRY: dict[str, object] = {}

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French"))]


def register(key: str, message) -> str:
    """Declare a system text: `key` (e.g. "funding.submitted") → a lazy msgid."""
    _REGISTRY[key] = message
    return key


def known(key: str) -> bool:
    return key in _REGISTRY


def in_both_languages(render) -> dict:
    """{"en": render(), "fr": render()} with each language active in turn: for a parameter
    whose text depends on the language (a meeting's title)."""
    values = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            values[lang] = str(render())
    return values


def system_text(key: str, params: dict | None = None, language: str | None = None) -> str:
    """The text of a registered key in `language` (default: the reader's).

    An unknown key (a text since removed from the code) renders as nothing rather than as an
    error: the status change it belongs to still reads "old → new"."""
    message = _REGISTRY.get(key)
    if message is None:
        return ""
    lang = language or current_language()
    with translation.override(lang):
        values = {
            name: (pick(value, lang) if isinstance(value, dict) else value)
            for name, value in (params or {}).items()
        }
        text = str(message)
        return text % values if values else text


def language_field(verbose_name=None):
    """The column that says which language the text beside it was typed in ("" = unknown)."""
    return models.CharField(
        verbose_name or _("language written in"),
        max_length=2,
        choices=LANGUAGE_CHOICES,
        blank=True,
        default="",
    )


def typed_language() -> str:
    """The language a person is taken to type in: the language of the page they are on."""
    return current_language()
