"""Issue 14: the revision diff stays bounded for the largest allowed field and still marks the
change (its time is measured in `scripts/benchmark.py --diff-only`, not here)."""

import re

import pytest

from core import limits
from core.textdiff import inline_diff


def words(count, prefix="w"):
    return [f"{prefix}{i}" for i in range(count)]


def marks(html):
    """The removed and inserted text, labels left out."""
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(html))
    return re.findall(r"<del>(.*?)</del>", html, re.S), re.findall(r"<ins>(.*?)</ins>", html, re.S)


def fill(separator, size):
    """A text of at most `size` characters (whole words), words apart by `separator`."""
    text = separator.join(words(size))[:size]
    return text[: text.rfind(separator)]  # no cut word at the end


@pytest.mark.parametrize("size", [limits.TEXT, limits.LONGEST])
@pytest.mark.parametrize("separator", [" ", "\n"])
def test_one_word_changed_in_a_max_size_text_is_the_only_change_marked(size, separator):
    old = fill(separator, size)
    assert len(old) > size - 10
    middle = old.split(separator)
    changed_at = len(middle) // 2
    removed = middle[changed_at]
    middle[changed_at] = "CHANGED"
    new = separator.join(middle)
    deleted, inserted = marks(inline_diff(old, new))
    assert deleted == [removed] and inserted == ["CHANGED"]


@pytest.mark.parametrize("size", [limits.TEXT, limits.LONGEST])
def test_a_paragraph_rewritten_in_a_max_size_text_is_marked_within_that_paragraph(size):
    paragraphs = [" ".join(words(150, f"p{n}w")) for n in range(size // 1000)]
    old = "\n".join(paragraphs)[:size]
    old = old[: old.rfind("\n")]
    rewritten = old.split("\n")
    rewritten[3] = rewritten[3].replace("p3w7 ", "p3w7 inserted ")
    new = "\n".join(rewritten)
    deleted, inserted = marks(inline_diff(old, new))
    assert deleted == [] and inserted == ["inserted "]
