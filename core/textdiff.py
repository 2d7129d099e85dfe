"""A word-level diff of two texts as HTML, with bounded work: removed words in <del>, added
words in <ins>. Used to compare funding-request revisions and mandate versions."""

import difflib
import re
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.bilingual import current_language

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


# At most this many token pairs are compared by one SequenceMatcher (its cost grows with the
# product of the two lengths): the diff of the largest allowed field stays well under 200 ms
# (`scripts/benchmark.py --diff-only`). Past it, lines are compared, then whole blocks.
WORK_LIMIT = 150_000
TOTAL_WORK_LIMIT = 300_000  # summed over the blocks of one diff


def _matcher_opcodes(a, b):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _common_ends(a, b):
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _word_diff(a, b, out, budget):
    """Tokens of a → tokens of b, bounded: past WORK_LIMIT the block is replaced whole."""
    start, end = _common_ends(a, b)
    out.append(("equal", a[:start]))
    mid_a, mid_b = a[start : len(a) - end], b[start : len(b) - end]
    work = len(mid_a) * len(mid_b)
    if work <= min(WORK_LIMIT, budget[0]):
        budget[0] -= work
        for op, i1, i2, j1, j2 in _matcher_opcodes(mid_a, mid_b):
            if op == "equal":
                out.append(("equal", mid_a[i1:i2]))
            else:
                out.append(("del", mid_a[i1:i2]))
                out.append(("ins", mid_b[j1:j2]))
    else:
        out.append(("del", mid_a))
        out.append(("ins", mid_b))
    out.append(("equal", a[len(a) - end :] if end else []))


def _diff_tokens(old, new):
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    start, end = _common_ends(a, b)
    mid_a, mid_b = a[start : len(a) - end], b[start : len(b) - end]
    out = [("equal", a[:start])]
    budget = [TOTAL_WORK_LIMIT]
    if len(mid_a) * len(mid_b) <= WORK_LIMIT:
        _word_diff(mid_a, mid_b, out, budget)
    else:
        # Too long to compare word by word at once: compare lines, then words inside each
        # changed block when that block is small enough.
        ends_a, ends_b = _line_ends(mid_a), _line_ends(mid_b)
        if (len(ends_a) - 1) * (len(ends_b) - 1) <= WORK_LIMIT:
            keys_a, keys_b = _line_keys(mid_a, ends_a), _line_keys(mid_b, ends_b)
            for op, i1, i2, j1, j2 in _matcher_opcodes(keys_a, keys_b):
                block_a = mid_a[ends_a[i1] : ends_a[i2]]
                block_b = mid_b[ends_b[j1] : ends_b[j2]]
                if op == "equal":
                    out.append(("equal", block_a))
                else:
                    _word_diff(block_a, block_b, out, budget)
        else:
            out.extend([("del", mid_a), ("ins", mid_b)])
    out.append(("equal", a[len(a) - end :] if end else []))
    return out


def _line_ends(tokens):
    """Where each line starts in `tokens`, and the end: [0, ..., len(tokens)]. Indexes rather
    than a list per line, so that a long text allocates no container per line (thousands of
    them trigger the garbage collector, which then walks the whole process's objects)."""
    ends = [0]
    ends.extend(i + 1 for i, token in enumerate(tokens) if "\n" in token)
    if ends[-1] != len(tokens):
        ends.append(len(tokens))
    return ends


def _line_keys(tokens, ends):
    return ["".join(tokens[start:end]) for start, end in pairwise(ends)]


def marked(op, text, *, label_lang=""):
    """`text` (escaped HTML) as removed or inserted: <del>/<ins>, struck through or underlined,
    and said in words too ("removed:", "inserted:") for those who do not see the styling."""
    label = _("removed:") if op == "del" else _("inserted:")
    lang = f' lang="{label_lang}"' if label_lang else ""
    return f'<{op}><span class="visually-hidden"{lang}>{escape(label)} </span>{text}</{op}>'


def inline_diff(old: str, new: str, lang: str = ""):
    """Word-level diff as HTML: removed words in <del>, added words in <ins>, each labelled;
    bounded work. A replacement reads "removed old, inserted new" with a space between them.

    `lang` is the language the text was typed in: on a page in the other language the text is
    marked with it, and the labels with the page's own."""
    page = current_language()
    label_lang = page if lang and lang != page else ""
    out, previous = [], None
    for op, tokens in _diff_tokens(old, new):
        if not tokens:
            continue
        text = escape("".join(tokens))
        if op == "equal":
            out.append(text)
        else:
            if previous == "del" and op == "ins":
                out.append(" ")  # "old new", never "oldnew"
            out.append(marked(op, text, label_lang=label_lang))
        previous = op
    html = "".join(out).replace("\n", "<br>")
    if label_lang:
        html = f'<span lang="{lang}">{html}</span>'
    return mark_safe(html)
