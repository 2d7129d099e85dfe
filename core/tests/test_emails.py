"""E-mail subjects are one line, and French typography survives: the no-break spaces before
« : » and inside « » are not turned into ordinary spaces (they were, by str.split())."""

from core.emails import one_line


def test_one_line_joins_layout_but_keeps_no_break_spaces():
    subject = "\n  Échéance dépassée\u00a0: «\u00a0Projet\u00a0» \t (Groupe)\n"
    assert one_line(subject) == "Échéance dépassée\u00a0: «\u00a0Projet\u00a0» (Groupe)"


def test_one_line_keeps_the_narrow_no_break_space_too():
    assert one_line("Rappel\u202f;  demain") == "Rappel\u202f; demain"
