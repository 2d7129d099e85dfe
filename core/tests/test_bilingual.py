import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from core.bilingual import LocalizedText, pick
from councils.models import Council


def render(template, **ctx):
    return Template("{% load portal %}" + template).render(Context(ctx))


def test_pick_returns_the_active_language():
    with translation.override("fr"):
        text = pick({"en": "Digital identity", "fr": "Identité numérique"})
    assert text == "Identité numérique"
    assert text.lang == "fr" and not text.is_fallback


def test_pick_falls_back_to_the_other_language_and_says_so():
    with translation.override("fr"):
        text = pick({"en": "Digital identity", "fr": ""})
    assert text == "Digital identity"
    assert text.lang == "en" and text.is_fallback


def test_bi_marks_a_fallback_with_its_lang_and_a_visible_note():
    with translation.override("en"):
        html = render("{{ v|bi }}", v=LocalizedText("Identité numérique", "fr", is_fallback=True))
    assert '<span lang="fr">Identité numérique</span>' in html
    assert "Available in French only" in html


def test_bi_shows_not_provided_instead_of_nothing():
    with translation.override("en"):
        assert "Not provided" in render("{{ v|bi }}", v=LocalizedText("", "en"))


def test_bi_escapes_content():
    html = render("{{ v|bi }}", v=LocalizedText("<script>x</script>", "en"))
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
def test_model_attribute_reads_the_active_language_with_fallback():
    council = Council(code="x", name_en="Council", name_fr="", acronym_en="C", acronym_fr="CF")
    with translation.override("fr"):
        assert council.name == "Council" and council.name.is_fallback
        assert council.acronym == "CF" and not council.acronym.is_fallback


@pytest.mark.django_db
def test_a_required_bilingual_field_needs_one_language():
    council = Council(code="x", name_en="", name_fr="", acronym_en="C")
    with pytest.raises(ValidationError) as excinfo:
        council.full_clean()
    assert "name_en" in excinfo.value.message_dict
    council.name_fr = "Conseil"
    council.full_clean()  # French alone is enough


def test_bi_block_renders_paragraphs_as_html_and_escapes_content():
    html = render('{{ v|bi:"block" }}', v=LocalizedText("First <b>one</b>\n\nSecond", "en"))
    assert html == "<p>First &lt;b&gt;one&lt;/b&gt;</p>\n\n<p>Second</p>"


def test_bi_block_fallback_keeps_paragraphs_inside_the_lang_div():
    with translation.override("en"):
        html = render('{{ v|bi:"block" }}', v=LocalizedText("Un\n\nDeux", "fr", is_fallback=True))
    assert html.startswith('<div lang="fr"><p>Un</p>\n\n<p>Deux</p></div>')
