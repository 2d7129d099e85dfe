"""The form renderer that writes text inputs and selects in Python (core.renderers; issue 17,
eleventh round) gives the very bytes Django's templates give, for any widget it writes and on
every page of the portal; the filter fields laid out in Python are crispy's, as HTML."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation
from django.utils.functional import lazystr
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from core.renderers import PortalFormRenderer, bootstrap_field

WIDGETS = "django/forms/widgets/"

text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['<b>"x"</b>', "a & b", "l'été", "", " ", "0", "1,5"]),
)
value = st.one_of(
    st.none(),
    text,
    st.integers(-(10**7), 10**7),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.booleans(),
    text.map(mark_safe),
)
attrs = st.dictionaries(
    st.sampled_from(["class", "id", "maxlength", "placeholder", "required", "disabled", "data-x"]),
    st.one_of(st.booleans(), text, st.integers(0, 999)),
    max_size=4,
)
label = st.one_of(text, st.integers(0, 3000), st.just(lazystr("Status")), text.map(mark_safe))
choices = st.lists(st.tuples(st.one_of(text, st.integers(0, 99)), label), max_size=6)
grouped = st.lists(
    st.one_of(
        st.tuples(st.one_of(text, st.integers(0, 99)), label),
        st.tuples(st.sampled_from(["Group A", "<G>", "Été"]), choices),
    ),
    max_size=5,
)


def both(widget, name, given_value, given_attrs):
    """The widget rendered by Django's renderer and by ours."""
    return (
        widget.render(name, given_value, given_attrs, renderer=DjangoTemplates()),
        widget.render(name, given_value, given_attrs, renderer=PortalFormRenderer()),
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@given(
    kind=st.sampled_from(
        [
            forms.TextInput,
            forms.EmailInput,
            forms.NumberInput,
            forms.URLInput,
            forms.PasswordInput,
            forms.HiddenInput,
            forms.SearchInput,
            forms.TelInput,
            forms.DateInput,
        ]
    ),
    name=text,
    given_value=value,
    given_attrs=attrs,
    widget_attrs=attrs,
)
def test_an_input_is_written_as_its_template_writes_it(
    language, kind, name, given_value, given_attrs, widget_attrs
):
    with translation.override(language):
        django, ours = both(kind(attrs=widget_attrs), name, given_value, given_attrs)
    assert ours == django


@pytest.mark.parametrize("language", ["en", "fr"])
@given(
    kind=st.sampled_from([forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]),
    name=text,
    options=grouped,
    data=st.data(),
    given_attrs=attrs,
)
def test_a_select_is_written_as_its_template_writes_it(
    language, kind, name, options, data, given_attrs
):
    widget = kind() if kind is forms.NullBooleanSelect else kind(choices=options)
    several = st.lists(st.one_of(text, st.integers(0, 99)), max_size=3)
    given_value = data.draw(st.one_of(value, several) if kind is forms.SelectMultiple else value)
    with translation.override(language):
        django, ours = both(widget, name, given_value, given_attrs)
    assert ours == django


def test_a_changed_template_is_rendered_by_the_template_again():
    """A Django upgrade that changes a widget's template, or an app that overrides one, turns
    the Python path off for it: what the template says is what shows."""

    class Overridden(PortalFormRenderer):
        def _source(self, template_name):
            source = super()._source(template_name)
            return source + "<!-- ours -->" if template_name.endswith("select.html") else source

    renderer = Overridden()
    assert renderer._writer(WIDGETS + "select.html") is None
    assert renderer._writer(WIDGETS + "text.html") is not None
    assert PortalFormRenderer()._writer(WIDGETS + "select.html") is not None
    widget = forms.Select(choices=[("a", "A")])
    assert widget.render("x", "a", renderer=renderer) == widget.render(
        "x", "a", renderer=DjangoTemplates()
    )


def test_an_option_with_a_template_of_its_own_is_rendered_by_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/select_option.html"

        def create_option(self, *args, **kwargs):
            option = super().create_option(*args, **kwargs)
            option["template_name"] = "django/forms/widgets/input_option.html"
            return option

    widget = Special(choices=[("a", "A"), ("b", "B")])
    ours = widget.render("x", "b", renderer=PortalFormRenderer())
    assert ours == widget.render("x", "b", renderer=DjangoTemplates())
    assert "<option" not in ours  # the other template's markup, not ours


# --- Every page of the portal ---------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
READERS = ["secretariat", "council_cochair", "group_cochair", "member", "anonymous"]
# Pages that differ on every view whatever renders them: a new authenticator secret.
NEW_ON_EVERY_VIEW = {"signin:totp_enrol"}


@pytest.fixture
def world(personas, council, priority, group):
    from tests.world import build_world

    return build_world(personas, council, priority, group)


@pytest.mark.django_db
def test_every_page_with_a_form_is_the_same_with_either_renderer(world, client_for, settings):
    """Each page of the permission matrix that shows a field, as the first persona who may
    open it, rendered with Django's renderer and with ours: the same bytes (but for the CSRF
    token, new on every response)."""
    from tests.test_permission_matrix import MATRIX

    settings.PORTAL_FRAGMENT_CACHE = False  # every part rendered, with the renderer under test
    compared = []
    for name, (method, make_url, expected) in sorted(MATRIX.items()):
        reader = next((p for p in READERS if expected.get(p) == 200), None)
        if method != "get" or reader is None or name in NEW_ON_EVERY_VIEW:
            continue
        url = make_url(world)
        pages = []
        for renderer in (
            "django.forms.renderers.DjangoTemplates",
            "core.renderers.PortalFormRenderer",
        ):
            settings.FORM_RENDERER = renderer
            response = client_for(world[reader]).get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                break
            pages.append(CSRF.sub("", response.content.decode()))
        if len(pages) < 2:
            continue
        if "<select" in pages[1] or "<input" in pages[1]:
            assert pages[1] == pages[0], f"{name} {url}"
            compared.append(name)
    assert len(compared) >= 100, compared  # 110 when written: the lists, forms, filters


# --- Filter fields laid out as crispy lays them out -----------------------------------------

CRISPY = Template(
    "{% load crispy_forms_tags %}{% for field in form %}"
    '<div class="col">{{ field|as_crispy_field }}</div>{% endfor %}'
)


def filter_forms(query):
    from funding.filters import QueueFilter, RequestFilter
    from funding.models import FundingRequest
    from people.forms import PersonSearchForm
    from workinggroups.filters import GroupFilter
    from workinggroups.models import Group

    data = QueryDict(query)
    return [
        RequestFilter(data, queryset=FundingRequest.objects.all()).form,
        QueueFilter(data, queryset=FundingRequest.objects.all()).form,
        GroupFilter(data, queryset=Group.objects.all()).form,
        PersonSearchForm(data if query else None),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "query",
    [
        "",  # as a list opens
        "q=%3Cb%3E%22x&status=draft&sort=amount_asc&kind=community",  # chosen, escaped
        "fiscal_year=abc&council=99&status=nothing&kind=zz",  # refused, with messages
    ],
)
def test_the_filter_fields_are_crispys_as_html(language, query, council, priority):
    with translation.override(language):
        for crispy_form, our_form in zip(filter_forms(query), filter_forms(query), strict=True):
            theirs = CRISPY.render(Context({"form": crispy_form}))
            ours = "".join(f'<div class="col">{bootstrap_field(f)}</div>' for f in our_form)
            assert parse_html(ours) == parse_html(theirs), type(our_form).__name__
            if "abc" in query:
                assert 'aria-invalid="true"' in ours and "invalid-feedback" in ours


@pytest.mark.django_db
def test_a_field_of_another_kind_is_laid_out_by_crispy():
    class Other(forms.Form):
        on = forms.BooleanField(label="On", required=False)
        day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))

    for field in Other():
        theirs = CRISPY.render(Context({"form": [field]}))
        assert bootstrap_field(field) in theirs
