"""`manage.py benchmark_pages`: every main page measured in process, as the personas who use
it (none of them a superuser: a superuser skips the role query everyone else pays), in
several interleaved rounds; the reminder sweep claimed and a sample of it sent; JSON out.
scripts/benchmark.py runs it once per scale and writes docs/benchmarks.md."""

import json
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from councils.models import Council
from portal.benchmark import measure_round, summarise
from workinggroups.models import Group, Objective

# The admin reference and the funding list are read by the same person: a member of the
# secretariat who is staff with the view permission, not a superuser.
STAFF = "bench.staff"

# (label, URL name, args from the data, demo user who reads it, fragment cache on)
PAGES = [
    ("bare view (reference)", "bench_bare", None, "member", True),
    ("empty portal page (reference)", "bench_layout", None, "member", True),
    ("home, group co-chair", "portal:home", None, "groupchair", True),
    ("home, member", "portal:home", None, "member", True),
    ("home, group co-chair, cache off", "portal:home", None, "groupchair", False),
    ("groups list", "workinggroups:group_list", None, "member", True),
    ("group detail", "workinggroups:group_detail", "group", "member", True),
    ("group health", "workinggroups:health", None, "cochair.pssdc", True),
    ("group health, cache off", "workinggroups:health", None, "cochair.pssdc", False),
    ("review queue", "funding:review_queue", None, "cochair.pssdc", True),
    ("funding list", "funding:request_list", None, STAFF, True),
    ("funding overview", "funding:overview", None, "member", True),
    ("funding overview, cache off", "funding:overview", None, "member", False),
    ("dashboard", "strategy:dashboard", None, "member", True),
    ("dashboard, cache off", "strategy:dashboard", None, "member", False),
    ("inbox", "notifications:inbox", None, "member", True),
    # Issue 12: the pages that keep the data alive (progress, memberships, people).
    ("objective page", "workinggroups:objective_detail", "objective", "member", True),
    ("progress reports", "workinggroups:report_list", "group", "member", True),
    ("group memberships", "workinggroups:group_memberships", "group", "secretariat", True),
    ("mandate versions", "workinggroups:mandate_history", "group", "member", True),
    ("council members", "councils:council_members", "council", "secretariat", True),
    ("people list", "people:person_list", None, "secretariat", True),
    ("person page", "people:person_detail", "person", "secretariat", True),
    # Issue 18: the read-only API, first page of each list and one record (session sign-in;
    # a token costs the same queries, tests/test_api_queries.py).
    ("API councils", "api:council-list", None, "member", True),
    ("API groups", "api:group-list", None, "member", True),
    ("API group", "api:group-detail", "group", "member", True),
    ("API objectives", "api:objective-list", None, "member", True),
    ("API plans", "api:plan-list", None, "member", True),
    ("API meetings", "api:meeting-list", None, "member", True),
    ("API funding requests", "api:funding-request-list", None, STAFF, True),
    ("admin changelist (reference)", "admin:funding_fundingrequest_changelist", None, STAFF, True),
]

# Under load (gunicorn): (label, URL name, who)
THROUGHPUT = [
    ("bare view (reference)", "bench_bare", "member"),
    ("empty portal page (reference)", "bench_layout", "member"),
    ("home, group co-chair", "portal:home", "groupchair"),
    ("funding list", "funding:request_list", STAFF),
    ("admin changelist (reference)", "admin:funding_fundingrequest_changelist", STAFF),
    ("dashboard", "strategy:dashboard", "member"),
    ("groups list", "workinggroups:group_list", "member"),
    ("API groups", "api:group-list", "member"),
]

SEND_SAMPLE = 200  # reminders sent for the per-reminder figure


def staff_reader():
    """The non-superuser who reads the admin changelist and the funding list."""
    from councils.models import Council, CouncilMembership

    User = get_user_model()
    user, made = User.objects.get_or_create(
        username=STAFF, defaults={"is_staff": True, "first_name": "Bench", "last_name": "Staff"}
    )
    if made:
        user.user_permissions.add(
            Permission.objects.get(
                codename="view_fundingrequest", content_type__app_label="funding"
            )
        )
        CouncilMembership.objects.create(
            user=user, council=Council.objects.order_by("pk").first(), role="secretariat"
        )
    return user


class Command(BaseCommand):
    help = "Measure every main page (queries, median, spread, p95) as personas; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15, help="requests per page per round")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--no-sweep", action="store_true")

    def handle(self, *args, repeat, rounds, no_sweep, **options):
        settings.ALLOWED_HOSTS = ["*"]
        staff_reader()
        names = {p[3] for p in PAGES} | {t[2] for t in THROUGHPUT}
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        missing = names - set(users)
        if missing:
            raise CommandError(f"Personas missing (load_demo first): {sorted(missing)}")
        biggest = Group.objects.order_by("-pk").first()
        # The object each page is about: the latest group, its latest objective, the council
        # with the most members, the person with the most memberships.
        args = {
            "group": lambda: biggest.slug,
            "objective": lambda: Objective.objects.order_by("-pk").values_list("pk", flat=True)[0],
            "council": lambda: (
                Council.objects.annotate(n=Count("memberships")).order_by("-n", "pk")[0].code
            ),
            "person": lambda: (
                get_user_model()
                .objects.annotate(n=Count("group_memberships"))
                .order_by("-n", "pk")[0]
                .pk
            ),
        }
        pages, skipped = [], []
        for label, url_name, arg, username, cached in PAGES:
            try:
                url = reverse(url_name, args=[args[arg]()] if arg else None)
            except NoReverseMatch:
                skipped.append(label)
                continue
            client = Client()
            client.force_login(users[username])
            pages.append((label, url, username, client, cached))
        # Rounds interleave the pages: a slow spell of the machine shows as spread on every
        # page instead of as a "regression" of whichever page it fell on.
        samples = {label: [] for label, *_ in pages}
        queries, failures = {}, []
        for _ in range(rounds):
            for label, url, _username, client, cached in pages:
                with override_settings(PORTAL_FRAGMENT_CACHE=cached):
                    result = measure_round(client, url, repeat)
                samples[label].append(result["timings"])
                queries[label] = result["queries"]
                failures += [f"{label}: {status}" for status in result["bad_statuses"]]
        if failures:
            raise CommandError(f"Timed requests that were not 200: {failures[:10]}")
        results = [
            {"name": label, "url": url, "persona": username, "queries": queries[label]}
            | summarise(samples[label])
            for label, url, username, _client, _cached in pages
        ]
        sessions, paths = {}, {}
        for label, url_name, username in THROUGHPUT:
            try:
                paths[label] = (reverse(url_name), username)
            except NoReverseMatch:
                continue
            if username not in sessions:
                client = Client()
                client.force_login(users[username])
                sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.stdout.write(
            json.dumps(
                {
                    "pages": results,
                    "skipped": skipped,
                    "sweep": None if no_sweep else measure_sweep(),
                    "sessions": sessions,
                    "throughput_paths": paths,
                }
            )
        )


def measure_sweep():
    """One full reminder sweep (every kind): the claiming, then the sending of a sample of
    what it claimed, as a worker sends it (services.deliver: lock, render, send, mark), to
    the in-memory mail backend. Sending all is `per reminder × claimed` of worker time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funding.reminders import remind_reviews_waiting
    from notifications.services import deliver
    from workinggroups import reminders

    sweeps = [
        reminders.remind_deadlines,
        reminders.remind_workplans,
        reminders.remind_reviews,
        reminders.remind_liaison_gaps,
        reminders.remind_action_items,
        remind_reviews_waiting,
    ]
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        claimed = [pk for sweep in sweeps for pk in sweep()]
    claim_seconds = time.perf_counter() - start
    claim_queries = len(ctx.captured_queries)
    step = max(1, len(claimed) // SEND_SAMPLE)
    sample = claimed[::step][:SEND_SAMPLE]
    sent = 0
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        CaptureQueriesContext(connection) as ctx,
    ):
        start = time.perf_counter()
        sent = sum(deliver(pk) for pk in sample)
        send_seconds = time.perf_counter() - start
    per_ms = send_seconds * 1000 / len(sample) if sample else 0.0
    return {
        "seconds": claim_seconds,
        "queries": claim_queries,
        "claimed": len(claimed),
        "sample": len(sample),
        "sent": sent,
        "send_ms_per_reminder": per_ms,
        "send_queries_per_reminder": len(ctx.captured_queries) / len(sample) if sample else 0,
        "worker_seconds": claim_seconds + per_ms * len(claimed) / 1000,
    }
