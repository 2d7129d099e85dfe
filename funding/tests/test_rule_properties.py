"""The endorsement rule as a property: for any councils, reviewers and recommendations, the
outcome is what the issue states (no database: the rule is plain data)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from funding.models import Status
from funding.review import CouncilReview, ReviewState

DECISIONS = ["endorse", "return", "decline"]


@st.composite
def reviews(draw):
    council_count = draw(st.integers(min_value=1, max_value=3))
    people = list(range(1, 7))
    councils = []
    for index in range(council_count):
        reviewers = draw(st.lists(st.sampled_from(people), unique=True, max_size=3))
        councils.append((index, reviewers))
    reviewer_ids = sorted({p for _c, rs in councils for p in rs})
    recommended = draw(st.lists(st.sampled_from(reviewer_ids), unique=True)) if reviewer_ids else []
    decisions = {p: draw(st.sampled_from(DECISIONS)) for p in recommended}
    return councils, decisions


def build(councils, decisions):
    recommendations = [
        SimpleNamespace(reviewer_id=p, decision=d) for p, d in sorted(decisions.items())
    ]
    entries = []
    for index, reviewers in councils:
        entry = CouncilReview(council=SimpleNamespace(pk=index))
        entry.reviewers = [SimpleNamespace(pk=p) for p in reviewers]
        entry.endorsements = [
            r for r in recommendations if r.decision == "endorse" and r.reviewer_id in reviewers
        ]
        entries.append(entry)
    return ReviewState(councils=entries, recommendations=recommendations, recused_ids=set())


@given(reviews())
def test_outcome_follows_the_rule(case):
    councils, decisions = case
    outcome = build(councils, decisions).outcome
    said = set(decisions.values())
    if "decline" in said:
        assert outcome == Status.DECLINED
    elif "return" in said:
        assert outcome == Status.RETURNED
    elif all(any(decisions.get(p) == "endorse" for p in reviewers) for _c, reviewers in councils):
        assert outcome == Status.ENDORSED
    else:
        assert outcome is None


@given(reviews())
def test_a_council_without_reviewers_blocks_endorsement(case):
    councils, decisions = case
    state = build([*councils, (99, [])], dict.fromkeys(decisions, "endorse"))
    assert state.outcome is None
    assert 99 in [c.pk for c in state.blocked_councils]
