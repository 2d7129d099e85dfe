"""Query counts and times of the People pages at two data sizes: the demo, then 5,000 more
people and 200 more memberships for one person, inside a transaction that is rolled back.

    DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=postgres://... \\
        .venv/bin/python manage.py shell < scripts/measure_people.py
"""

import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from councils.models import Council, CouncilMembership, Profile

User = get_user_model()


class Rollback(Exception):
    pass


def measure(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), ms


def report(label):
    client = Client()
    client.force_login(User.objects.get(username="secretariat"))
    target = User.objects.get(username="member")
    urls = [
        "/en/people/",
        "/en/people/?q=roy",
        "/en/people/?status=invited",
        "/en/people/?page=2",
        f"/en/people/{target.pk}/",
        f"/en/people/{target.pk}/deactivate/",
        "/en/people/invite/",
    ]
    for url in urls:
        n, ms = measure(client, url)
        print(f"{label:>12} {url:<32} {n:>3} queries {ms:7.1f} ms")


def grow():
    council = Council.objects.get(code="pssdc")
    target = User.objects.get(username="member")
    users = User.objects.bulk_create(
        User(
            username=f"bulk{i}",
            first_name=f"Bulk{i}",
            last_name=f"Person{i:05d}",
            email=f"bulk{i}@example.ca",
        )
        for i in range(5000)
    )
    Profile.objects.bulk_create(Profile(user=u, title_en="Director") for u in users)
    CouncilMembership.objects.bulk_create(
        CouncilMembership(user=u, council=council, role="member") for u in users
    )
    CouncilMembership.objects.bulk_create(
        CouncilMembership(user=target, council=council, role="guest") for _ in range(200)
    )


try:
    with transaction.atomic():
        print("people:", User.objects.count())
        report("demo")
        grow()
        print("people:", User.objects.count())
        report("+5000")
        raise Rollback
except Rollback:
    pass
