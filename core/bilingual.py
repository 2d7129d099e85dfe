"""One mechanism for every piece of content a person types that others read.

`name = BilingualField(_("name"))` in a model adds two real columns, `name_en` and `name_fr`,
and a read-only attribute `obj.name` that returns the text in the active language, falling back
to the other language. The value is a `LocalizedText`: a `str` that knows which language it is
in, so templates can mark a fallback with the right `lang` attribute (`{{ obj.name|bi }}`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import limits

LANGUAGES = ("en", "fr")
LANGUAGE_LABELS = {"en": _("English"), "fr": _("French")}


def current_language() -> str:
    lang = (translation.get_language() or "en")[:2]
    return lang if lang in LANGUAGES else "en"


class LocalizedText(str):
    """A string that remembers its language and whether it stands in for a missing one."""

    lang: str
    is_fallback: bool

    def __new__(cls, value, lang, is_fallback=False):
        text = super().__new__(cls, value)
        text.lang = lang
        text.is_fallback = is_fallback
        return text


def pick(values: dict, language: str | None = None) -> LocalizedText:
    lang = language or current_language()
    if values.get(lang):
        return LocalizedText(values[lang], lang)
    for other in LANGUAGES:
        if other != lang and values.get(other):
            return LocalizedText(values[other], other, is_fallback=True)
    return LocalizedText("", lang)


class _Translated:
    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return pick({lang: getattr(obj, f"{self.name}_{lang}") for lang in LANGUAGES})

    def in_language(self, obj, language):
        return pick({lang: getattr(obj, f"{self.name}_{lang}") for lang in LANGUAGES}, language)


_LANGUAGE_AWARE: dict = {}


def _language_aware(field_class):
    """`field_class`, whose form fields carry `lang` on their widget: what a person types in
    the English box is English even on a French page (WCAG 3.1.2), while the box's label stays
    in the page's language. Migrations see the plain class (same `deconstruct()` path)."""
    if field_class in _LANGUAGE_AWARE:
        return _LANGUAGE_AWARE[field_class]
    module = field_class.__module__
    if module.startswith("django.db.models.fields"):
        module = "django.db.models"
    path = f"{module}.{field_class.__qualname__}"

    class LanguageAware(field_class):
        content_language = ""

        def formfield(self, **kwargs):
            formfield = super().formfield(**kwargs)
            if formfield is not None and self.content_language:
                formfield.widget.attrs.setdefault("lang", self.content_language)
            return formfield

        def deconstruct(self):
            name, _path, args, kwargs = super().deconstruct()
            return name, path, args, kwargs

    LanguageAware.__name__ = LanguageAware.__qualname__ = f"LanguageAware{field_class.__name__}"
    _LANGUAGE_AWARE[field_class] = LanguageAware
    return LanguageAware


class BilingualField:
    """Declares an English and a French column for one piece of content.

    `required=True` means at least one of the two languages must be filled in (checked in
    `BilingualModel.clean`); the other may stay empty and is then shown as missing.
    """

    def __init__(self, verbose_name, *, field_class=models.CharField, required=True, **kwargs):
        if field_class is models.CharField:
            kwargs.setdefault("max_length", 200)
        elif field_class is models.TextField:
            # Bounded like every free-text field (core/limits.py): in forms and in full_clean.
            kwargs.update(limits.text_limit(kwargs.get("max_length", limits.TEXT)))
        self.verbose_name = verbose_name
        self.field_class = field_class
        self.required = required
        self.kwargs = kwargs

    def contribute_to_class(self, cls, name):
        for lang in LANGUAGES:
            label = format_lazy("{} ({})", self.verbose_name, LANGUAGE_LABELS[lang])
            field = _language_aware(self.field_class)(label, blank=True, **self.kwargs)
            field.content_language = lang
            cls.add_to_class(f"{name}_{lang}", field)
        setattr(cls, name, _Translated(name))
        registry = dict(getattr(cls, "_bilingual_fields", {}))
        registry[name] = (self.verbose_name, self.required)
        cls._bilingual_fields = registry


def translated_order(name: str, language: str | None = None):
    """An ORDER BY expression on the text shown to the reader (their language, else the other)."""
    lang = language or current_language()
    other = "fr" if lang == "en" else "en"
    return Coalesce(NullIf(F(f"{name}_{lang}"), Value("")), F(f"{name}_{other}")).asc()


class BilingualModel(models.Model):
    """Base class: checks that every required bilingual field has at least one language."""

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        for name, (label, required) in getattr(self, "_bilingual_fields", {}).items():
            values = [getattr(self, f"{name}_{lang}") for lang in LANGUAGES]
            if required and not any((v or "").strip() for v in values):
                errors[f"{name}_en"] = ValidationError(
                    _("Enter the %(field)s in English or in French (or both)."),
                    code="bilingual_required",
                    params={"field": label},
                )
        if errors:
            raise ValidationError(errors)
