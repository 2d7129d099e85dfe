"""Every main page, for every persona, runs the same number of SQL queries whatever the data,
and at most the portal's ceiling (docs/benchmarks.md).

The data grows what each persona sees, not only the portal as a whole (issue 17): unread
entries in every inbox, the adopted plan's items, the groups a co-chair chairs, the funding
requests, meetings, action items and measures of their group and council.

Each page is read twice at each size: the first read may rebuild a cached fragment (the data
version changed), the second is served from it. Both must stay constant and under the ceiling.

`pytest tests/test_page_queries.py -s` prints the counts measured."""

import datetime
import itertools
import os

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.tests.factories import (
    ActionItemFactory,
    CouncilMembershipFactory,
    MeetingFactory,
    UserFactory,
)
from funding.models import Status as FundingStatus
from funding.tests.factories import FundingRequestFactory
from notifications.models import Notification
from strategy.models import Status as PlanStatus
from strategy.services import plan_create, plan_refresh_from_workplans, plan_transition
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Objective
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, MeasureFactory

pytestmark = pytest.mark.django_db

CEILING = 15
# Pages allowed more queries, and why: none. The meeting page carries the whole meeting cycle
# (issue 13) and ran 21-22 queries, one per kind of record; issue 17 brought it to 15 for
# every reader: the declared interests of the agenda lines and of the requests in one query,
# the councils with their member seats for the quorum in one (a LEFT JOIN), the meeting with
# its errata, the agenda lines with their votes, the requests (on the meeting or its agenda)
# with their recommendations and the measures with their groups' rows, each in one query
# (core/joins.py), and no visibility query for the secretariat, who sees every request. The
# group page (16) reads its liaisons' council seats with its memberships: 15.
EXCEPTIONS = {}
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)
STATUSES = itertools.cycle(list(Objective.Status))
DUES = itertools.cycle(
    [datetime.date(2026, 11, 20), datetime.date(2027, 1, 15), datetime.date(2026, 9, 1)]
)
FUNDING = itertools.cycle(
    [
        (FundingStatus.SUBMITTED, None),
        (FundingStatus.ENDORSED, None),
        (FundingStatus.APPROVED, "8000.00"),
        (FundingStatus.DRAFT, None),
    ]
)


class World:
    """The personas' council and group, a funding request, a meeting, a measure and an adopted
    plan; `grow(n)` adds n of everything each persona sees."""

    def __init__(self, personas, council, group, priority):
        self.personas = personas
        self.council, self.group, self.priority = council, group, priority
        self.secretariat = personas["secretariat"]
        self.chair = personas["group_cochair"]
        self.admin = UserFactory(username="superuser", is_staff=True, is_superuser=True)
        personas["superuser"] = self.admin
        CouncilMembershipFactory(user=self.chair, council=council, role="member")
        self.request = FundingRequestFactory(
            group=group,
            created_by=self.chair,
            status=FundingStatus.SUBMITTED,
            submitted=True,
        )
        self.meeting = MeetingFactory(councils=[council])
        self.measure = MeasureFactory(groups=[group])
        self.fill_meeting()
        self.plan = None
        self.n = 0

    def fill_meeting(self):
        """Every kind of record the meeting page shows, so each of its queries runs: the
        request on the agenda with a recommendation, a vote and declared interests on the
        line and on the request, an attendee, a decision, a measure and an engagement."""
        from councils.models import (
            AgendaItem,
            Attendee,
            Decision,
            Engagement,
            ExternalBody,
            InterestDeclaration,
            Vote,
        )
        from funding.models import Recommendation

        meeting, request, chair = self.meeting, self.request, self.chair
        item = AgendaItem.objects.create(meeting=meeting, order=1, title_en="Funding")
        request.meeting, request.agenda_item, request.revision = meeting, item, 1
        request.save()
        Recommendation.objects.create(
            request=request, revision=1, reviewer=chair, decision="endorse"
        )
        vote = Vote.objects.create(
            meeting=meeting, agenda_item=item, votes_for=2, eligible_count=2, closed_by=chair
        )
        for subject in (item, request):
            InterestDeclaration.objects.create(
                person=chair,
                subject=subject,
                statement="Works with the group",
                declared_by=self.secretariat,
            )
        Attendee.objects.create(meeting=meeting, user=chair, role="member")
        Decision.objects.create(
            meeting=meeting, number=1, agenda_item=item, vote=vote, text_en="Endorsed"
        )
        self.measure.meeting = meeting
        self.measure.save()
        body = ExternalBody.objects.create(slug="partner", name_en="Partner")
        Engagement.objects.create(
            external_body=body, meeting=meeting, summary_en="Met", recorded_by=self.secretariat
        )

    def grow(self, n):
        for _ in range(n):
            i = self.n = self.n + 1
            chaired = GroupFactory(
                slug=f"chaired-{i}", councils=[self.council], priorities=[self.priority]
            )
            GroupMembershipFactory(group=chaired, user=self.chair, role="co_chair")
            for g in (chaired, self.group):
                status, approved = next(FUNDING)
                goals = [objective(g, self.priority, next(STATUSES), next(DUES)) for _ in range(3)]
                accepted_workplan(g, goals)
                FundingRequestFactory(
                    group=g,
                    created_by=self.chair,
                    status=status,
                    amount_approved=approved,
                    submitted=status != FundingStatus.DRAFT,
                    fiscal_year=2026,
                )
            MeetingFactory(councils=[self.council])
            ActionItemFactory(meeting=self.meeting, owner=self.personas["member"])
            ActionItemFactory(meeting=self.meeting, owner=self.chair)
            MeasureFactory(groups=[self.group])
            for user in self.personas.values():
                if user is not None:
                    for read in (None, NOW):
                        Notification.objects.create(
                            recipient=user,
                            kind="overdue",
                            text_en=f"Deadline missed {i}",
                            text_fr=f"Échéance manquée {i}",
                            link="/en/",
                            read_at=read,
                        )
        if self.plan is None:
            self.plan, _ = plan_create(
                by=self.secretariat, title_en="Plan", first_fiscal_year=2026, last_fiscal_year=2027
            )
        else:
            plan_transition(plan=self.plan, by=self.secretariat, to=PlanStatus.DRAFT, reason="More")
            plan_refresh_from_workplans(plan=self.plan, by=self.secretariat)
        plan_transition(plan=self.plan, by=self.secretariat, to=PlanStatus.ADOPTED)

    def pages(self):
        group, council = self.group, self.council
        return {
            "home": reverse("portal:home"),
            "dashboard": reverse("strategy:dashboard"),
            "plan list": reverse("strategy:plan_list"),
            "plan": reverse("strategy:plan_detail", args=[self.plan.pk]),
            "groups list": reverse("workinggroups:group_list"),
            "group": reverse("workinggroups:group_detail", args=[group.slug]),
            "group health": reverse("workinggroups:health"),
            "measures": reverse("workinggroups:measure_list"),
            "measure": reverse("workinggroups:measure_detail", args=[self.measure.pk]),
            "funding list": reverse("funding:request_list"),
            "funding request": reverse("funding:request_detail", args=[self.request.pk]),
            "review queue": reverse("funding:review_queue"),
            "funding overview": reverse("funding:overview"),
            "meetings": reverse("councils:meeting_list"),
            "meeting": reverse("councils:meeting_detail", args=[self.meeting.pk]),
            "action items": reverse("councils:action_item_list"),
            "councils": reverse("councils:council_list"),
            "council": reverse("councils:council_detail", args=[council.code]),
            "priorities": reverse("councils:priority_list"),
            "priority": reverse("councils:priority_detail", args=[self.priority.code]),
            "jurisdictions": reverse("councils:jurisdiction_list"),
            "external bodies": reverse("councils:external_body_list"),
            "inbox": reverse("notifications:inbox"),
            "people": reverse("people:person_list"),
        }


def measure(clients, urls):
    """{(persona, page): (status, queries on the first read, queries on the second)}: each
    persona's first read of a page is from an empty cache (it rebuilds every cached part, the
    worst case, whatever another persona read before), the second is served from it."""
    counts = {}
    for who, client in clients.items():
        for name, url in urls.items():
            cache.clear()
            reads = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                reads.append(len(queries))
                if os.environ.get("SHOW_QUERIES") == f"{who}:{name}":
                    with open(os.environ.get("QUERIES_FILE", "/dev/stdout"), "a") as out:
                        out.write(f"\n--- {who}: {name}\n")
                        out.write("\n".join(q["sql"][:400] for q in queries.captured_queries))
            counts[who, name] = (response.status_code, *reads)
    return counts


@time_machine.travel(NOW, tick=False)
def test_every_page_runs_as_many_queries_for_every_persona_with_more_data(
    personas, council, group, priority, client_for
):
    world = World(personas, council, group, priority)
    world.grow(1)
    # Content types are read once per process and kept (Django's own cache): a server pays
    # that query once, not per page, so it is not counted against a page.
    ContentType.objects.get_for_models(*apps.get_models())
    clients = {who: client_for(user) for who, user in personas.items() if user is not None}
    urls = world.pages()
    small = measure(clients, urls)
    world.grow(8)
    large = measure(clients, urls)
    rows = [
        f"{who:16} {name:18} {small[who, name]} {large[who, name]}"
        for who, name in small
        if small[who, name][0] == 200
    ]
    print("\npersona          page               (status, first, second) small, large")
    print("\n".join(rows))
    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert not grew, grew
    over = {
        key: value
        for key, value in large.items()
        if max(value[1:]) > CEILING + EXCEPTIONS.get(key[1], 0)
    }
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite: group health's first rows come one query per rule, not in one UNION ALL
        # per kind of subject (workinggroups/health.py); PostgreSQL is the measure.
        over = {k: v for k, v in over.items() if k[1] != "group health" or v[2] > CEILING}
    assert not over, over


@time_machine.travel(NOW, tick=False)
def test_home_runs_as_many_queries_with_an_empty_inbox_as_with_a_full_one(personas, client_for):
    """The unread count was read twice once the inbox had entries (issue 17): once for the
    menu badge, once for the home page's inbox section."""
    url = reverse("portal:home")
    clients = {who: client_for(user) for who, user in personas.items() if user is not None}
    empty = measure(clients, {"home": url})
    for user in personas.values():
        for i in range(7 if user else 0):
            Notification.objects.create(
                recipient=user, kind="overdue", text_en=f"Missed {i}", text_fr=f"Manqué {i}"
            )
    full = measure(clients, {"home": url})
    assert full == empty
    page = clients["member"].get(url).content.decode()
    assert "Missed 6" in page  # the section is there, with the latest entries


def test_public_pages_run_as_many_queries_with_more_published_records(
    personas, council, group, priority, client_for
):
    """The public pages (issue 18), for the anonymous reader and a signed-in one, at two sizes
    of published data: plans' items, groups with co-chairs, approved funding, meetings with
    minutes and decisions."""
    from publication.services import publication_publish
    from publication.tests.data import adopted_plan, approved_request, decision, held_meeting
    from strategy.tests.factories import PlanItemFactory

    by = personas["secretariat"]
    plan = adopted_plan(group, priority)
    meeting = held_meeting(council)
    for record in (plan, group, meeting):
        publication_publish(record=record, by=by)

    def grow(n):
        for i in range(n):
            g = GroupFactory(councils=[council], priorities=[priority])
            GroupMembershipFactory(group=g, user=UserFactory(), role="co_chair")
            PlanItemFactory(plan=plan, objective=objective(g, priority, next(STATUSES)))
            m = held_meeting(council, title=f"Meeting {i}")
            decision(m)
            for record in (g, m, approved_request(g, m, by), *m.decisions.all()):
                publication_publish(record=record, by=by)
            publication_publish(record=decision(meeting, number=i + 2), by=by)

    grow(1)
    urls = {
        "public index": reverse("public:index"),
        "public plan": reverse("public:plan", args=[plan.pk]),
        "public groups": reverse("public:groups"),
        "public group": reverse("public:group", args=[group.slug]),
        "public funding": reverse("public:funding"),
        "public meetings": reverse("public:meetings"),
        "public meeting": reverse("public:meeting", args=[meeting.pk]),
        "open data": reverse("public:data"),
        **{
            f"open data: {name}": reverse("public:data_file", args=[name, "json"])
            for name in ("plans", "objectives", "groups", "funding", "meetings", "decisions")
        },
        "publication list": reverse("publication:list"),
        "publication step": reverse("publication:manage", args=["plan", plan.pk]),
    }
    clients = {
        "anonymous": client_for(None),
        "member": client_for(personas["member"]),
        "secretariat": client_for(by),
    }
    ContentType.objects.get_for_models(*apps.get_models())
    small = measure(clients, urls)
    grow(8)
    large = measure(clients, urls)
    print("\n".join(f"{k} {small[k]} {large[k]}" for k in small))
    assert small == large
    assert all(max(reads) <= CEILING for _, *reads in large.values()), large
    assert large["anonymous", "publication list"][0] == 302
    assert large["secretariat", "publication list"][0] == 200
    # The second read is served from the cache: no query of the records for the anonymous.
    assert all(second <= 1 for (who, _), (_, _, second) in large.items() if who == "anonymous")
