"""E-mail subjects are one line, and French typography survives: the no-break spaces before
« : » and inside « » are not turned into ordinary spaces (they were, by str.split())."""

from core.emails import one_line


def test_one_line_joins_layout_but_keeps_no_break_spaces():
    subject = "\n  Échéance dépassée\u00a0: «\u00a0Projet\u00a0» \t (Groupe)\n"
    assert one_line(subject) == "Échéance dépassée\u00a0: «\u00a0Projet\u00a0» (Groupe)"


def test_one_line_keeps_the_narrow_no_break_space_too():
    assert one_line("Rappel\u202f;  demain") == "Rappel\u202f; demain"


def test_no_plain_text_email_template_escapes_html():
    """Subjects and text parts are rendered with autoescape off (core.emails.render_plain);
    a template that escaped by itself would bring `&#x27;` and `&lt;` back (issue 14)."""
    import re
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    templates = [*base.glob("*/templates/emails/*.txt"), *base.glob("templates/emails/*.txt")]
    assert len(templates) > 30  # every app's e-mails are found
    escaping = re.compile(r"autoescape on|\|\s*(force_)?escape\b|\|\s*urlize|\|\s*linebreaks")
    offenders = [str(p) for p in templates if escaping.search(p.read_text())]
    assert offenders == []
