"""`manage.py benchmark_pages`: every main page measured in process, as the personas who use
it (none of them a superuser: a superuser skips the role query everyone else pays), in
several interleaved rounds; the reminder sweep claimed and all of it sent; JSON out.
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
from portal.benchmark import measure_round, profile_page, summarise
from workinggroups.models import Group, Objective

# The admin reference and the funding list are read by the same person: a member of the
# secretariat who is staff with the view permission, not a superuser.
STAFF = "bench.staff"

# (label, URL name, args from the data, demo user who reads it, fragment cache on). Every
# page that reads the cache (core.cache: kept fragments, rows, counts, roll-ups) has a row
# with the cache off too, its miss path.
PAGES = [
    ("bare view (reference)", "bench_bare", None, "member", True),
    ("empty portal page (reference)", "bench_layout", None, "member", True),
    ("home, group co-chair", "portal:home", None, "groupchair", True),
    ("home, member", "portal:home", None, "member", True),
    ("home, member, cache off", "portal:home", None, "member", False),
    ("home, group co-chair, cache off", "portal:home", None, "groupchair", False),
    ("groups list", "workinggroups:group_list", None, "member", True),
    ("groups list, cache off", "workinggroups:group_list", None, "member", False),
    ("group detail", "workinggroups:group_detail", "group", "member", True),
    ("group detail, cache off", "workinggroups:group_detail", "group", "member", False),
    ("group health", "workinggroups:health", None, "cochair.pssdc", True),
    ("group health, cache off", "workinggroups:health", None, "cochair.pssdc", False),
    ("review queue", "funding:review_queue", None, "cochair.pssdc", True),
    ("review queue, cache off", "funding:review_queue", None, "cochair.pssdc", False),
    ("funding list", "funding:request_list", None, STAFF, True),
    ("funding list, cache off", "funding:request_list", None, STAFF, False),
    ("funding overview", "funding:overview", None, "member", True),
    ("funding overview, cache off", "funding:overview", None, "member", False),
    ("dashboard", "strategy:dashboard", None, "member", True),
    ("dashboard, cache off", "strategy:dashboard", None, "member", False),
    ("inbox", "notifications:inbox", None, "member", True),
    # Issue 12: the pages that keep the data alive (progress, memberships, people).
    ("objective page", "workinggroups:objective_detail", "objective", "member", True),
    ("progress reports", "workinggroups:report_list", "group", "member", True),
    ("group memberships", "workinggroups:group_memberships", "group", "secretariat", True),
    (
        "group memberships, cache off",
        "workinggroups:group_memberships",
        "group",
        "secretariat",
        False,
    ),
    ("mandate versions", "workinggroups:mandate_history", "group", "member", True),
    ("council members", "councils:council_members", "council", "secretariat", True),
    ("council members, cache off", "councils:council_members", "council", "secretariat", False),
    ("people list", "people:person_list", None, "secretariat", True),
    ("people list, cache off", "people:person_list", None, "secretariat", False),
    ("person page", "people:person_detail", "person", "secretariat", True),
    ("person page, cache off", "people:person_detail", "person", "secretariat", False),
    # Issue 18: the read-only API, first page of each list and one record (session sign-in;
    # a token costs the same queries, tests/test_api_queries.py).
    ("API councils", "api:council-list", None, "member", True),
    ("API groups", "api:group-list", None, "member", True),
    ("API group", "api:group-detail", "group", "member", True),
    ("API objectives", "api:objective-list", None, "member", True),
    ("API plans", "api:plan-list", None, "member", True),
    ("API plans, cache off", "api:plan-list", None, "member", False),
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
    ("group health", "workinggroups:health", "cochair.pssdc"),
    ("funding overview", "funding:overview", "member"),
]
# Loaded a second time while a writer changes one record a second (scripts/benchmark.py): the
# cached pages, whose fragments a change to their domains throws away.
UNDER_WRITES = ["home, group co-chair", "dashboard", "group health", "funding overview"]


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
        # Then where each page's time goes (SQL by function, rendering, the rest), apart from
        # the timed rounds: timing every query and render costs a little.
        profiles = {}
        for label, url, _username, client, cached in pages:
            with override_settings(PORTAL_FRAGMENT_CACHE=cached):
                profiles[label] = profile_page(client, url)
        results = [
            {"name": label, "url": url, "persona": username, "queries": queries[label]}
            | summarise(samples[label])
            | {"profile": profiles[label]}
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
                    "write_paths": [label for label in UNDER_WRITES if label in paths],
                }
            )
        )


class QueryCounter:
    """Counts the queries a block runs (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_sweep():
    """One full reminder sweep (every kind) as the workers run it: the claiming, then the
    sending of every reminder it claimed, in the send task's batches
    (PORTAL_REMINDER_SEND_BATCH_SIZE: lock, render, send on one connection, mark), to a
    backend that turns each message into the bytes an SMTP server would get. Worker time is
    the CPU time of this process (the machine may be shared: wall time is given too)."""
    from django.db import connection

    from funding.reminders import remind_reviews_waiting
    from notifications import services
    from notifications.tasks import send_reminders
    from portal.benchmark import SerializingBackend
    from workinggroups import reminders

    sweeps = [
        reminders.remind_deadlines,
        reminders.remind_workplans,
        reminders.remind_reviews,
        reminders.remind_liaison_gaps,
        reminders.remind_action_items,
        remind_reviews_waiting,
    ]
    # The batches the workers get are the ones the sweep hands over (services.enqueue, after
    # each claim batch commits): recorded here as they are published, then sent in turn.
    handed, publish = [], services.enqueue

    def recording(ids):
        ids = list(ids)
        handed.extend(services.batched(ids, settings.PORTAL_REMINDER_SEND_BATCH_SIZE))
        return publish(ids)

    claiming = QueryCounter()
    services.enqueue = recording
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        with connection.execute_wrapper(claiming):
            claimed = [pk for sweep in sweeps for pk in sweep()]
        claim_cpu, claim_wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        services.enqueue = publish
    sending = QueryCounter()
    SerializingBackend.sent = 0
    with (
        override_settings(EMAIL_BACKEND="portal.benchmark.SerializingBackend"),
        connection.execute_wrapper(sending),
    ):
        cpu, wall = time.process_time(), time.perf_counter()
        sent = sum(send_reminders.run(list(batch)) for batch in handed)
        send_cpu, send_wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(claimed) or 1
    return {
        "seconds": claim_cpu,
        "wall_seconds": claim_wall,
        "queries": claiming.count,
        "claimed": len(claimed),
        "sent": sent,
        "emails": SerializingBackend.sent,
        "send_seconds": send_cpu,
        "send_wall_seconds": send_wall,
        "send_ms_per_reminder": send_cpu * 1000 / n,
        "send_queries_per_reminder": sending.count / n,
        "worker_seconds": claim_cpu + send_cpu,
        "worker_wall_seconds": claim_wall + send_wall,
    }
