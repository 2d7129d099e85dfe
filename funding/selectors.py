"""Reads of funding requests, each in a bounded number of queries whatever the data."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.cache import FUNDING, GROUPS, cached_value
from core.joins import first_rows
from core.pagination import cached_by_sql
from councils.models import CitizenOutcome, CouncilMembership, Priority
from councils.permissions import council_roles, is_secretariat
from workinggroups.models import Group, GroupMembership
from workinggroups.permissions import group_roles

from . import summary
from .models import (
    EDITABLE,
    ENDORSED_OR_LATER,
    FINAL,
    UNDER_REVIEW,
    FundingRequest,
    FundingSummary,
    Recommendation,
    Status,
)


def _count(condition=None):
    return Count("pk", filter=condition, distinct=True)


ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def base_queryset():
    return FundingRequest.objects.select_related(
        "group", "meeting", "submitted_by", "agenda_item", "vote"
    ).prefetch_related("priorities", "group__councils")


def detail_queryset(pk):
    """`base_queryset` for request `pk`'s page: each priority comes with its citizen outcomes
    and `in_group`, whether the request's group works on it, in the priorities' own query."""
    group_of_request = FundingRequest.objects.filter(pk=pk).values("group_id")[:1]
    in_group = Group.priorities.through.objects.filter(
        priority_id=OuterRef("pk"), group_id=Subquery(group_of_request)
    )
    priorities = Priority.objects.annotate(in_group=Exists(in_group)).prefetch_related(
        Prefetch("outcomes", queryset=CitizenOutcome.objects.order_by("order"))
    )
    return FundingRequest.objects.select_related(
        "group", "meeting", "submitted_by"
    ).prefetch_related(Prefetch("priorities", queryset=priorities), "group__councils")


def visible_requests(user, queryset=None):
    """The requests `user` may see: the same rule as permissions.can_view_request, as SQL."""
    queryset = base_queryset() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_secretariat(user):
        return queryset
    return queryset.filter(_visible_condition(user))


def _visible_condition(user) -> Q:
    """visible_requests' rule for a signed-in person other than the secretariat."""
    roles = council_roles(user)
    condition = _personal_condition(user)
    by_council = _council_condition(roles.co_chair_of, roles.member_of)
    return condition if by_council is None else condition | by_council


def _personal_condition(user) -> Q:
    """The requests `user` may open as themselves: those of a group they co-chair, and those
    they wrote or submitted."""
    groups = group_roles(user)
    return Q(group_id__in=groups.co_chair_of) | Q(created_by=user) | Q(submitted_by=user)


def _council_condition(co_chair_of, member_of) -> Q | None:
    """The requests anyone with these council roles may open (None: no such request). The
    same for every person with the same roles, hence shareable between them."""
    condition = None
    if co_chair_of:
        condition = Q(
            submitted_at__isnull=False,
            group__in=Group.objects.filter(councils__in=sorted(co_chair_of)),
        )
    if member_of:
        endorsed = Q(
            status__in=ENDORSED_OR_LATER,
            group__in=Group.objects.filter(councils__in=sorted(member_of)),
        )
        condition = endorsed if condition is None else condition | endorsed
    return condition


def visible_request_ids(user, ids) -> set:
    """Which of the requests `ids` `user` may open (one query): for the meeting page."""
    if not ids:
        return set()
    if is_secretariat(user):
        return set(ids)  # sees every request (visible_requests): nothing to ask the database
    queryset = FundingRequest.objects.filter(pk__in=list(ids))
    return set(visible_requests(user, queryset).values_list("pk", flat=True))


def review_queue(user):
    """What waits on this co-chair: requests under review in a council they co-chair, where
    they are not recused and have not yet recommended on the current revision."""
    roles, groups = council_roles(user), group_roles(user)
    if not roles.co_chair_of:
        return FundingRequest.objects.none()
    already = Recommendation.objects.filter(
        request=OuterRef("pk"), revision=OuterRef("revision"), reviewer=user
    )
    return (
        base_queryset()
        .filter(
            status__in=UNDER_REVIEW,
            group__in=Group.objects.filter(councils__in=roles.co_chair_of),
        )
        .exclude(group_id__in=groups.groups)
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .exclude(Exists(already))
    )


def home_section(user):
    """The funding part of "What waits on me" on the home page."""
    if not getattr(user, "is_authenticated", False):
        return None
    section = {"template": "funding/partials/home_section.html"}
    if council_roles(user).co_chair_of:
        # Kept per data version, per reviewer (their id is in the SQL), like the queue's count.
        waiting = review_queue(user)
        queue = cached_by_sql(
            "review-queue-summary",
            waiting,
            lambda: waiting.aggregate(count=_count(), oldest=Min("submitted_at")),
            domains=(FUNDING, GROUPS),
        )
        section["queue_count"] = queue["count"]
        section["queue_oldest"] = queue["oldest"]
    cochaired = group_roles(user).co_chair_of
    if cochaired:
        # Drafts and returned requests first (they wait on the group), then those in progress.
        section["own_requests"] = list(
            first_rows(
                FundingRequest.objects.filter(group_id__in=cochaired)
                .exclude(status__in=FINAL)
                .select_related("group")
                .annotate(waits_on_group=Q(status__in=EDITABLE))
                .order_by("-waits_on_group", "-updated_at", "-pk"),
                10,
            )
        )
    if is_secretariat(user):
        counts = FundingRequest.objects.aggregate(
            to_schedule=_count(Q(status__in=[Status.ENDORSED, Status.DEFERRED])),
            to_decide=_count(Q(status=Status.SCHEDULED)),
        )
        section.update(counts)
    if len(section) == 1:
        return None  # neither a reviewer, a requester nor the secretariat
    return section


# The fields of the requests reviews_waiting returns (the others are deferred).
REVIEW_WAITING_FIELDS = (
    "title_en",
    "title_fr",
    "status",
    "revision",
    "submitted_at",
    "created_by_id",
    "submitted_by_id",
    "group__slug",
    "group__name_en",
    "group__name_fr",
)


def reviews_waiting(older_than):
    """[(request, co-chair)] for every recommendation still missing on a request whose current
    revision was submitted before `older_than`. Five queries in all, for the reminders; the
    requests carry REVIEW_WAITING_FIELDS only."""
    requests = list(
        FundingRequest.objects.filter(status__in=UNDER_REVIEW, submitted_at__lt=older_than)
        .select_related("group")
        # What a reminder or the digest says about a request: not its long texts, read for
        # thousands of requests by a sweep.
        .only(*REVIEW_WAITING_FIELDS)
        .order_by("submitted_at", "pk")
    )
    if not requests:
        return []
    councils_of = defaultdict(list)
    for group_id, council_id in (
        Group.councils.through.objects.filter(group_id__in={r.group_id for r in requests})
        .order_by("council_id")
        .values_list("group_id", "council_id")
    ):
        councils_of[group_id].append(council_id)
    council_ids = {c for councils in councils_of.values() for c in councils}
    cochairs = defaultdict(list)
    for membership in (
        CouncilMembership.objects.active()
        .filter(council_id__in=council_ids, role=CouncilMembership.Role.CO_CHAIR)
        .select_related("user", "user__profile")
        .order_by("user__last_name", "user_id")
    ):
        cochairs[membership.council_id].append(membership.user)
    group_members = defaultdict(set)
    for group_id, user_id in (
        GroupMembership.objects.active()
        .filter(group_id__in={r.group_id for r in requests})
        .values_list("group_id", "user_id")
    ):
        group_members[group_id].add(user_id)
    done = set(
        Recommendation.objects.filter(request__in=requests)
        .filter(revision=F("request__revision"))
        .values_list("request_id", "reviewer_id")
    )
    pairs = []
    for request in requests:
        recused = group_members[request.group_id] | {request.created_by_id, request.submitted_by_id}
        seen = set()
        for council_id in councils_of[request.group_id]:
            for user in cochairs[council_id]:
                if user.pk in seen or user.pk in recused or (request.pk, user.pk) in done:
                    continue
                seen.add(user.pk)
                pairs.append((request, user))
    return pairs


def _money_sum(amount, condition):
    return Coalesce(Sum(amount, filter=condition), ZERO)


REQUESTED = ~Q(status__in=[Status.DRAFT, Status.WITHDRAWN]) & Q(submitted_at__isnull=False)
ENDORSED = Q(status__in=ENDORSED_OR_LATER)
APPROVED = Q(status=Status.APPROVED)


def _requested(fiscal_year=None, council=None):
    queryset = FundingRequest.objects.filter(REQUESTED)
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if council is not None:
        queryset = queryset.filter(group__in=Group.objects.filter(councils=council))
    return queryset


def _summarised(fiscal_year=None, council=None, *, once):
    """The summary rows (funding.summary) of the requests `_requested` counts: `once`, the
    rows counting each request once; otherwise those counting it under each priority."""
    if once:
        rows = FundingSummary.objects.filter(priority_key=0)
    else:
        rows = FundingSummary.objects.exclude(priority_key=0)
    if fiscal_year is not None:
        rows = rows.filter(fiscal_year=fiscal_year)
    if council is not None:
        rows = rows.filter(councils__contains=f",{council.pk},")
    return rows


def _in_any(council_ids) -> Q:
    """Summary rows of groups that report to any of `council_ids` (a non-empty set)."""
    condition = Q()
    for council_id in sorted(council_ids):
        condition |= Q(councils__contains=f",{council_id},")
    return condition


def _summary_council_condition(co_chair_of, member_of) -> Q | None:
    """`_council_condition` for summary rows: a row is the requests of groups with the same
    councils in one status, so council roles open the whole row or none of it."""
    condition = None
    if co_chair_of:  # every counted request is submitted
        condition = _in_any(co_chair_of)
    if member_of:
        endorsed = Q(status__in=ENDORSED_OR_LATER) & _in_any(member_of)
        condition = endorsed if condition is None else condition | endorsed
    return condition


def _summed(queryset, **keys):
    """`queryset` of summary rows added up per `keys` ({name: column}), leaving out keys with
    no request left: requested, endorsed, approved and count, like the requests' own sums."""
    same = [name for name, column in keys.items() if name == column]
    renamed = {name: F(column) for name, column in keys.items() if name != column}
    return (
        queryset.values(*same, **renamed)
        .annotate(
            # Endorsed first: named after a column, `requested` would then be the aggregate.
            endorsed=Coalesce(Sum("requested", filter=ENDORSED), ZERO),
            requested=Coalesce(Sum("requested"), ZERO),
            approved=Coalesce(Sum("approved", filter=APPROVED), ZERO),
            count=Sum("count"),
        )
        .filter(count__gt=0)
    )


def overview_withheld(user, fiscal_year=None, council=None, *, years=True):
    """Which of the overview's figures would give away a single request `user` cannot open:
    ({(priority id, fiscal year)}, {fiscal year}) of the cells of `funding_totals` and the
    year totals of `funding_totals_by_year` where exactly one counted request is hidden from
    the reader (still in review, say). A count of 1 names it, and the cell's sums minus the
    requests the reader can see give its amount; two or more hidden are not told apart.
    Nothing for the secretariat, who may open every request.

    A request is hidden when neither the reader's council roles nor the reader themselves
    open it, so per cell: hidden = (counted requests their council roles do not open) -
    (those of them the reader opens as themselves). The first count is the same for everyone
    with the same council roles, over every request: on PostgreSQL it is added up from the
    funding summary (funding.summary, kept in the changes' own transactions), elsewhere it is
    computed once per data version (core.cache; issue 17: the same COUNT per reader took 399
    ms at 200,000 requests, and 152-190 ms again after each change under writes). The second
    reads only the reader's own requests and their groups' (the indexes on group, author and
    submitter). One query per kind of figure (`years=False`: the cells only), whatever the
    data."""
    if is_secretariat(user) or not getattr(user, "is_authenticated", False):
        return frozenset(), frozenset()
    roles = council_roles(user)
    co_chair_of, member_of = tuple(sorted(roles.co_chair_of)), tuple(sorted(roles.member_of))
    by_council = _council_condition(co_chair_of, member_of)
    personal = _personal_condition(user)
    if summary.maintained():

        def withheld():
            kept = {"roles": (co_chair_of, member_of), "mine": (by_council, personal)}
            cells = _hidden_one_summarised(fiscal_year, council, **kept)
            if not years:
                return cells, frozenset()
            found = _hidden_one_summarised(fiscal_year, council, once=True, **kept)
            return cells, frozenset(year for year, _year in found)

        # Per reader (who they are and every role the conditions read), per data version of
        # the requests and of the groups' councils, never a stale copy: the answer moves with
        # every change that could move it. Building the query was most of the dashboard's
        # cached view (4-5 ms of the ORM for 0.2 ms of SQL; issue 17).
        own_groups = tuple(sorted(group_roles(user).co_chair_of))
        return cached_value(
            "funding-withheld",
            (user.pk, co_chair_of, member_of, own_groups, fiscal_year, _pk(council), years),
            withheld,
            domains=(FUNDING, GROUPS),
            stale=False,
        )

    def counts(keys, opened_only):
        """{key: (requests their council roles do not open, of which the reader opens)}, or
        with `opened_only` {key: of which the reader opens}, reading only those."""
        queryset = _requested(fiscal_year, council).filter(**{f"{k}__isnull": False for k in keys})
        if by_council is not None:
            queryset = queryset.exclude(by_council)
        if opened_only:
            rows = queryset.filter(personal).values(*keys).annotate(opened=_count()).order_by()
            return {tuple(row[k] for k in keys): row["opened"] for row in rows}
        rows = queryset.values(*keys).annotate(total=_count(), opened=_count(personal)).order_by()
        return {tuple(row[k] for k in keys): (row["total"], row["opened"]) for row in rows}

    def hidden_one(*keys):
        opened = None

        def unopened_counts():
            # A miss reads both counts in one query (the page's budget), and keeps the first.
            nonlocal opened
            both = counts(keys, opened_only=False)
            opened = {key: mine for key, (_total, mine) in both.items()}
            return {key: total for key, (total, _mine) in both.items()}

        # Never a stale copy (core.cache): a count that lags the requests could show a cell
        # whose one hidden request it would give away.
        unopened = cached_value(
            "funding-unopened",
            (co_chair_of, member_of, fiscal_year, _pk(council), keys),
            unopened_counts,
            domains=(FUNDING, GROUPS),
            stale=False,
        )
        if opened is None:  # read from the cache: the reader's own count only
            opened = counts(keys, opened_only=True) if unopened else {}
        return frozenset(key for key, total in unopened.items() if total - opened.get(key, 0) == 1)

    cells = hidden_one("priorities", "fiscal_year")
    if not years:
        return cells, frozenset()
    return cells, frozenset(year for (year,) in hidden_one("fiscal_year"))


def _pk(record):
    return record.pk if record is not None else None


def _hidden_one_summarised(fiscal_year, council, *, roles, mine, once=False) -> frozenset:
    """`overview_withheld`'s cells ((priority id, fiscal year)) or, `once`, its years ((fiscal
    year, fiscal year)) with exactly one request hidden from the reader, in one query: the
    counted requests their council roles do not open, from the summary rows, beside those of
    them the reader opens as themselves (`mine`: the council and personal conditions), from
    the reader's own requests. Never stale: the summary moves in the change's transaction."""
    by_council, personal = mine
    first_key = "fiscal_year" if once else "priority_key"
    rows = _summarised(fiscal_year, council, once=once)
    opened_by_roles = _summary_council_condition(*roles)
    if opened_by_roles is not None:
        rows = rows.exclude(opened_by_roles)
    unopened = rows.values(key=F(first_key), year=F("fiscal_year")).annotate(
        kind=Value(0), number=Sum("count")
    )
    own = _requested(fiscal_year, council)
    if not once:
        own = own.filter(priorities__isnull=False)
    if by_council is not None:
        own = own.exclude(by_council)
    own = (
        own.filter(personal)
        .values(key=F("fiscal_year" if once else "priorities"), year=F("fiscal_year"))
        .annotate(kind=Value(1), number=_count())
    )
    totals, opened = {}, {}
    for row in unopened.order_by().union(own.order_by(), all=True):
        (opened if row["kind"] else totals)[(row["key"], row["year"])] = row["number"]
    return frozenset(key for key, total in totals.items() if total - opened.get(key, 0) == 1)


def funding_totals(fiscal_year=None, council=None, *, priorities=None):
    """Per (priority, fiscal year): the sums requested, endorsed and approved, in the database.

    - requested: every request submitted for review and not withdrawn;
    - endorsed: the amount requested of those the co-chairs endorsed (whatever came after);
    - approved: the amount the members approved.
    A request that advances several priorities counts fully under each of them; use
    `funding_totals_by_year` for totals that count each request once.

    Returns dicts with priority_id, priority (the Priority), fiscal_year, requested, endorsed,
    approved and count, ordered by fiscal year then priority number. `priorities`: the
    priorities to report on, when the caller has read them already ({id: Priority}); the rows
    of any other priority are left out, and the priorities are not read again.
    """
    if summary.maintained():
        rows = list(
            _summed(
                _summarised(fiscal_year, council, once=False),
                priorities="priority_key",
                fiscal_year="fiscal_year",
            ).order_by("fiscal_year", "priority_key")
        )
    else:
        rows = list(
            _requested(fiscal_year, council)
            .filter(priorities__isnull=False)
            .values("priorities", "fiscal_year")
            .annotate(
                requested=_money_sum("amount_requested", Q()),
                endorsed=_money_sum("amount_requested", ENDORSED),
                approved=_money_sum("amount_approved", APPROVED),
                count=_count(),
            )
            .order_by("fiscal_year", "priorities")
        )
    if priorities is None:
        priorities = Priority.objects.in_bulk({row["priorities"] for row in rows})
    result = []
    for row in rows:
        priority_id = row.pop("priorities")
        if priority_id not in priorities:
            continue
        result.append({"priority_id": priority_id, "priority": priorities[priority_id], **row})
    result.sort(key=lambda r: (r["fiscal_year"], r["priority"].number, r["priority_id"]))
    return result


def funding_totals_by_year(fiscal_year=None, council=None):
    """{fiscal_year: {requested, endorsed, approved, count}} counting each request once."""
    if summary.maintained():
        rows = _summed(_summarised(fiscal_year, council, once=True), fiscal_year="fiscal_year")
        return {row.pop("fiscal_year"): row for row in rows.order_by("fiscal_year")}
    rows = (
        _requested(fiscal_year, council)
        .values("fiscal_year")
        .annotate(
            requested=_money_sum("amount_requested", Q()),
            endorsed=_money_sum("amount_requested", ENDORSED),
            approved=_money_sum("amount_approved", APPROVED),
            count=_count(),
        )
        .order_by("fiscal_year")
    )
    return {row.pop("fiscal_year"): row for row in rows}


def fiscal_years_with_requests():
    return list(
        FundingRequest.objects.order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def past_requests(request, user):
    """The group's other requests this person may see, with their decisions."""
    return (
        visible_requests(user, FundingRequest.objects.all())
        .filter(group_id=request.group_id)
        .exclude(pk=request.pk)
        .exclude(status=Status.DRAFT)
        .select_related("meeting")
        .order_by("-fiscal_year", "-created_at")[:20]
    )
