"""The endorsement rule, in one place for the service that applies it and the page that shows it.

A request is reviewed by the co-chairs of every council its group reports to. A co-chair who
co-chairs or belongs to the group, or who created or submitted the request, is recused.

- Declined as soon as one co-chair recommends declining; returned as soon as one recommends
  returning it for revision.
- Endorsed when, for *each* council, at least one non-recused co-chair has endorsed and no
  co-chair has declined or returned.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from councils.models import CouncilMembership
from workinggroups.models import GroupMembership

from .models import Recommendation, Status
from .permissions import declared_ids


@dataclass
class CouncilReview:
    council: object
    reviewers: list = field(default_factory=list)  # non-recused co-chairs (users)
    recused: list = field(default_factory=list)  # automatically (the group, the author)
    declared: list = field(default_factory=list)  # by their own declared interest
    endorsements: list = field(default_factory=list)  # Recommendations that count here

    @property
    def satisfied(self) -> bool:
        return bool(self.endorsements)

    @property
    def has_reviewers(self) -> bool:
        return bool(self.reviewers)


@dataclass
class ReviewState:
    councils: list
    recommendations: list  # of the current revision, oldest first
    recused_ids: set

    @property
    def reviewer_ids(self) -> set:
        return {user.pk for c in self.councils for user in c.reviewers}

    @property
    def recommended_ids(self) -> set:
        return {r.reviewer_id for r in self.recommendations}

    @property
    def waiting_on(self) -> list:
        """Reviewers who have not yet recorded a recommendation (each person once)."""
        seen, people = set(), []
        for council in self.councils:
            for user in council.reviewers:
                if user.pk not in self.recommended_ids and user.pk not in seen:
                    seen.add(user.pk)
                    people.append(user)
        return people

    @property
    def outcome(self):
        decisions = {r.decision for r in self.recommendations}
        if Recommendation.Decision.DECLINE in decisions:
            return Status.DECLINED
        if Recommendation.Decision.RETURN in decisions:
            return Status.RETURNED
        if self.councils and all(c.satisfied for c in self.councils):
            return Status.ENDORSED
        return None

    @property
    def blocked_councils(self) -> list:
        """Councils with no co-chair able to review: the request cannot be endorsed."""
        return [c.council for c in self.councils if not c.has_reviewers]


def review_state(request, recommendations=None) -> ReviewState:
    """Four queries, whatever the number of councils, co-chairs and recommendations; three
    when the caller already holds `recommendations`, those of the current revision (oldest
    first, with reviewer and profile). Whether a co-chair belongs to the group is read with
    the co-chairs themselves; the declared interests are the fourth."""
    councils = list(request.group.councils.all())
    in_group = GroupMembership.objects.active().filter(
        group_id=request.group_id, user_id=OuterRef("user_id")
    )
    cochairs = (
        CouncilMembership.objects.active()
        .filter(council__in=councils, role=CouncilMembership.Role.CO_CHAIR)
        .annotate(in_group=Exists(in_group))
        .select_related("user", "user__profile")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    cochairs = list(cochairs)
    recused = {pk for pk in (request.created_by_id, request.submitted_by_id) if pk}
    recused.update(m.user_id for m in cochairs if m.in_group)
    declared = set(declared_ids(request))
    recused.update(declared)
    if recommendations is None:
        recommendations = list(
            Recommendation.objects.filter(request=request, revision=request.revision)
            .select_related("reviewer", "reviewer__profile")
            .order_by("created_at", "pk")
        )
    by_council = {c.pk: CouncilReview(council=c) for c in councils}
    for membership in cochairs:
        entry = by_council[membership.council_id]
        if membership.user_id in declared:
            bucket = entry.declared
        elif membership.user_id in recused:
            bucket = entry.recused
        else:
            bucket = entry.reviewers
        if all(u.pk != membership.user_id for u in bucket):
            bucket.append(membership.user)
    for entry in by_council.values():
        reviewer_ids = {u.pk for u in entry.reviewers}
        entry.endorsements = [
            r
            for r in recommendations
            if r.decision == Recommendation.Decision.ENDORSE and r.reviewer_id in reviewer_ids
        ]
    return ReviewState(
        councils=list(by_council.values()), recommendations=recommendations, recused_ids=recused
    )
