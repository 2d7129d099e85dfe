"""The portal's form renderer: Django's own (`DjangoTemplates`), except that the commonest
widgets, text inputs and selects, are written out in Python instead of through their
templates, to the very same HTML.

Rendering a widget through Django's templates costs an include per option: the funding
list's seven filter fields (a dozen options or fewer each) took 6.9 ms with them and 5.0 ms
written here, where the whole empty page takes 3-4 ms (issue 17, eleventh round). Every form
of the portal renders its widgets here, the filters of the lists and the forms the
secretariat fills in alike.

A widget is written in Python only while Django's templates for it are the ones this module
was written against (their source is compared once, when first used): a Django upgrade that
changes them, or an app that overrides one, turns the Python path off for that template and
the widget is rendered by the template again. core/tests/test_renderers.py checks that both
give the same bytes.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, TemplateDoesNotExist
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
ATTRS_SOURCE = (
    "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
    "{% endfor %}"
)
INPUT_SOURCE = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
    "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
SELECT_SOURCE = (
    '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n"
    "</select>\n"
)
OPTION_TEMPLATE = WIDGETS + "select_option.html"
OPTION_SOURCE = (
    "<option value=\"{{ widget.value|stringformat:'s' }}\""
    '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
)


# What the renderer's templates are rendered with: autoescaping on, the settings' time zone
# and formats. Only read by render_value_in_context, so one serves every call.
TEMPLATE_CONTEXT = Context()


def shown(value) -> str:
    """`{{ value }}` in one of the renderer's templates: localised and autoescaped."""
    return render_value_in_context(value, TEMPLATE_CONTEXT)


def formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: a string, escaped unless the value was safe HTML."""
    text = str(value) if isinstance(value, tuple) else value
    try:
        text = "%s" % (text,)  # noqa: UP031 - the filter's own formatting, tuples included
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def attributes(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {shown(name)}" if value is True else f' {shown(name)}="{formatted(value)}"')
    return "".join(out)


def write_input(widget) -> str:
    value = widget["value"]
    given = f' value="{formatted(value)}"' if value != None else ""  # noqa: E711 - the template's test
    return (
        f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{given}'
        f"{attributes(widget['attrs'])}>\n"
    )


def write_option(option) -> str:
    return (
        f'<option value="{formatted(option["value"])}"{attributes(option["attrs"])}>'
        f"{shown(option['label'])}</option>\n"
    )


def write_select(widget) -> str | None:
    out = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None  # an option of its own: the templates render the whole select
            out.append("\n  " + write_option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


class PortalFormRenderer(DjangoTemplates):
    """DjangoTemplates, with text inputs and selects written out in Python (see above)."""

    def __init__(self):
        super().__init__()
        self._writers = {}

    def render(self, template_name, context, request=None):
        writer = self._writer(template_name)
        if writer is not None and "widget" in context:
            html = writer(context["widget"])
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips a template's output
        return super().render(template_name, context, request)

    def _writer(self, template_name):
        try:
            return self._writers[template_name]
        except KeyError:
            pass
        writer = None
        if template_name.startswith(WIDGETS):
            source = self._source(template_name)
            attrs_known = self._source(WIDGETS + "attrs.html") == ATTRS_SOURCE
            if source == SELECT_SOURCE and self._source(OPTION_TEMPLATE) == OPTION_SOURCE:
                writer = write_select if attrs_known else None
            elif source == INCLUDES_INPUT and self._source(WIDGETS + "input.html") == INPUT_SOURCE:
                writer = write_input if attrs_known else None
        self._writers[template_name] = writer
        return writer

    def _source(self, template_name) -> str | None:
        """The template's source as this renderer would load it (an app's override first)."""
        try:
            return self.get_template(template_name).template.source
        except TemplateDoesNotExist:
            return None


# --- A form field as crispy-bootstrap5 lays it out ------------------------------------------


def bootstrap_field(bound) -> str:
    """`{{ bound|as_crispy_field }}` (crispy-bootstrap5's field.html, labels and errors shown)
    for a text input or a single select, written in Python: the lists' filter fields. Any
    other widget goes through crispy itself. The same HTML as crispy's but for the blank
    lines its templates leave (core/tests/test_renderers.py compares them as HTML)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = bound.field.widget
    if type(widget) not in (forms.TextInput, forms.Select) or bound.is_hidden:
        return as_crispy_field(bound)
    # The widget's classes as crispy's {% crispy_field %} sets them: its class name first.
    kind = "select" if isinstance(widget, forms.Select) else "textinput"
    classes = widget.attrs.get("class", "")
    if kind not in classes:
        classes = f"{classes} {kind}" if classes else kind
    control = "form-select" if kind == "select" else "form-control"
    wanted = [control, "is-invalid"] if bound.errors else [control]
    widget.attrs["class"] = " ".join([classes, *(c for c in wanted if c not in classes.split())])
    required = bound.field.required
    extra = bound.css_classes()
    wrapper = f"mb-3 {extra}" if extra else "mb-3"
    out = [f'<div id="div_{escape(bound.auto_id)}" class="{escape(wrapper)}">']
    if bound.label:
        target = f'for="{escape(bound.id_for_label)}" ' if bound.id_for_label else ""
        star = '<span class="asteriskField">*</span>' if required else ""
        label_class = "form-label" + (" requiredField" if required else "")
        out.append(f'<label {target}class="{label_class}">{shown(bound.label)}{star}</label>')
    out.append(str(bound))
    if bound.errors:
        out.append(f'<div id="{escape(bound.errors.field_id)}_error" class="invalid-feedback">')
        out += [
            f'<p id="error_{n}_{escape(bound.auto_id)}"><strong>{shown(error)}</strong></p>'
            for n, error in enumerate(bound.errors, start=1)
        ]
        out.append("</div>")
    if bound.help_text:
        where = f'id="{escape(bound.auto_id)}_helptext" ' if bound.auto_id else ""
        out.append(f'<div {where}class="form-text">{bound.help_text}</div>')
    out.append("</div>")
    return "".join(out)
