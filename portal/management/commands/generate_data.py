"""Synthetic data for benchmarks: scale 1 ≈ 50 groups and 1,000 objectives; scale 100 ≈ 5,000
groups, 100,000 objectives and 20,000 funding requests. Uses bulk inserts (no history rows).

What the demo personas see grows with the scale too (issue 17), not only the portal as a
whole: the adopted plan gets PLAN_ITEMS_PER_SCALE items per scale step, the demo group
co-chair chairs CHAIRED_PER_SCALE generated groups per step, and each persona's inbox gets
INBOX_PER_SCALE entries per step, half of them unread."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.cache import bump_data_version
from councils.models import Council, CouncilMembership, Priority, Profile
from workinggroups.models import Group, GroupMembership, Objective

GROUPS_PER_SCALE = 50
OBJECTIVES_PER_GROUP = 20
REQUESTS_PER_SCALE = 200
PLAN_ITEMS_PER_SCALE = 100
CHAIRED_PER_SCALE = 2
INBOX_PER_SCALE = 10
PERSONAS = ("member", "groupchair", "cochair.pssdc", "secretariat")
BATCH = 5000


class Command(BaseCommand):
    help = "Generate benchmark data at a scale factor (1, 10, 100) on top of the demo world."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args, scale, seed, **options):
        with transaction.atomic():
            summary = self.generate(scale, seed)
        if summary is None:
            self.stdout.write("Benchmark data for this scale is already there.")
            return
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner's statistics stale and the visibility map unset
            # until autovacuum comes by: until then, every index-only scan reads the table too
            # (the group-health counts took twice as long at scale 1,000). Vacuum and analyse
            # now, as autovacuum would have on a database that grew over months. VACUUM cannot
            # run inside a transaction: a caller's (a test's) gets ANALYZE alone.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(summary))

    def generate(self, scale, seed):
        """The data, in the caller's transaction; a line saying what was made, or None when
        this scale was generated before."""
        if scale < 1 or scale > 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        if not Council.objects.exists():
            raise CommandError("Load the demo world first (manage.py load_demo).")
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        councils = list(Council.objects.all())
        priorities = list(Priority.objects.all())
        User = get_user_model()
        prefix = f"bench{scale}"
        if Group.objects.filter(slug__startswith=f"{prefix}-").exists():
            return None
        n_groups = GROUPS_PER_SCALE * scale
        people = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}-person-{i}",
                    first_name="Bench",
                    last_name=str(i),
                    email=f"{prefix}-person-{i}@example.org",  # reminders are really sent
                )
                for i in range(n_groups)
            ],
            batch_size=BATCH,
        )
        # Every person has a profile (councils.signals makes it; bulk inserts send no signal):
        # pages that show people (council members, the People area) read it.
        Profile.objects.bulk_create([Profile(user=p) for p in people], batch_size=BATCH)
        groups = Group.objects.bulk_create(
            [
                Group(
                    slug=f"{prefix}-{i}",
                    kind=rng.choice(
                        [Group.Kind.WORKING_GROUP] * 3 + [Group.Kind.COMMUNITY_OF_PRACTICE]
                    ),
                    name_en=f"Benchmark group {i}",
                    name_fr=f"Groupe d'essai {i}",
                    mandate_en="Generated for benchmarks.",
                    status=Group.Status.ACTIVE,
                    start_date=datetime.date(2020, 1, 1),
                )
                for i in range(n_groups)
            ],
            batch_size=BATCH,
        )
        Group.councils.through.objects.bulk_create(
            [
                Group.councils.through(group_id=g.pk, council_id=rng.choice(councils).pk)
                for g in groups
            ],
            batch_size=BATCH,
        )
        Group.priorities.through.objects.bulk_create(
            [
                Group.priorities.through(group_id=g.pk, priority_id=rng.choice(priorities).pk)
                for g in groups
            ],
            batch_size=BATCH,
        )
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(
                    group=g, user=p, role="co_chair", start_date=datetime.date(2020, 1, 1)
                )
                for g, p in zip(groups, people, strict=True)
            ],
            batch_size=BATCH,
        )
        CouncilMembership.objects.bulk_create(
            [
                CouncilMembership(
                    council=rng.choice(councils),
                    user=p,
                    role="member",
                    start_date=datetime.date(2020, 1, 1),
                )
                for p in people[::2]
            ],
            batch_size=BATCH,
        )
        base = datetime.date(2026, 1, 1)
        statuses = [s for s, _ in Objective.Status.choices]
        objectives = (
            Objective(
                group=g,
                title_en=f"Objective {i} of {g.slug}",
                title_fr=f"Objectif {i} de {g.slug}",
                priority=rng.choice(priorities),
                due_date=base + datetime.timedelta(days=rng.randint(0, 730)),
                status=rng.choice(statuses),
            )
            for g in groups
            for i in range(OBJECTIVES_PER_GROUP)
        )
        Objective.objects.bulk_create(objectives, batch_size=BATCH)
        extra = generate_funding(rng, groups, people, priorities, REQUESTS_PER_SCALE * scale)
        extra += grow_for_personas(rng, prefix, scale, groups)
        bump_data_version()  # bulk inserts send no signals: cached pages must not survive them
        return (
            f"Scale {scale}: {n_groups} groups, "
            f"{n_groups * OBJECTIVES_PER_GROUP} objectives{extra}."
        )


def generate_funding(rng, groups, people, priorities, count):
    """Funding requests, when the funding app provides a generator for them."""
    try:
        from funding.benchmark import generate_requests
    except ImportError:
        return ""
    made = generate_requests(
        rng=rng, groups=groups, people=people, priorities=priorities, count=count
    )
    return f", {made} funding requests"


def grow_for_personas(rng, prefix, scale, groups):
    """What the demo personas see: plan items, chaired groups, inbox entries."""
    from django.utils import timezone

    from notifications.models import Notification
    from strategy.models import PlanItem, StrategicPlan

    User = get_user_model()
    chair = User.objects.filter(username="groupchair").first()
    chaired = groups[: CHAIRED_PER_SCALE * scale] if chair else []
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(
                group=g, user=chair, role="co_chair", start_date=datetime.date(2020, 1, 1)
            )
            for g in chaired
        ],
        batch_size=BATCH,
    )
    plan = StrategicPlan.objects.filter(status="adopted").order_by("-pk").first()
    items = 0
    if plan:
        objectives = Objective.objects.filter(group__slug__startswith=f"{prefix}-").order_by("pk")
        rows = objectives.values_list("pk", "priority_id", "due_date", "title_en", "title_fr")
        made = PlanItem.objects.bulk_create(
            (
                PlanItem(
                    plan=plan,
                    objective_id=pk,
                    priority_id=priority_id,
                    due_date=due,
                    title_en=title_en,
                    title_fr=title_fr,
                )
                for pk, priority_id, due, title_en, title_fr in rows[
                    : PLAN_ITEMS_PER_SCALE * scale
                ].iterator()
            ),
            batch_size=BATCH,
        )
        items = len(made)
    now = timezone.now()
    entries = [
        Notification(
            recipient=user,
            kind="overdue",
            text_en=f"Benchmark entry {i}",
            text_fr=f"Entrée d'essai {i}",
            link="/en/",
            read_at=now if i % 2 else None,
        )
        for user in User.objects.filter(username__in=PERSONAS)
        for i in range(INBOX_PER_SCALE * scale)
    ]
    Notification.objects.bulk_create(entries, batch_size=BATCH)
    return (
        f", {items} plan items, {len(chaired)} groups chaired by groupchair, "
        f"{len(entries)} inbox entries"
    )
