"""Bulk funding requests for `manage.py generate_data` (benchmarks only: no history rows)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .models import FundingRequest, Status

# A realistic spread: most requests decided, some under review, a few drafts.
STATES = [Status.APPROVED] * 4 + [
    Status.NOT_APPROVED,
    Status.ENDORSED,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.DRAFT,
    Status.WITHDRAWN,
]


def generate_requests(*, rng, groups, people, priorities, count, batch_size=2000):
    now = timezone.now()
    owner = dict(zip((g.pk for g in groups), people, strict=False))
    rows = []
    for i in range(count):
        group = groups[i % len(groups)]
        status = rng.choice(STATES)
        amount = Decimal(rng.randrange(5_000, 500_000, 500))
        submitted = status != Status.DRAFT
        rows.append(
            FundingRequest(
                group=group,
                title_en=f"Benchmark request {i}",
                title_fr=f"Demande d'essai {i}",
                summary_en="Generated for benchmarks.",
                amount_requested=amount,
                amount_approved=amount if status == Status.APPROVED else None,
                fiscal_year=rng.choice([2024, 2025, 2026, 2027]),
                status=status,
                created_by=owner[group.pk],
                submitted_by=owner[group.pk] if submitted else None,
                submitted_at=now - datetime.timedelta(days=rng.randint(1, 400))
                if submitted
                else None,
                revision=1 if submitted else 0,
            )
        )
    made = FundingRequest.objects.bulk_create(rows, batch_size=batch_size)
    through = FundingRequest.priorities.through
    through.objects.bulk_create(
        [through(fundingrequest_id=r.pk, priority_id=rng.choice(priorities).pk) for r in made],
        batch_size=batch_size,
    )
    return len(made)
