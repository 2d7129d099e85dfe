"""A word-level diff of two texts as HTML, with bounded work: removed words in <del>, added
words in <ins>. Used to compare funding-request revisions and mandate versions."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

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
        lines_a, lines_b = _lines(mid_a), _lines(mid_b)
        if len(lines_a) * len(lines_b) <= WORK_LIMIT:
            keys_a, keys_b = ["".join(x) for x in lines_a], ["".join(x) for x in lines_b]
            for op, i1, i2, j1, j2 in _matcher_opcodes(keys_a, keys_b):
                block_a = [t for line in lines_a[i1:i2] for t in line]
                block_b = [t for line in lines_b[j1:j2] for t in line]
                if op == "equal":
                    out.append(("equal", block_a))
                else:
                    _word_diff(block_a, block_b, out, budget)
        else:
            out.extend([("del", mid_a), ("ins", mid_b)])
    out.append(("equal", a[len(a) - end :] if end else []))
    return out


def _lines(tokens):
    lines, current = [], []
    for token in tokens:
        current.append(token)
        if "\n" in token:
            lines.append(current)
            current = []
    if current:
        lines.append(current)
    return lines


def inline_diff(old: str, new: str):
    """Word-level diff as HTML: removed words in <del>, added words in <ins>; bounded work."""
    out = []
    for op, tokens in _diff_tokens(old, new):
        if not tokens:
            continue
        text = escape("".join(tokens))
        out.append(text if op == "equal" else f"<{op}>{text}</{op}>")
    return mark_safe("".join(out).replace("\n", "<br>"))
