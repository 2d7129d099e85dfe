import json
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from councils.models import Council
from portal.benchmark import measure_page
from workinggroups.models import Group, Objective

# (label, URL name, args from the data, demo user who reads it)
PAGES = [
    ("bare view (reference)", "bench_bare", None, "secretariat"),
    ("empty portal page (reference)", "bench_layout", None, "member"),
    ("home", "portal:home", None, "groupchair"),
    ("groups list", "workinggroups:group_list", None, "member"),
    ("group detail", "workinggroups:group_detail", "group", "member"),
    ("group health", "workinggroups:health", None, "secretariat"),
    ("review queue", "funding:review_queue", None, "cochair.pssdc"),
    ("funding list", "funding:request_list", None, "secretariat"),
    ("funding overview", "funding:overview", None, "secretariat"),
    ("dashboard", "strategy:dashboard", None, "member"),
    # The same page with the shared-fragment cache off: what a reader pays after a change.
    ("dashboard, cache off (not a target)", "strategy:dashboard", None, "member"),
    ("funding overview, cache off (not a target)", "funding:overview", None, "secretariat"),
    # Issue 12: the pages that keep the data alive (progress, memberships, people).
    ("objective page", "workinggroups:objective_detail", "objective", "member"),
    ("progress reports", "workinggroups:report_list", "group", "member"),
    ("group memberships", "workinggroups:group_memberships", "group", "secretariat"),
    ("mandate versions", "workinggroups:mandate_history", "group", "member"),
    ("council members", "councils:council_members", "council", "secretariat"),
    ("people list", "people:person_list", None, "secretariat"),
    ("person page", "people:person_detail", "person", "secretariat"),
    (
        "admin changelist (reference)",
        "admin:funding_fundingrequest_changelist",
        None,
        "secretariat",
    ),
]


class Command(BaseCommand):
    help = "Measure every main page (queries, median and p95 time); print JSON. Benchmark use."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, repeat, **options):
        settings.ALLOWED_HOSTS = ["*"]
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in={p[3] for p in PAGES})
        }
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
        results, skipped = [], []
        for label, url_name, arg, username in PAGES:
            try:
                url = reverse(url_name, args=[args[arg]()] if arg else None)
            except NoReverseMatch:
                skipped.append(label)
                continue
            client = Client()
            client.force_login(users[username])
            with override_settings(PORTAL_FRAGMENT_CACHE="cache off" not in label):
                results.append(measure_page(client, label, url, repeat).__dict__)
        sweep = measure_sweep()
        cookie_user = users["secretariat"]
        client = Client()
        client.force_login(cookie_user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.stdout.write(
            json.dumps(
                {
                    "pages": results,
                    "skipped": skipped,
                    "sweep": sweep,
                    "session": session,
                    "throughput_paths": throughput_paths(),
                }
            )
        )


def throughput_paths():
    paths = {}
    for label, name in [
        ("bare view (reference)", "bench_bare"),
        ("funding list", "funding:request_list"),
        ("admin changelist (reference)", "admin:funding_fundingrequest_changelist"),
        ("dashboard", "strategy:dashboard"),
        ("groups list", "workinggroups:group_list"),
    ]:
        try:
            paths[label] = reverse(name)
        except NoReverseMatch:
            continue
    return paths


def measure_sweep():
    """Time and count the queries of one full reminder sweep (every kind)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funding.reminders import remind_reviews_waiting
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
        claimed = sum(len(sweep()) for sweep in sweeps)
    return {
        "seconds": time.perf_counter() - start,
        "queries": len(ctx.captured_queries),
        "claimed": claimed,
    }
