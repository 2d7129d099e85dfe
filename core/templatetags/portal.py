"""Template helpers: bilingual content, money and fiscal years in the reader's locale."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import limits
from core.bilingual import LocalizedText, current_language
from core.paths import portal_path

register = template.Library()


@register.filter
def bi(value, mode="inline"):
    """Render bilingual content; mark a fallback with its `lang` and a visible note.

    `{{ group.mandate|bi:"block" }}` keeps paragraphs. An empty value in both languages shows
    "Not provided" rather than nothing, so a reader can tell it is missing.
    """
    if not isinstance(value, LocalizedText):
        value = LocalizedText(value or "", current_language())
    if not value:
        return format_html(
            '<span class="text-body-secondary fst-italic">{}</span>', _("Not provided")
        )
    body = linebreaks(value, autoescape=True) if mode == "block" else format_html("{}", value)
    if not value.is_fallback:
        return body
    note = _("Available in French only") if value.lang == "fr" else _("Available in English only")
    tag = "div" if mode == "block" else "span"
    return format_html(
        '<{tag} lang="{lang}">{body}</{tag}> <span class="badge text-bg-light border '
        'translation-missing">{note}</span>',
        tag=tag,
        lang=value.lang,
        body=body,
        note=note,
    )


@register.filter
def written_in(value, lang):
    """Text a person typed in one language, marked with `lang` on a page in the other
    (`{{ change.reason|written_in:change.reason_lang }}`). Already-safe HTML (the output of
    `linebreaksbr`) is kept; paragraphs get a `div`, anything else a `span`."""
    body = conditional_escape(value or "")
    if not body or not lang or lang == current_language():
        return body
    tag = "div" if "<p>" in body else "span"
    return format_html('<{tag} lang="{lang}">{body}</{tag}>', tag=tag, lang=lang, body=body)


@register.simple_tag
def reason(change, field="reason"):
    """A status change's "why": the system text stored as a key, in the reader's language,
    then what the person typed, marked with its language (see core.written)."""
    from core.written import system_text

    parts = []
    key = getattr(change, f"{field}_key", "")
    if key:
        parts.append(conditional_escape(system_text(key, getattr(change, f"{field}_params", {}))))
    typed = getattr(change, field, "")
    if typed:
        parts.append(written_in(typed, getattr(change, f"{field}_lang", "")))
    return mark_safe(" ".join(p for p in parts if p))


def _decimal(value):
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value):
    """CAD the Canadian way: "$1,234.56" in English, "1 234,56 $" in French."""
    amount = _decimal(value)
    if amount is None:
        return ""
    digits = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    if current_language() == "fr":
        return mark_safe(f"{sign}{digits}\u00a0$")
    return mark_safe(f"{sign}${digits}")


@register.filter
def number(value, decimals=0):
    try:
        return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return value


@register.filter
def percent(value):
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return "–"  # no value (None, "") reads as a dash, never an error
    text = number_format(number, decimal_pos=0, use_l10n=True)
    return f"{text}\u00a0%" if current_language() == "fr" else f"{text}%"


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs):
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def page_query(context, number):
    """query_transform for a pager: its page parameter is `page_param` when a page has two
    paginated lists (partials/pagination.html), else "page"."""
    return query_transform(context, **{context.get("page_param") or "page": number})


@register.filter
def fiscal_year(start_year):
    from core.fiscal import fiscal_year_label

    return fiscal_year_label(start_year)


@register.filter
def may_open(obj, user):
    """`{% if workplan|may_open:request.user %}`: the view of `obj`'s page would let `user` in."""
    from core.links import may_open as check

    return check(user, obj)


class LinkIfNode(template.Node):
    def __init__(self, condition, href, css, nodelist):
        self.condition, self.href, self.css, self.nodelist = condition, href, css, nodelist

    def render(self, context):
        body = self.nodelist.render(context)
        if not self.condition.resolve(context):
            return body
        href = self.href.resolve(context)
        css = self.css.resolve(context) if self.css else ""
        if css:
            return format_html('<a href="{}" class="{}">{}</a>', href, css, mark_safe(body))
        return format_html('<a href="{}">{}</a>', href, mark_safe(body))


@register.tag
def link_if(parser, token):
    """`{% link_if workplan|may_open:request.user href [class] %}text{% endlink_if %}`.

    The text is a link when the condition holds, and plain text otherwise: a person is never
    shown a link to a page that would refuse them.
    """
    bits = token.split_contents()
    if len(bits) not in (3, 4):
        raise template.TemplateSyntaxError(
            "{% link_if condition href [css_class] %} … {% endlink_if %}"
        )
    condition = parser.compile_filter(bits[1])
    href = parser.compile_filter(bits[2])
    css = parser.compile_filter(bits[3]) if len(bits) == 4 else None
    nodelist = parser.parse(("endlink_if",))
    parser.delete_first_token()
    return LinkIfNode(condition, href, css, nodelist)


@register.simple_tag
def text_limit(name):
    """The limit called `name` in core/limits.py (NOTE, TEXT, LONG_TEXT), for a hand-written box."""
    return getattr(limits, name)


@register.filter
def up_to(max_length):
    """ "Up to 10,000 characters." in the reader's language."""
    return limits.up_to(max_length)


@register.simple_tag
def path(name):
    """{% path "portal:home" %}: the `{% url %}` of a page without arguments, reversed once
    per language (core.paths); the layout of every page links to a dozen of them."""
    return portal_path(name)


@register.simple_tag
def filter_fields(form, domains, css="col-sm-6 col-lg", vary=""):
    """A list's filter fields, laid out as crispy forms would (core.renderers.bootstrap_field)
    and kept per data version of `domains` (the data their choices come from,
    space-separated), language and the values asked for: rendering them was a third of a
    list page (issue 17). Only for a form whose choices are the same for every reader, or
    differ only by `vary` (what the view narrowed them by: the review queue's councils are
    those the reader co-chairs)."""
    from core.cache import cached_fragment
    from core.renderers import bootstrap_field

    def render():
        cell = conditional_escape(css)
        return "".join(f'\n<div class="{cell}">{bootstrap_field(f)}</div>' for f in form)

    data = form.data
    values = tuple(
        (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else (data.get(name),))
        for name in sorted(form.fields)
    )
    parts = (type(form).__module__, type(form).__qualname__, css, str(vary), form.is_bound, values)
    return cached_fragment(
        "filter-fields",
        parts,
        render,
        domains=domains.split(),
    )
